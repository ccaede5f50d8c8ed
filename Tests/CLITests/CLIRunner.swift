import Foundation
import XCTest

/// Runs the built `covgap` executable as a user would, and captures what it says.
enum CLI {
    /// The repository root (this file is Tests/CLITests/CLIRunner.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var fixtures: URL { root.appendingPathComponent("Tests/CLITests/Fixtures") }

    /// What analyze writes into `--out`: report.png only where `rsvg-convert` is installed;
    /// report.reuse is the side file for `--since`.
    static var reportFiles: [String] {
        var names = ["report.csv", "report.geojson", "report.html", "report.json", "report.reuse", "report.svg"]
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") { names.append("report.png") }
        return names.sorted()
    }

    struct Result {
        var status: Int32
        var stdout: String
        /// Warnings and errors: standard error less the progress and information lines.
        var stderr: String
        /// Standard error as written.
        var rawStderr: String = ""
    }

    /// Runs covgap with `arguments` (in the repository root unless told otherwise).
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        try runTool(CovgapProcess.executable, arguments, in: directory)
    }

    /// Runs any program, capturing both streams.
    static func runTool(_ path: String, _ arguments: [String], in directory: URL? = nil) throws -> Result {
        let o = try CovgapProcess.run(arguments, in: directory ?? root, program: path)
        return Result(status: o.status, stdout: o.stdout, stderr: o.stderr, rawStderr: o.rawStderr)
    }

    /// A fresh temporary folder, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}

/// `covgap analyze` on the bundled Bình Định data, run once for all CLI tests.
enum BundledReport {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: (folder: URL, result: CLI.Result)?

    static let path = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-bundled-\(getpid())")

    /// The folder holding the reports, and what the run printed.
    static func run() throws -> (folder: URL, result: CLI.Result) {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        try? FileManager.default.removeItem(at: path)
        atexit { try? FileManager.default.removeItem(at: BundledReport.path) }
        let r = try CLI.run(["analyze", "--out", path.path])
        guard r.status == 0 else { throw NSError(domain: "covgap analyze failed: \(r.stderr)", code: Int(r.status)) }
        cached = (path, r)
        return (path, r)
    }

    /// The folder holding report.json, report.geojson, report.csv and the map.
    static func folder() throws -> URL { try run().folder }

    static func reportPath() throws -> String { try folder().appendingPathComponent("report.json").path }
}
