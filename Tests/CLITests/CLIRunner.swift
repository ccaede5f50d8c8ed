import Foundation
import XCTest

/// Runs the built `covgap` binary (`.build/debug/covgap` of this repository) as a subprocess.
enum CLI {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var fixtures: URL { repoRoot.appendingPathComponent("Tests/CLITests/Fixtures") }
    static var binary: URL { repoRoot.appendingPathComponent(".build/debug/covgap") }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `covgap args…` in `directory` (default: the repository root).
    static func run(_ args: [String], in directory: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = directory ?? repoRoot
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes to the end before waiting, so a full pipe never blocks the child.
        let errData = ErrorBytes()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }

    private final class ErrorBytes: @unchecked Sendable { var data = Data() }

    /// A fresh temporary folder, removed when the test ends.
    static func temporaryFolder(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// `covgap analyze` on the bundled Bình Định data, run once for all CLI tests.
enum BundledReport {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: URL?

    static let path = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-bundled-\(getpid())")

    /// The folder holding report.json, report.geojson and report.csv.
    static func folder() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let url = path
        atexit { try? FileManager.default.removeItem(at: BundledReport.path) }
        let r = try CLI.run(["analyze", "--out", url.path, "--quiet"])
        guard r.status == 0 else { throw NSError(domain: "covgap analyze failed: \(r.stderr)", code: Int(r.status)) }
        cached = url
        return url
    }

    static func reportPath() throws -> String { try folder().appendingPathComponent("report.json").path }
}
