import Foundation
import TestSupport
import XCTest

/// Runs the built `covgap` binary as a subprocess, as users and CI jobs do.
struct CovgapProcess {
    struct Outcome {
        var status: Int32
        /// True when a signal ended the process (`status` is then the signal number).
        var signalled: Bool
        var stdout: String
        /// Standard error less the progress and information lines ("covgap ▸ …"): warnings and errors.
        var stderr: String
        /// Standard error as written.
        var rawStderr: String
        var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast() }
    }

    static let repositoryRoot = CLI.root
    static let fixtures = CLI.fixtures

    /// The binary beside the test bundle (so a sanitizer build tests its own covgap), else `.build/debug/covgap`.
    static let executable: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("covgap").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return repositoryRoot.appendingPathComponent(".build/debug/covgap").path
    }()

    /// The digest cache of the suite's runs (`XDG_CACHE_HOME`), in the suite's own folder: the
    /// user's is neither read nor written.
    static let cacheHome: String = {
        (try? TestFolders.named("cache-home").path) ?? FileManager.default.temporaryDirectory.appendingPathComponent("covgap-cache-home-\(getpid())").path
    }()

    /// Starts covgap (or `program`) with `arguments` in `directory`, with `environment` added to
    /// this process's (and `cacheHome`, unless `environment` names another); output goes to files in
    /// a fresh temporary folder.
    static func start(_ arguments: [String], in directory: URL = fixtures, program: String = executable,
                      environment: [String: String] = [:]) throws -> (Process, URL) {
        let logs = try temporaryDirectory("covgap-run")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        p.currentDirectoryURL = directory
        p.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": cacheHome].merging(environment) { $1 }) { $1 }
        guard FileManager.default.createFile(atPath: logs.appendingPathComponent("stdout").path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        guard FileManager.default.createFile(atPath: logs.appendingPathComponent("stderr").path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        p.standardOutput = try FileHandle(forWritingTo: logs.appendingPathComponent("stdout"))
        p.standardError = try FileHandle(forWritingTo: logs.appendingPathComponent("stderr"))
        try p.run()
        return (p, logs)
    }

    /// Waits for a started process; one still running after `limit` seconds is killed and fails the test.
    static func finish(_ p: Process, logs: URL, limit: TimeInterval, file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        let deadline = Date().addingTimeInterval(limit)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            XCTFail("covgap \(p.arguments ?? []) still running after \(Int(limit)) s: killed", file: file, line: line)
        }
        p.waitUntilExit()
        let out = try String(contentsOf: logs.appendingPathComponent("stdout"), encoding: .utf8)
        let err = try String(contentsOf: logs.appendingPathComponent("stderr"), encoding: .utf8)
        try? FileManager.default.removeItem(at: logs)
        return Outcome(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal, stdout: out,
                       stderr: withoutProgress(err), rawStderr: err)
    }

    /// Runs covgap to the end (a hang guard of `limit` seconds, not a timing).
    static func run(_ arguments: [String], in directory: URL = fixtures, program: String = executable, limit: TimeInterval = 600,
                    environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        let (p, logs) = try start(arguments, in: directory, program: program, environment: environment)
        return try finish(p, logs: logs, limit: limit, file: file, line: line)
    }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Every file in a folder (names, including hidden ones, and bytes), to show that a run changed nothing.
func folderSnapshot(_ url: URL) -> [String: Data]? {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return nil }
    var out: [String: Data] = [:]
    for n in names { out[n] = FileManager.default.contents(atPath: url.appendingPathComponent(n).path) ?? Data() }
    return out
}

/// The parsed report.json in `folder`.
func reportJSON(_ folder: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: folder.appendingPathComponent("report.json"))
    return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
}

func villagesOf(_ report: [String: Any]) throws -> [[String: Any]] {
    try XCTUnwrap(report["villages"] as? [[String: Any]])
}

/// `text` without its progress and information lines, which start with "covgap ▸ ".
func withoutProgress(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false)
        .filter { !$0.hasPrefix("covgap ▸ ") }
        .joined(separator: "\n")
}
