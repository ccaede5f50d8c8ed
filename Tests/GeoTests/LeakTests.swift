import XCTest
@testable import Geo

final class LeakTests: XCTestCase {
    /// Resident set size in bytes, from /proc/self/statm.
    static func residentBytes() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = Int(s.split(separator: " ")[1]) ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// A million small geometries made, measured and dropped: resident memory stays flat.
    func testMillionSmallGeometriesKeepMemoryFlat() throws {
        if dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil {
            throw XCTSkip("AddressSanitizer's quarantine keeps freed memory resident; LeakSanitizer checks for leaks in this build")
        }
        func churn(_ n: Int) throws -> Double {
            var total = 0.0
            for i in 0..<n {
                let x = Double(i % 1000)
                let g = try Geometry.polygon([[Coordinate(x, 0), Coordinate(x + 1, 0), Coordinate(x + 1, 1), Coordinate(x, 0)]])
                total += try g.clone().area()  // a second geometry, destroyed too
            }
            return total
        }
        _ = try churn(50_000)  // warm up allocators
        let before = Self.residentBytes()
        let total = try churn(1_000_000)
        let after = Self.residentBytes()
        XCTAssertEqual(total, 500_000, accuracy: 1e-3)
        let growthMiB = Double(after - before) / 1_048_576
        print("million-geometry churn: RSS \(before / 1_048_576) MiB → \(after / 1_048_576) MiB (growth \(String(format: "%.1f", growthMiB)) MiB)")
        // Leaking the three geometries of each iteration would cost several hundred MiB.
        XCTAssertLessThan(growthMiB, 16)
    }
}
