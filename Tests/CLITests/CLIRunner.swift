import Foundation
import TestSupport
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

/// `covgap analyze` on the bundled Bình Định data with some options, run once per test process
/// for every test that reads it; its folder is removed when the process ends (`TestFolders`).
final class CachedAnalysis: @unchecked Sendable {  // `cached` is only touched under `lock`.
    /// The parent of every cached run's folder.
    static let root = TestFolders.root.appendingPathComponent("cached")

    let arguments: [String]
    let path: URL
    private let lock = NSLock()
    private var cached: (folder: URL, result: CLI.Result)?

    init(_ name: String, _ arguments: [String] = []) {
        self.arguments = arguments
        path = Self.root.appendingPathComponent(name)
    }

    /// The folder holding the reports, and what the run printed.
    func run() throws -> (folder: URL, result: CLI.Result) {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        _ = try TestFolders.named("cached")
        try? FileManager.default.removeItem(at: path)
        let r = try CLI.run(["analyze"] + arguments + ["--out", path.path])
        guard r.status == 0 else {
            throw NSError(domain: "covgap analyze \(arguments.joined(separator: " ")) failed: \(r.stderr)", code: Int(r.status))
        }
        cached = (path, r)
        return (path, r)
    }
}

/// `covgap analyze` on the bundled Bình Định data, run once for all CLI tests.
enum BundledReport {
    static let analysis = CachedAnalysis("bundled")

    /// The folder holding the reports, and what the run printed.
    static func run() throws -> (folder: URL, result: CLI.Result) { try analysis.run() }

    /// The folder holding report.json, report.geojson, report.csv and the map.
    static func folder() throws -> URL { try run().folder }

    static func reportPath() throws -> String { try folder().appendingPathComponent("report.json").path }
}

/// `covgap analyze --lang vi` on the bundled data, run once for every test that reads it.
enum BundledReportVi {
    static let analysis = CachedAnalysis("bundled-vi", ["--lang", "vi"])

    static func run() throws -> (folder: URL, result: CLI.Result) { try analysis.run() }
}
