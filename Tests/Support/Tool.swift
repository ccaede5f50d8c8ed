import Foundation

/// Runs an external program the tests use as an oracle (GDAL's tools, node): its exit status and
/// what it printed on each stream.
public enum Tool {
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Standard error goes through a file, so that a program that fills one stream while the other
    /// is being read cannot stall.
    public static func run(_ path: String, _ arguments: [String], in directory: URL? = nil) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-tool-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: errFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errFile.path])
        }
        defer { try? FileManager.default.removeItem(at: errFile) }
        let err = try FileHandle(forWritingTo: errFile)
        defer { try? err.close() }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: data, as: UTF8.self),
                       stderr: String(decoding: try Data(contentsOf: errFile), as: UTF8.self))
    }
}
