import Foundation
import XCTest

/// Runs the built `covgap` executable as a user would, and captures what it says.
enum CLI {
    /// The repository root (this file is Tests/CLITests/CLIRunner.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

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
