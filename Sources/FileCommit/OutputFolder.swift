#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

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

    /// Lets go of the system's cached pages of the files `names` in this folder, on a thread of its
    /// own at the lowest priority, unless `reading` (a folder this run reads from, such as a
    /// `--since` folder) is this very folder. A run replaces the folder's set at its end and the
    /// kernel frees the old files' cached pages as it removes them, at the very end of the run when
    /// nothing else is left to do (a `--since` run's removal of a national run's 800 MB took 0.17–0.20 s
    /// with them, 0.13 s without: the rest is the file system's own waits); let go now, whenever a
    /// core is free, they cost nothing there. The files themselves are untouched: a
    /// run that fails leaves them as they were (read again from the disk when next read). Pages not
    /// yet written to the disk are not let go. Returns what to wait on for the thread's end (nil:
    /// nothing to do).
    @discardableResult
    public func releaseCachedPages(of names: [String], unlessReading reading: String?) -> DispatchGroup? {
        var here = stat(), other = stat()
        guard stat(path, &here) == 0, (here.st_mode & S_IFMT) == S_IFDIR else { return nil }
        if let reading, stat(reading, &other) == 0, other.st_dev == here.st_dev, other.st_ino == here.st_ino { return nil }
        let folder = path
        let done = DispatchGroup()
        done.enter()
        Thread {
            defer { done.leave() }
            #if canImport(Glibc)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            #endif
            for name in names {
                let fd = open(folder + "/" + name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
                guard fd >= 0 else { continue }
                var info = stat()
                if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                    _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
                }
                close(fd)
            }
        }.start()
        return done
    }

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
