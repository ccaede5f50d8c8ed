import Foundation
import XCTest

/// Runs the built `covgap` executable as a user would, and captures what it says.
enum CLI {
    /// The repository root (this file is Tests/CLITests/CLIRunner.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var fixtures: URL { root.appendingPathComponent("Tests/CLITests/Fixtures") }

    /// The covgap binary built beside the test bundle (so sanitizer and release builds test their own).
    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("covgap")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        for dir in Bundle.allBundles.map(\.bundleURL) {
            let c = dir.deletingLastPathComponent().appendingPathComponent("covgap")
            if FileManager.default.isExecutableFile(atPath: c.path) { return c }
        }
        return root.appendingPathComponent(".build/debug/covgap")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        try runTool(binary.path, arguments, in: directory)
    }

    /// Runs any program, capturing both streams.
    static func runTool(_ path: String, _ arguments: [String], in directory: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        p.currentDirectoryURL = directory ?? root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes while the process runs, so a large output cannot block it.
        final class Box: @unchecked Sendable { var data = Data() }
        let errData = Box()
        let errReader = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errReader.isFinished { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
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
