import FileCommit
import Foundation
import XCTest
@testable import Coverage
@testable import CoverageReport

/// A previous report file is copied from only when it is the one the side file describes, and a
/// file cut short while it is copied from fails the run rather than writing a short report.
final class PreviousTextTests: XCTestCase {
    func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-previous-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testPiecesAreReadFromTheFileTheLayoutDescribes() throws {
        let rows = ["V1,Làng Một\n", "V2,Thôn Hai\n"].map { Array($0.utf8) }
        let text = Array("id,name\n".utf8) + rows[0] + rows[1]
        let path = try file(text)
        let pieces = [8..<(8 + rows[0].count), (8 + rows[0].count)..<text.count]
        let layout = ReportLayout.File(name: "report.csv", digest: FileDigest.hex(text), pieces: pieces)
        let previous = try XCTUnwrap(PreviousText(path: path, file: layout))
        XCTAssertEqual(String(decoding: previous[piece: 0], as: UTF8.self), "V1,Làng Một\n")
        XCTAssertEqual(String(decoding: previous[piece: 1], as: UTF8.self), "V2,Thôn Hai\n")
        XCTAssertNoThrow(try previous.check())

        // Another SHA-256, a piece past the end, a symbolic link, a folder: not copied from.
        XCTAssertNil(PreviousText(path: path, file: ReportLayout.File(name: "report.csv", digest: FileDigest.hex([]), pieces: pieces)))
        XCTAssertNil(PreviousText(path: path, file: ReportLayout.File(name: "report.csv", digest: layout.digest, pieces: [8..<99])))
        let link = path + ".link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: link) }
        XCTAssertNil(PreviousText(path: link, file: layout))
        XCTAssertNil(PreviousText(path: FileManager.default.temporaryDirectory.path, file: layout))

        // Cut short after the check: the piece is empty and the run fails, naming the file.
        truncate(path, off_t(pieces[1].lowerBound + 2))
        XCTAssertEqual(previous[piece: 1], [])
        XCTAssertThrowsError(try previous.check()) { error in
            XCTAssertEqual("\(error)", "\(path): changed while its text was copied; nothing was written, run again")
        }
    }
}
