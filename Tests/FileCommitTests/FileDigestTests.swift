import Foundation
import XCTest
@testable import FileCommit

/// The report files' digest: the documented algorithm's values, the same in any pieces and from a
/// file, and changed by any edit.
final class FileDigestTests: XCTestCase {
    func testKnownAnswersOfTheDocumentedAlgorithm() {
        // From a separate Python transcription of docs/incremental.md's description (lanes, round,
        // foldings, tail words, avalanche), with arbitrary-precision integers masked to 64 bits.
        XCTAssertEqual(FileDigest.hex([]), "3fdf455f9dcf1e62e6e4ebf07eb8a90b")
        XCTAssertEqual(FileDigest.hex(Array("abc".utf8)), "82d7e88cce6a1c5aa5e0575c809361db")
        XCTAssertEqual(FileDigest.hex(Array(repeating: Array("Lang O2 Đ".utf8), count: 5).flatMap { $0 }), "4c6ff9429dcc443eed51a7eb9fed494f")
        XCTAssertEqual(FileDigest.hex(Array(repeating: (0...255).map(UInt8.init), count: 3).flatMap { $0 }), "8e03c838c596036f62f0bb4e3f3122e6")
    }

    func testPiecesAndDescriptorGiveTheWholesDigest() throws {
        // 9 MB of varied bytes: more than two reads of the file, and pieces that split steps.
        let bytes = variedBytes(9_000_019, seed: 977)
        let whole = FileDigest.hex(bytes)
        var d = FileDigest()
        feed(bytes, in: [1, 31, 32, 33, 5, 1000, 70_001] + Array(repeating: 1_000_000, count: 9)) { d.update($0) }
        XCTAssertEqual(d.finish(), whole)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-digest-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        XCTAssertEqual(FileDigest.hex(ofDescriptor: fd), whole)
    }

    func testEveryEditChangesTheDigest() {
        let text = Array(#"{"type":"Feature","properties":{"id":"V1","covered":0.973214}}"#.utf8)
        let digest = FileDigest.hex(text)
        var seen: Set<String> = [digest]
        // Each bit flipped, in the steps and in the tail.
        for i in text.indices {
            for bit in 0..<8 {
                var t = text
                t[i] ^= 1 << UInt8(bit)
                seen.insert(FileDigest.hex(t))
            }
        }
        XCTAssertEqual(seen.count, 1 + text.count * 8)
        // Cut short, or grown by zeros (which a plain sum of words would not see).
        XCTAssertNotEqual(FileDigest.hex(Array(text.dropLast())), digest)
        XCTAssertNotEqual(FileDigest.hex(text + [0]), digest)
        XCTAssertNotEqual(FileDigest.hex([0]), FileDigest.hex([0, 0]))
        XCTAssertNotEqual(FileDigest.hex([UInt8](repeating: 0, count: 32)), FileDigest.hex([UInt8](repeating: 0, count: 64)))
        // Two steps swapped.
        let a = [UInt8](repeating: 1, count: 32), b = [UInt8](repeating: 2, count: 32)
        XCTAssertNotEqual(FileDigest.hex(a + b), FileDigest.hex(b + a))
    }
}
