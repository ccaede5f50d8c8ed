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
