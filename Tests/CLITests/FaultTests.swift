import Foundation
import XCTest

/// Failures while writing, and interruptions: the previous report stays as it was, byte for
/// byte, and no temporary file is left behind.
final class FaultTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = try CovgapProcess.temporaryDirectory("covgap-fault")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
        root = nil   // XCTest keeps test-case objects until exit
    }

    /// A finished report in `out`, from the good fixtures; returns its files.
    func writePreviousReport(_ out: URL) throws -> [String: Data] {
        let r = try CovgapProcess.run(["analyze", "--villages", BadInputTests.goodVillages, "--sites", BadInputTests.goodSites,
                                       "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = try XCTUnwrap(folderSnapshot(out))
        XCTAssertEqual(files.keys.sorted(), CLI.reportFiles)
        return files
    }

    func testOutputFolderUnderARegularFile() throws {
        let plain = root.appendingPathComponent("plain-file")
        try Data("not a folder\n".utf8).write(to: plain)
        let out = plain.appendingPathComponent("out")
        let r = try CovgapProcess.run(["analyze", "--villages", BadInputTests.goodVillages, "--sites", BadInputTests.goodSites,
                                       "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: \(out.path): cannot create the output folder: Not a directory\n")
        XCTAssertEqual(try Data(contentsOf: plain), Data("not a folder\n".utf8))
        XCTAssertEqual(folderSnapshot(root)?.keys.sorted(), ["plain-file"])
    }

    func testOutputFolderThatCannotBeCreated() throws {
        // Root may write anywhere it can chmod, but not into /proc.
        let r = try CovgapProcess.run(["analyze", "--villages", BadInputTests.goodVillages, "--sites", BadInputTests.goodSites,
                                       "--out", "/proc/covgap-out", "--quiet"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderrLines.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("covgap: /proc/covgap-out: cannot create the output folder: "), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/proc/covgap-out"))
    }

    func testFailedRenameHalfwayPutsThePreviousReportBack() throws {
        let out = root.appendingPathComponent("out")
        var before = try writePreviousReport(out)
        // report.csv becomes a folder with a file in it: report.json and report.geojson can be
        // renamed into place, report.csv cannot, so the first two must be put back.
        let csvFolder = out.appendingPathComponent("report.csv")
        try FileManager.default.removeItem(at: csvFolder)
        try FileManager.default.createDirectory(at: csvFolder, withIntermediateDirectories: false)
        try Data("keep\n".utf8).write(to: csvFolder.appendingPathComponent("keep.txt"))
        before["report.csv"] = Data()
        let r = try CovgapProcess.run(["analyze", "--villages", BadInputTests.goodVillages, "--sites", "bad/sites-header-only.csv",
                                       "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderrLines.filter { !$0.contains("warning") },
                       ["covgap: \(out.path)/report.csv: cannot replace: Is a directory"])
        XCTAssertEqual(folderSnapshot(out), before, "report.json and report.geojson must hold the previous report")
    }

    func testFullDiskKeepsThePreviousReport() throws {
        let mountPoint = root.appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: false)
        let mount = try CovgapProcess.start(["--version"])   // warm the binary's page cache meanwhile
        _ = try CovgapProcess.finish(mount.0, logs: mount.1, limit: 60)
        let status = runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.path])
        guard status == 0 else {
            throw XCTSkip("cannot mount a 256 KiB tmpfs here (mount exited \(status); needs root with CAP_SYS_ADMIN): the full-disk case is not tested")
        }
        defer { _ = runTool("/bin/umount", [mountPoint.path]) }
        let out = mountPoint.appendingPathComponent("out")
        let before = try writePreviousReport(out)
        // A village of 10 000 vertices makes a report.geojson of about 250 KB: more than the disk holds.
        let villages = root.appendingPathComponent("villages.geojson")
        try LargeInputTests.circleVillage(vertices: 10_000).write(to: villages, atomically: false, encoding: .utf8)
        let r = try CovgapProcess.run(["analyze", "--villages", villages.path, "--sites", BadInputTests.goodSites, "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 2)
        // The files are written side by side (report.json and report.geojson on one lane, the map on
        // another, the side file on a thread of its own): the one the disk fills under is usually
        // report.geojson, the largest, but can be one written beside it. Whichever it is, it is named.
        let named = ["report.json", "report.geojson", "report.csv", "report.svg", "report.html", "report.png", "report.reuse"]
            .map { "covgap: \(out.path)/\($0): cannot write: No space left on device\n" }
        XCTAssertTrue(named.contains(r.stderr), r.stderr)
        XCTAssertEqual(folderSnapshot(out), before)
    }

    // MARK: Interruption

    /// Starts an analysis of a million-vertex village into `out`, which holds a previous report.
    func startLongRun(_ out: URL) throws -> (Process, URL) {
        let villages = root.appendingPathComponent("villages.geojson")
        try LargeInputTests.circleVillage(vertices: 1_000_000).write(to: villages, atomically: false, encoding: .utf8)
        return try CovgapProcess.start(["analyze", "--villages", villages.path, "--sites", BadInputTests.goodSites, "--out", out.path, "--quiet"])
    }

    func testInterruptWhileAnalysing() throws {
        let out = root.appendingPathComponent("out")
        let before = try writePreviousReport(out)
        let (p, logs) = try startLongRun(out)
        usleep(1_500_000)
        XCTAssertTrue(p.isRunning, "the run ended before it could be interrupted")
        p.interrupt()   // SIGINT, as Ctrl-C sends
        let r = try CovgapProcess.finish(p, logs: logs, limit: 60)
        XCTAssertTrue(r.signalled)
        XCTAssertEqual(r.status, SIGINT)
        XCTAssertEqual(folderSnapshot(out), before)
    }

    func testInterruptWhileWritingRemovesTheTemporaryFiles() throws {
        let out = root.appendingPathComponent("out")
        let before = try writePreviousReport(out)
        let (p, logs) = try startLongRun(out)
        // Watch until the new set's folder appears beside `out` (or a temporary file in it), then interrupt at once.
        var seen: String?
        while p.isRunning && seen == nil {
            seen = (try? FileManager.default.contentsOfDirectory(atPath: root.path))?.first { $0.hasPrefix(".out.new-") }
                ?? (try? FileManager.default.contentsOfDirectory(atPath: out.path))?.first { $0.hasPrefix(".report.") }
            if seen == nil { usleep(500) }
        }
        p.interrupt()
        let r = try CovgapProcess.finish(p, logs: logs, limit: 60)
        let staged = try XCTUnwrap(seen, "covgap finished before a temporary file was seen (status \(r.status))")
        XCTAssertTrue(staged.contains(".tmp-") || staged.hasPrefix(".out.new-"), staged)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".out.new-") }, [])
        XCTAssertTrue(r.signalled, "covgap must end by the signal once its temporary files are gone")
        XCTAssertEqual(r.status, SIGINT)
        XCTAssertEqual(folderSnapshot(out), before, "no temporary file may remain, and the previous report stays")
    }

    func runTool(_ path: String, _ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
