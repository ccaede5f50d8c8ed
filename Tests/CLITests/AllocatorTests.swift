import Foundation
import XCTest

/// covgap allocates through mimalloc (Package.swift): malloc and free, whether the Swift runtime,
/// GEOS or GDAL calls them, resolve to it and not to the C library's. The dynamic loader says so
/// itself when asked to print its bindings.
final class AllocatorTests: XCTestCase {
    func testMallocAndFreeResolveToMimalloc() throws {
        #if !os(Linux)
        throw XCTSkip("mimalloc is linked on Linux only")
        #endif
        if ProcessInfo.processInfo.environment["COVGAP_SYSTEM_MALLOC"] != nil {
            throw XCTSkip("built with the system allocator (sanitizer builds)")
        }
        let run = try CovgapProcess.run(["--version"], environment: ["LD_DEBUG": "bindings"])
        XCTAssertEqual(run.status, 0)
        let text = run.rawStderr
        // "binding file <caller> [0] to <provider> [0]: normal symbol `malloc' [GLIBC_2.2.5]"
        let bindings = text.split(separator: "\n").filter { $0.contains("binding file") }
        func providers(of symbol: String, from caller: String) -> Set<String> {
            Set(bindings.filter { $0.contains("symbol `\(symbol)'") && $0.contains(caller) }.compactMap { line in
                line.range(of: " to ").map { String(line[$0.upperBound...].prefix { $0 != " " }) }
            })
        }
        for (symbol, caller) in [("malloc", "libswiftCore.so"), ("free", "libswiftCore.so"), ("malloc", "libgeos")] {
            let found = providers(of: symbol, from: caller)
            XCTAssertFalse(found.isEmpty, "\(caller) binds \(symbol)")
            XCTAssertTrue(found.allSatisfy { $0.hasSuffix("libmimalloc.so.2") }, "\(caller)'s \(symbol) binds to \(found)")
        }
    }
}
