import Foundation
import XCTest

/// The report folder across processes: one writer at a time, the whole set swapped in at once,
/// and what a killed run left removed by the next run.
final class ReportFolderTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = try CLI.temporaryDirectory(self)
        for name in ["A", "B"] {
            try BundledLikeVillage.text(name: name).write(to: root.appendingPathComponent("villages-\(name).geojson"), atomically: true, encoding: .utf8)
        }
        try Data("site_id,operator,lat,lon,tech\nVT-1,Viettel,14.305,108.805,4G\n".utf8).write(to: root.appendingPathComponent("sites.csv"))
    }

    func analyze(_ name: String, out: String = "out") throws -> (Process, URL) {
        try CovgapProcess.start(["analyze", "--villages", "villages-\(name).geojson", "--sites", "sites.csv", "--out", out, "--quiet"], in: root)
    }

    /// The village name in each report file of `folder` (opened once, as a reader holding it
    /// would): all must be the same run's.
    static func names(in folder: Int32) -> Set<String> {
        var found = Set<String>()
        for file in ["report.json", "report.csv", "report.geojson", "report.html", "report.svg"] {
            let fd = openat(folder, file, O_RDONLY)
            guard fd >= 0 else { continue }
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            close(fd)
            let text = String(decoding: data, as: UTF8.self)
            for name in ["Village-A", "Village-B"] where text.contains(name) { found.insert("\(file):\(name.last!)") }
        }
        return Set(found.map { String($0.last!) })
    }

    func testAWriterWaitsForTheLockAndTheSetIsNeverMixed() throws {
        let first = try analyze("A")
        XCTAssertEqual(try CovgapProcess.finish(first.0, logs: first.1, limit: 60).status, 0)
        // Another process holds the folder's lock: a run waits for it.
        let lock = open(root.appendingPathComponent(".out.lock").path, O_RDWR | O_CREAT, 0o666)
        XCTAssertEqual(flock(lock, LOCK_EX), 0)
        let waiting = try analyze("B")
        usleep(1_500_000)
        XCTAssertTrue(waiting.0.isRunning, "covgap wrote while another process held the folder's lock")
        XCTAssertEqual(Set(names(inFolder: "out")), ["A"])
        flock(lock, LOCK_UN)
        close(lock)
        XCTAssertEqual(try CovgapProcess.finish(waiting.0, logs: waiting.1, limit: 60).status, 0)
        XCTAssertEqual(Set(names(inFolder: "out")), ["B"])

        // Writers racing each other while a reader opens the folder again and again.
        let done = Locked(false)
        let mixed = Locked([Set<String>]())
        let outPath = root.appendingPathComponent("out").path
        let reader = Thread {
            while !done.value {
                let fd = open(outPath, O_RDONLY | O_DIRECTORY)
                if fd >= 0 {
                    let n = ReportFolderTests.names(in: fd)
                    if n.count > 1 { mixed.update { $0.append(n) } }
                    close(fd)
                }
            }
        }
        reader.start()
        for _ in 0..<3 {
            let runs = try ["A", "B", "A", "B"].map { try analyze($0) }
            for (p, logs) in runs { XCTAssertEqual(try CovgapProcess.finish(p, logs: logs, limit: 120).status, 0) }
            XCTAssertEqual(names(inFolder: "out").count, 1)
        }
        done.update { $0 = true }
        while reader.isExecuting { usleep(1000) }
        XCTAssertEqual(mixed.value, [], "a reader saw files of two runs")
        XCTAssertEqual(try entries("out"), CLI.reportFiles)
        XCTAssertEqual(try entries(".").filter { $0.hasPrefix(".") }, [".out.lock"])
    }

    func testKillNineMidWriteLeavesThePreviousSetAndNoLitterAfterTheNextRun() throws {
        let first = try analyze("A")
        XCTAssertEqual(try CovgapProcess.finish(first.0, logs: first.1, limit: 60).status, 0)
        let before = try XCTUnwrap(folderSnapshot(root.appendingPathComponent("out")))
        // A village of 400,000 vertices: the report takes a second or more to write.
        try LargeInputTests.circleVillage(vertices: 400_000).write(to: root.appendingPathComponent("villages-big.geojson"), atomically: false, encoding: .utf8)
        let (p, logs) = try analyze("big")
        var staged = false
        while p.isRunning && !staged {
            let inParent = (try? entries(".")) ?? []
            let inFolder = (try? entries("out")) ?? []
            staged = inParent.contains { $0.hasPrefix(".out.new-") } || inFolder.contains { $0.contains(".tmp-") }
            if !staged { usleep(500) }
        }
        kill(p.processIdentifier, SIGKILL)
        let r = try CovgapProcess.finish(p, logs: logs, limit: 60)
        XCTAssertTrue(staged, "the run ended before it wrote (status \(r.status))")
        XCTAssertTrue(r.signalled)
        XCTAssertEqual(folderSnapshot(root.appendingPathComponent("out")), before, "the folder must hold the previous set")

        // Litter of other killed runs too: a temporary file and its backup link of a dead process.
        try Data("x".utf8).write(to: root.appendingPathComponent("out/.report.json.tmp-\(deadPID())-7"))
        XCTAssertEqual(link(root.appendingPathComponent("out/report.json").path, root.appendingPathComponent("out/.report.json.tmp-\(deadPID())-7.previous-0").path), 0)
        let next = try analyze("B")
        XCTAssertEqual(try CovgapProcess.finish(next.0, logs: next.1, limit: 60).status, 0)
        XCTAssertEqual(try entries("out"), CLI.reportFiles)
        XCTAssertEqual(try entries(".").filter { $0.hasPrefix(".") }, [".out.lock"])
        XCTAssertEqual(names(inFolder: "out"), ["B"])
    }

    /// Files of the user's in the folder, and map files a `--no-map` run leaves out, stay.
    func testOtherFilesInTheFolderAreKept() throws {
        let first = try analyze("A")
        XCTAssertEqual(try CovgapProcess.finish(first.0, logs: first.1, limit: 60).status, 0)
        let html = try Data(contentsOf: root.appendingPathComponent("out/report.html"))
        try Data("notes\n".utf8).write(to: root.appendingPathComponent("out/notes.txt"))
        let r = try CovgapProcess.run(["analyze", "--villages", "villages-B.geojson", "--sites", "sites.csv", "--out", "out", "--quiet", "--no-map"], in: root)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("out/notes.txt")), Data("notes\n".utf8))
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("out/report.html")), html)
        XCTAssertEqual(try entries("out"), (CLI.reportFiles + ["notes.txt"]).sorted())
    }

    func names(inFolder folder: String) -> Set<String> {
        let fd = open(root.appendingPathComponent(folder).path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        return Self.names(in: fd)
    }

    func entries(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path).sorted()
    }

    /// A process id no process has now.
    func deadPID() -> Int32 {
        var pid: Int32 = 4_000_000
        while kill(pid, 0) == 0 || errno != ESRCH { pid -= 1 }
        return pid
    }
}

/// One small village named Village-A or Village-B, for telling two runs' reports apart.
enum BundledLikeVillage {
    static func text(name: String) -> String {
        #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"V","name":"Village-"# + name
            + #"","households":10},"geometry":{"type":"Polygon","coordinates":[[[108.8,14.3],[108.81,14.3],[108.81,14.31],[108.8,14.31],[108.8,14.3]]]}}]}"#
    }
}

/// A value shared by a test and a thread it starts.
final class Locked<T>: @unchecked Sendable {   // every access holds `lock`
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func update(_ body: (inout T) -> Void) { lock.lock(); defer { lock.unlock() }; body(&stored) }
}
