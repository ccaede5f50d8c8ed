#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output folder: created if missing; every file written through a temporary name and renamed.
public struct OutputFolder {
    public let path: String

    public init(_ path: String) { self.path = path }

    /// Writes `files`, then those of `later` (made on demand, nil to leave one out), all or none.
    /// The folder is locked for the run and replaced whole (see `FolderSwap`): readers and other
    /// writers see one run's set or another's, never a mix.
    public func write(_ files: [(name: String, bytes: [UInt8])], then later: [(name: String, bytes: () -> [UInt8]?)] = []) throws {
        try FolderSwap.write(files.map { f in (f.name, { f.bytes }) } + later.map { f in (f.name, f.bytes) }, into: path)
    }

    /// Locks the folder and opens its new set, to be filled file by file as each is made and then
    /// committed (or abandoned, leaving the folder as it was). See `StagedFolder`.
    public func staging() throws -> StagedFolder { try StagedFolder(path) }

    /// `mkdir -p`, with the system's reason when it fails ("Not a directory", "Read-only file system");
    /// errors name `reportAs` (the output folder, when its parent is being made).
    public static func createFolder(_ path: String, reportAs: String? = nil) throws {
        let path = path, shown = reportAs ?? path
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o777) != 0 && errno != EEXIST {
                throw FileWriteError(path: shown, operation: "create the output folder", reason: systemReason(errno), errno: errno)
            }
            prefix += "/"
        }
        var info = stat()
        if stat(path, &info) != 0 {
            throw FileWriteError(path: shown, operation: "create the output folder", reason: systemReason(errno), errno: errno)
        }
        if (info.st_mode & S_IFMT) != S_IFDIR { throw FileWriteError(path: shown, operation: "create the output folder", reason: systemReason(ENOTDIR), errno: ENOTDIR) }
    }
}
