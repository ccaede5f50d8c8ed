import Foundation

/// Folders for the files a test writes (DEMs, rasters, viewsheds, converted inputs, runs kept for
/// several tests), all inside one folder of this test process that is removed when the process
/// ends, so that runs of the suite leave nothing behind in the temporary directory.
public enum TestFolders {
    /// The parent of this process's folders.
    public static let root = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-tests-\(getpid())")
    private static let cleanUp: Void = { atexit { try? FileManager.default.removeItem(at: TestFolders.root) } }()

    /// A new empty folder named `prefix`-UUID.
    public static func make(_ prefix: String) throws -> URL {
        try named("\(prefix)-\(UUID().uuidString)")
    }

    /// The folder `name` of this process, made when missing.
    public static func named(_ name: String) throws -> URL {
        _ = cleanUp
        let dir = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
