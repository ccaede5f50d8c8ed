import FileCommit
import Foundation
import XCTest
@testable import Coverage
@testable import CoverageReport
import TestSupport

/// A previous report file is copied from only when it is the one the side file describes, and a
/// file cut short while it is copied from ends the run rather than writing a short report.
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

        // Another SHA-256, a piece past the end, a symbolic link, a folder: not copied from.
        XCTAssertNil(PreviousText(path: path, file: ReportLayout.File(name: "report.csv", digest: FileDigest.hex([]), pieces: pieces)))
        XCTAssertNil(PreviousText(path: path, file: ReportLayout.File(name: "report.csv", digest: layout.digest, pieces: [8..<99])))
        let link = path + ".link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: link) }
        XCTAssertNil(PreviousText(path: link, file: layout))
        XCTAssertNil(PreviousText(path: FileManager.default.temporaryDirectory.path, file: layout))
    }

    /// A file whose digest the cache holds for its identity (this program wrote it, unchanged since)
    /// is taken without being read; once edited, it is read and checked again.
    func testAFileTheCacheKnowsIsNotReadForItsCheck() throws {
        let text = Array("id,name\nV1,Làng Một\n".utf8)
        let path = try file(text)
        let pieces = [8..<text.count]
        let cache = DigestCache(path: path + ".digests")
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path + ".digests") }
        // The digest recorded for this identity is the layout's, though the bytes have another: only
        // a file taken without reading passes.
        let claimed = String(repeating: "5", count: 32)
        cache.record(.report, try XCTUnwrap(FileIdentity(path: path)), claimed)
        let layout = ReportLayout.File(name: "report.csv", digest: claimed, pieces: pieces)
        XCTAssertNil(PreviousText(path: path, file: layout), "read and checked without the cache")
        let taken = try XCTUnwrap(PreviousText(path: path, file: layout, known: cache))
        XCTAssertEqual(String(decoding: taken[piece: 0], as: UTF8.self), "V1,Làng Một\n")
        // The right digest from the cache, or read: the same.
        cache.record(.report, try XCTUnwrap(FileIdentity(path: path)), FileDigest.hex(text))
        XCTAssertNotNil(PreviousText(path: path, file: ReportLayout.File(name: "report.csv", digest: FileDigest.hex(text), pieces: pieces), known: cache))
        // Edited in place, same size: another identity, so read, and its digest is not the layout's.
        usleep(30_000)
        let fd = open(path, O_WRONLY)
        XCTAssertEqual(pwrite(fd, "V9", 2, 8), 2)
        close(fd)
        XCTAssertNil(PreviousText(path: path, file: ReportLayout.File(name: "report.csv", digest: FileDigest.hex(text), pieces: pieces), known: cache))
    }

    /// Cut short by another program after the check: reading a piece past the new end ends the
    /// process with covgap's error naming the file and status 2 (in a child process that cuts
    /// the file and copies the piece), not a bus error and not a short report.
    func testAFileCutShortWhileCopiedFromEndsTheRunNamingIt() throws {
        let (path, text, pieces) = try rows(20000)
        let previous = try XCTUnwrap(PreviousText(path: path, file: ReportLayout.File(name: "report.csv", digest: FileDigest.hex(text), pieces: pieces)))
        let cutPath = strdup(path)!, cut = off_t(pieces[100].lowerBound)   // made before the child, which may not allocate
        defer { free(cutPath) }
        let child = ChildProcess.run {
            truncate(cutPath, cut)
            let piece = previous[piece: 19999]
            _exit(piece[piece.count - 1] == 0x0A ? 0 : 1)
        }
        XCTAssertNil(child.signal)
        XCTAssertEqual(child.exitStatus, 2)
        XCTAssertEqual(child.stderr, "covgap: \(path): was cut short while covgap read it; run again once it is written whole\n")
        // What is left of the file reads as before.
        XCTAssertEqual(String(decoding: previous[piece: 99], as: UTF8.self), "row 99\n")
    }

    /// An empty previous report folder, removed when the test ends.
    func previousFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-previous-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// report.csv and report.json of a previous folder.
    func write(_ csv: [UInt8], _ json: [UInt8], in folder: URL) throws {
        try Data(csv).write(to: folder.appendingPathComponent("report.csv"))
        try Data(json).write(to: folder.appendingPathComponent("report.json"))
    }

    /// The previous folder's files checked on a thread of their own answer as `PreviousText` does:
    /// the file the layout describes is copied from; one changed since, one missing and one the
    /// layout does not name are not.
    func testPreviousFilesAnswerAsPreviousTextDoes() throws {
        let folder = try previousFolder()
        let csv = Array("id\nV1\nV2\n".utf8), json = Array("{\"villages\": [1]}\n".utf8)
        try write(csv, json + [0x20], in: folder)
        let layout = ReportLayout(context: "", files: [
            ReportLayout.File(name: "report.csv", digest: FileDigest.hex(csv), pieces: [3..<6, 6..<9]),
            ReportLayout.File(name: "report.json", digest: FileDigest.hex(json), pieces: [14..<15]),
            ReportLayout.File(name: "report.geojson", digest: FileDigest.hex([]), pieces: []),
        ])
        let files = PreviousFiles(folder: folder.path, layout: layout, names: ["report.csv", "report.json", "report.geojson", "report.svg"])
        let previous = try XCTUnwrap(files.text("report.csv"))
        XCTAssertEqual(String(decoding: previous[piece: 1], as: UTF8.self), "V2\n")
        XCTAssertNil(files.text("report.json"), "a byte more than the digest covers")
        XCTAssertNil(files.text("report.geojson"), "missing")
        XCTAssertNil(files.text("report.svg"), "not in the layout")
        // Asked again, the same answers (the checks are made once).
        XCTAssertTrue(files.text("report.csv") === previous)
        XCTAssertNil(files.text("report.json"))
    }

    /// Only the files this run writes are read: a run writing report.csv alone does not check the
    /// previous report.json, however right it is.
    func testOnlyTheFilesThisRunWritesAreChecked() throws {
        let folder = try previousFolder()
        let csv = Array("id\nV1\n".utf8), json = Array("{}\n".utf8)
        try write(csv, json, in: folder)
        let layout = ReportLayout(context: "", files: [
            ReportLayout.File(name: "report.csv", digest: FileDigest.hex(csv), pieces: [3..<6]),
            ReportLayout.File(name: "report.json", digest: FileDigest.hex(json), pieces: []),
        ])
        let all = PreviousFiles(folder: folder.path, layout: layout, names: ["report.csv", "report.json"])
        XCTAssertNotNil(all.text("report.json"))
        let files = PreviousFiles(folder: folder.path, layout: layout, names: ["report.csv"])
        XCTAssertNotNil(files.text("report.csv"))
        XCTAssertNil(files.text("report.json"))
    }

    /// A previous file of `count` rows "row k\n" after a header, and each row's range.
    func rows(_ count: Int) throws -> (path: String, text: [UInt8], pieces: [Range<Int>]) {
        var text = Array("id\n".utf8), pieces: [Range<Int>] = []
        for k in 0..<count {
            let start = text.count
            text += Array("row \(k)\n".utf8)
            pieces.append(start..<text.count)
        }
        return (try file(text), text, pieces)
    }

    func testACopyPlanGivesEachCopiedPieceItsOwnText() throws {
        let (path, text, pieces) = try rows(20000)
        let layout = ReportLayout.File(name: "report.csv", digest: FileDigest.hex(text), pieces: pieces)
        let previous = try XCTUnwrap(PreviousText(path: path, file: layout))
        // This run's pieces: mostly the previous ones in order, some encoded again (nil), and two
        // swapped far apart.
        var from: [Int?] = Array(0..<19999)
        for k in stride(from: 3, to: 19999, by: 97) { from[k] = nil }
        from.swapAt(10, 19990)
        let plan = CopyPlan(source: previous, pieces: from)
        for k in from.indices {
            let got = plan.text(k)
            if let j = from[k] {
                XCTAssertEqual(got.map { String(decoding: $0, as: UTF8.self) }, "row \(j)\n", "piece \(k)")
            } else {
                XCTAssertNil(got, "piece \(k)")
            }
        }
    }
}
