import Foundation
import XCTest
@testable import GeoIO
import TestSupport

/// Input files read where they lie in the page cache: the reader's bytes and refusals, pages let
/// go, and a file cut short while mapped.
final class MappedInputTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try TestFolders.make("mapped")
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Text of `count` bytes that is not one byte repeated.
    func text(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(ascii: "a") + UInt8(($0 * 7 + $0 / 13) % 26) }
    }

    func testMappedBytesAreTheFilesBytes() throws {
        for count in [1, 4095, 4096, 4097, 300_001] {
            let path = try file("f\(count).geojson", text(count))
            let mapped = try MappedInput.map(path)
            XCTAssertEqual(Array(mapped.bytes), try InputFile.read(path), "\(count) bytes")
            XCTAssertEqual(mapped.bytes.count, count)
        }
        XCTAssertEqual(try MappedInput.map(try file("empty.csv", [])).bytes.count, 0)
    }

    func testRefusalsAreTheReadersWordForWord() throws {
        let binary = try file("utf16.csv", [0xFF, 0xFE] + Array("i\0d\0".utf8))
        let fifo = dir.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let link = dir.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: try file("target.csv", text(10)))
        let cases: [(String, Bool)] = [(binary, true), (fifo, true), (dir.path, true), (dir.appendingPathComponent("missing").path, true), (link, false)]
        for (path, follow) in cases {
            var readError = "", mapError = ""
            do { _ = try InputFile.read(path, followSymlinks: follow) } catch { readError = "\(error)" }
            do { _ = try MappedInput.map(path, followSymlinks: follow) } catch { mapError = "\(error)" }
            XCTAssertFalse(readError.isEmpty, path)
            XCTAssertEqual(mapError, readError, path)
        }
        // A binary file is read when asked for as one (its fingerprint).
        XCTAssertEqual(try MappedInput.map(binary, binary: true).bytes.count, 6)
    }

    /// The process's resident file-backed memory, in bytes (`RssFile` of /proc/self/status).
    func residentFileBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("RssFile:") })
        return try XCTUnwrap(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
    }

    /// Pages let go stop counting as the process's memory, and read again give the same bytes.
    func testReleasedPagesLeaveTheProcessAndReadTheSame() throws {
        let size = 32 << 20
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: size)
        for k in stride(from: 0, to: size, by: 4096) { bytes[k] = UInt8(ascii: "a") + UInt8(k / 4096 % 26) }
        let mapped = try MappedInput.map(try file("big.geojson", bytes))
        var sum = 0
        for k in stride(from: 0, to: size, by: 4096) { sum &+= Int(mapped.bytes[k]) }
        let touched = try residentFileBytes()
        mapped.release(0..<(size - 1000))
        let after = try residentFileBytes()
        XCTAssertGreaterThan(touched - after, 24 << 20, "resident \(touched) -> \(after) bytes")
        var again = 0
        for k in stride(from: 0, to: size, by: 4096) { again &+= Int(mapped.bytes[k]) }
        XCTAssertEqual(again, sum)
        XCTAssertTrue(Array(mapped.bytes[(size - 5000)...]).elementsEqual(bytes[(size - 5000)...]))
    }

    /// More files at once than the bus-error table holds: the rest are read, with the same bytes.
    func testFilesBeyondTheTableAreReadWhole() throws {
        var held: [MappedInput] = []
        for k in 0..<(MappedRegions.capacity + 6) {
            let bytes = text(5000 + k)
            held.append(try MappedInput.map(try file("f\(k).csv", bytes)))
            XCTAssertEqual(Array(held[k].bytes), bytes, "file \(k)")
        }
        held.removeAll()
        // Slots are given back: as many files again are mapped.
        for k in 0..<MappedRegions.capacity { held.append(try MappedInput.map(dir.appendingPathComponent("f\(k).csv").path)) }
        XCTAssertEqual(held.map { $0.bytes.count }, (0..<MappedRegions.capacity).map { 5000 + $0 })
    }

    /// A file cut short by another program while it is mapped: reading past its new end ends the
    /// process with covgap's error naming the file and status 2, not a bus error. Checked in a
    /// child process that cuts the file and reads its last byte.
    func testAFileCutShortWhileReadEndsWithAnErrorNamingIt() throws {
        let path = try file("villages.geojson", text(3 * 65_536))
        let mapped = try MappedInput.map(path)
        let cutPath = strdup(path)!   // made before the child, which may not allocate
        defer { free(cutPath) }
        let child = ChildProcess.run {
            truncate(cutPath, 100)
            let last = mapped.bytes[mapped.bytes.count - 1]
            _exit(last == 0 ? 0 : 1)
        }
        XCTAssertNil(child.signal)
        XCTAssertEqual(child.exitStatus, 2)
        XCTAssertEqual(child.stderr, "covgap: \(path): was cut short while covgap read it; run again once it is written whole\n")
        // The parent's own reads of what is left of the file are unaffected.
        XCTAssertEqual(mapped.bytes[99], text(100)[99])
    }

    /// Bytes past the new end handed to `write` (as report.geojson's copied features are): the
    /// kernel answers EFAULT instead of a bus error, and covgap ends with the same error. An
    /// address in no mapped input goes on.
    func testAFileCutShortWhileWrittenFromEndsWithAnErrorNamingIt() throws {
        let path = try file("report.geojson", text(3 * 65_536))
        let mapped = try MappedInput.map(path)
        let cutPath = strdup(path)!
        defer { free(cutPath) }
        let out = open(dir.appendingPathComponent("copy").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(out) }
        let child = ChildProcess.run {
            truncate(cutPath, 100)
            let tail = mapped.bytes.baseAddress! + (mapped.bytes.count - 10)
            guard write(out, tail, 10) < 0 && errno == EFAULT else { _exit(1) }
            MappedRegions.endIfCutShort(at: UnsafeRawPointer(tail))
            _exit(0)
        }
        XCTAssertNil(child.signal)
        XCTAssertEqual(child.exitStatus, 2)
        XCTAssertEqual(child.stderr, "covgap: \(path): was cut short while covgap read it; run again once it is written whole\n")
        let elsewhere = [UInt8](repeating: 1, count: 8)
        elsewhere.withUnsafeBytes { MappedRegions.endIfCutShort(at: $0.baseAddress) }
        MappedRegions.endIfCutShort(at: nil)
        XCTAssertEqual(mapped.bytes[99], text(100)[99])
    }
}
