import FileCommit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A folder of this run's own in the system's temporary directory (`$TMPDIR`, else /tmp) for the
/// files handed to rsvg-convert: made by `mkdtemp` (only this user can read it), named
/// PREFIX-PID-XXXXXX, removed by an interrupt (SIGINT, SIGTERM, SIGHUP) as well as by its owner,
/// and, when a killed run left it, by a later run that makes one with the same prefix.
enum ScratchFolder {
    /// A new folder holding `files`, where `later` names files the converter will write in it (an
    /// interrupt removes those too). Nothing is left behind when it cannot be made or written whole.
    static func make(prefix: String, files: [(name: String, bytes: [UInt8])], later: [String] = []) throws -> String {
        let temporary = FileManager.default.temporaryDirectory.path
        removeLitter(in: temporary, prefix: prefix)
        var template = Array((temporary + "/" + prefix + "\(getpid())-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ScratchFolderError(path: temporary, operation: "make a scratch folder in", errno: errno)
        }
        let folder = String(cString: made)
        guard AtomicFile.removeOnInterrupt(folder: folder, files: (files.map(\.name) + later).map { folder + "/" + $0 }) else {
            rmdir(folder)
            throw ScratchFolderError(path: folder, operation: "make", errno: EINTR)
        }
        for (name, bytes) in files {
            let fd = open(folder + "/" + name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            let failure = fd < 0 ? errno : writeEvery(fd, bytes)
            if fd >= 0 { close(fd) }
            if let failure {
                remove(folder)
                throw ScratchFolderError(path: folder + "/" + name, operation: "write", errno: failure)
            }
        }
        return folder
    }

    static func remove(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
        AtomicFile.forgetOnInterrupt(folder: folder)
    }

    /// Removes the scratch folders named `prefix`… in `temporary` of this user's runs that no longer
    /// exist (killed before they could remove their own) and that were last changed over ten minutes
    /// ago (a run needs its folder for seconds; the age guards against a process id seen from
    /// another namespace). A folder whose process is alive, or another user's, is left alone.
    static func removeLitter(in temporary: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0, pid != getpid() else { continue }
            let path = temporary + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(),
                  info.st_mtim.tv_sec < time(nil) - 600 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: path) }
        }
    }
}

/// A scratch folder or a file in it could not be made or written: `path` is the directory the
/// folder was to be made in, the folder, or the file.
struct ScratchFolderError: Error, CustomStringConvertible {
    let path: String, operation: String, errno: Int32
    var description: String { "cannot \(operation) \(path): \(String(cString: strerror(errno)))" }
}
