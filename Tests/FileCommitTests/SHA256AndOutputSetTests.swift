import Foundation
import XCTest
@testable import FileCommit

final class SHA256AndOutputSetTests: XCTestCase {
    func testSHA256KnownAnswers() {
        // FIPS 180-4 examples and `printf 'Làng O2' | sha256sum`.
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testSHA256InPiecesAndOfAFileAsSha256sumSaysIt() throws {
        // 2.5 MB of varied bytes: more than one read of the file, and pieces that split blocks.
        let bytes = variedBytes(2_500_003, seed: 12345)
        let whole = SHA256.hex(bytes)
        var hasher = SHA256.Hasher()
        feed(bytes, in: [1, 63, 64, 65, 127, 1000, 70_001] + Array(repeating: 400_000, count: 7)) { hasher.update($0) }
        XCTAssertEqual(hasher.finish(), whole)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-sha-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(SHA256.hex(ofFileAt: path), whole)
        // sha256sum, an independent tool, agrees.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(String(printed.prefix(64)), whole)
        XCTAssertNil(SHA256.hex(ofFileAt: path + ".missing"))
    }

    func testWriteAllReplacesEveryFileOrNone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-writeall-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.csv").path
        try AtomicFile.writeAll([(a, Array("old a".utf8)), (b, Array("old b".utf8))])
        XCTAssertEqual(try String(contentsOfFile: a, encoding: .utf8), "old a")

        // The second target's folder is a regular file: nothing may change, and no staging file may stay.
        let blocked = dir.appendingPathComponent("a.json/x").path
        XCTAssertThrowsError(try AtomicFile.writeAll([(a, Array("new a".utf8)), (blocked, Array("x".utf8))]))
        XCTAssertEqual(try String(contentsOfFile: a, encoding: .utf8), "old a")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.json", "b.csv"])

        try AtomicFile.writeAll([(a, Array("new a".utf8)), (b, Array("new b".utf8))])
        XCTAssertEqual(try String(contentsOfFile: b, encoding: .utf8), "new b")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.json", "b.csv"])
    }
}

/// `count` bytes of a linear congruential sequence: varied, and the same on every run.
func variedBytes(_ count: Int, seed: UInt32) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var x = seed
    for i in bytes.indices {
        x = x &* 1_103_515_245 &+ 12345
        bytes[i] = UInt8(truncatingIfNeeded: x >> 16)
    }
    return bytes
}

/// `bytes` handed to `update` in pieces of the `sizes` (all of them: the sizes must cover the bytes).
func feed(_ bytes: [UInt8], in sizes: [Int], _ update: (UnsafeRawBufferPointer) -> Void) {
    var at = 0
    for size in sizes where at < bytes.count {
        let end = min(bytes.count, at + size)
        bytes[at..<end].withUnsafeBytes { update($0) }
        at = end
    }
    XCTAssertEqual(at, bytes.count, "the pieces cover the bytes")
}
