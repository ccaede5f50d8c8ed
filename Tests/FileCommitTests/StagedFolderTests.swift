import Foundation
import XCTest
@testable import FileCommit

/// A report folder filled file by file (from several threads, a file in pieces), then swapped in
/// whole or abandoned.
final class StagedFolderTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-staged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func entries(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func testFilesFromTwoThreadsInPiecesAreSwappedInTogether() throws {
        let out = root.appendingPathComponent("out").path
        try OutputFolder(out).write([("a.txt", Array("old a".utf8)), ("mine.txt", Array("the user's".utf8))])
        let staging = try OutputFolder(out).staging()
        // Two threads, each writing its file in 1,000 pieces.
        DispatchQueue.concurrentPerform(iterations: 2) { t in
            try? staging.add(t == 0 ? "a.txt" : "b.txt") { sink in
                for k in 0..<1000 { try sink.write(Array("\(t):\(k),".utf8)) }
            }
        }
        // Nothing is visible before the commit.
        XCTAssertEqual(try text(out + "/a.txt"), "old a")
        XCTAssertEqual(try entries(out), ["a.txt", "mine.txt"])
        XCTAssertEqual(Set(staging.names), ["a.txt", "b.txt"])
        try staging.commit()
        XCTAssertEqual(try text(out + "/a.txt"), (0..<1000).map { "0:\($0)," }.joined())
        XCTAssertEqual(try text(out + "/b.txt"), (0..<1000).map { "1:\($0)," }.joined())
        XCTAssertEqual(try text(out + "/mine.txt"), "the user's", "a file the run does not write stays")
        XCTAssertEqual(try entries(root.path), [".out.lock", "out"], "no sibling folder is left")
    }

    /// A file of 21 MB in uneven pieces: the disk is asked to start writing every 8 MB as it
    /// goes, and the file holds exactly the bytes written, in order.
    func testABigFileWrittenInPiecesIsWhole() throws {
        let out = root.appendingPathComponent("big").path
        let staging = try OutputFolder(out).staging()
        var expected: [UInt8] = []
        try staging.add("big.bin") { sink in
            for k in 0..<7 {
                let piece = [UInt8](repeating: UInt8(k + 1), count: 3_000_000 + k * 1_001)
                try sink.write(piece)
                expected += piece
            }
            XCTAssertEqual(sink.offset, expected.count)
            XCTAssertLessThan(sink.unsent, FileSink.sendEvery, "every 8 MB went to the disk's queue")
        }
        try staging.commit()
        XCTAssertEqual(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/big.bin"))), expected)
        XCTAssertNotNil(FileSink.startWriting, "Linux has sync_file_range")
    }

    /// A previous set of 60 MB (sparse files, one holding most of it) goes when the new set is
    /// swapped in, its files shared between two threads; a file the user put in the folder stays.
    func testALargePreviousSetIsRemovedOnTwoThreads() throws {
        let out = root.appendingPathComponent("large").path
        let sizes = ["report.geojson": 40 << 20, "report.reuse": 12 << 20, "report.json": 6 << 20, "report.csv": 2 << 20, "report.png": 0]
        try OutputFolder(out).write(sizes.keys.sorted().map { ($0, Array("old".utf8)) })
        for (name, size) in sizes { XCTAssertEqual(truncate(out + "/" + name, off_t(size)), 0) }
        try Data("the user's".utf8).write(to: URL(fileURLWithPath: out + "/notes.txt"))
        let staging = try OutputFolder(out).staging()
        for name in ["report.geojson", "report.json", "report.csv", "report.png", "report.reuse"] {
            try staging.add(name, bytes: Array("new \(name)".utf8))
        }
        try staging.commit()
        XCTAssertEqual(try entries(out), ["notes.txt", "report.csv", "report.geojson", "report.json", "report.png", "report.reuse"])
        for name in sizes.keys { XCTAssertEqual(try text(out + "/" + name), "new \(name)") }
        XCTAssertEqual(try text(out + "/notes.txt"), "the user's")
        XCTAssertEqual(try entries(root.path), [".large.lock", "large"], "the previous set's folder is gone")

        // Directly: every path goes, whichever thread it falls to; a missing path is no failure.
        let loose = root.appendingPathComponent("loose").path
        try FileManager.default.createDirectory(atPath: loose, withIntermediateDirectories: true)
        let paths = (0..<9).map { "\(loose)/f\($0)" }
        for (k, path) in paths.enumerated() {
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            XCTAssertEqual(truncate(path, off_t(k * 3 << 20)), 0)
        }
        FolderSwap.unlinkAll(paths + ["\(loose)/never-there"])
        XCTAssertEqual(try entries(loose), [])
        // A small set (under 16 MB in all) on the calling thread.
        for path in paths.prefix(3) { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("x".utf8))) }
        FolderSwap.unlinkAll(Array(paths.prefix(3)))
        XCTAssertEqual(try entries(loose), [])
    }

    func testAFailedFileAndAnAbandonedSetLeaveTheFolderAsItWas() throws {
        let out = root.appendingPathComponent("out").path
        try OutputFolder(out).write([("a.txt", Array("old a".utf8))])
        struct Stop: Error {}
        do {
            let staging = try OutputFolder(out).staging()
            try staging.add("a.txt", bytes: Array("new a".utf8))
            XCTAssertThrowsError(try staging.add("b.txt") { sink in
                try sink.write(Array("half".utf8))
                throw Stop()
            }) { XCTAssertTrue($0 is Stop, "\($0)") }
            XCTAssertEqual(staging.names, ["a.txt"], "the failed file is not staged")
            staging.abandon()
            staging.abandon()   // once is enough; again does nothing
        }
        XCTAssertEqual(try text(out + "/a.txt"), "old a")
        XCTAssertEqual(try entries(out), ["a.txt"])
        XCTAssertEqual(try entries(root.path), [".out.lock", "out"], "the abandoned set is removed")
        // The lock was released: another writer gets the folder at once.
        try OutputFolder(out).write([("a.txt", Array("newer a".utf8))])
        XCTAssertEqual(try text(out + "/a.txt"), "newer a")
    }

    func testStagingBesideTheTargetsWhenTheFolderCannotBeSwapped() throws {
        // `.` cannot be swapped: files are staged beside their targets, then renamed.
        let dir = root.appendingPathComponent("here")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(dir.path)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let staging = try OutputFolder(".").staging()
        try staging.add("a.txt") { sink in try sink.write(Array("one ".utf8)); try sink.write(Array("two".utf8)) }
        // The lock of `.` is the file "...lock" in it.
        XCTAssertEqual(try entries(dir.path).filter { !$0.hasPrefix(".a.txt.tmp-") }, ["...lock"], "only a temporary file before the commit")
        try staging.commit()
        XCTAssertEqual(try entries(dir.path), ["...lock", "a.txt"])
        XCTAssertEqual(try text(dir.path + "/a.txt"), "one two")
    }

    /// The cached pages of the files a run replaces are let go on a thread of their own, the files
    /// unchanged; not when the run reads that very folder (`--since` the output folder).
    func testTheReplacedFilesCachedPagesAreLetGoUnlessTheRunReadsThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("release-pages-\(getpid())").path
        let other = folder + "-other"
        for f in [folder, other] { try FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: true) }
        defer { for f in [folder, other] { try? FileManager.default.removeItem(atPath: f) } }
        // The file system the folder is on: that of the longest mount point above it.
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        var type: (point: String, name: String)?
        for line in mounts.split(separator: "\n") {
            let f: [String] = line.split(separator: " ").map(String.init)
            guard f.count >= 3 else { continue }
            let under: Bool = real == f[1] || real.hasPrefix(f[1] == "/" ? "/" : f[1] + "/")
            if under && f[1].count >= (type?.point.count ?? 0) { type = (f[1], f[2]) }
        }
        try XCTSkipIf(type?.name == "tmpfs", "on tmpfs the cached pages are the files themselves")
        let path = folder + "/report.geojson"
        let bytes = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertEqual(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }, bytes.count)
        XCTAssertEqual(fsync(fd), 0)
        close(fd)
        /// How many of the file's pages the page cache holds.
        func cached() -> Int {
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            let base = mmap(nil, bytes.count, PROT_READ, MAP_SHARED, fd, 0)!
            defer { munmap(base, bytes.count) }
            var vec = [UInt8](repeating: 0, count: (bytes.count + page - 1) / page)
            XCTAssertEqual(mincore(base, bytes.count, &vec), 0)
            return vec.reduce(0) { $0 + Int($1 & 1) }
        }
        let pages = bytes.count / Int(sysconf(Int32(_SC_PAGESIZE)))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, bytes.count)
        XCTAssertEqual(cached(), pages)
        XCTAssertNil(OutputFolder(folder).releaseCachedPages(of: ["report.geojson"], unlessReading: folder + "/."))
        XCTAssertEqual(cached(), pages)
        XCTAssertNil(OutputFolder(folder + "-missing").releaseCachedPages(of: ["report.geojson"], unlessReading: nil))
        let job = try XCTUnwrap(OutputFolder(folder).releaseCachedPages(of: ["report.json", "report.geojson"], unlessReading: other))
        XCTAssertEqual(job.wait(timeout: .now() + 30), .success)
        XCTAssertLessThan(cached(), pages / 4)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), bytes)
    }
}
