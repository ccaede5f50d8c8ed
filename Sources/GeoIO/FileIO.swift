#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reading a whole input file into memory, with errors a user can act on.
public enum InputFile {
    /// The bytes of the file at `path`; throws an `InputError` naming the path and the system's
    /// reason ("cannot open: No such file or directory").
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError(file: path, message: "cannot open: " + systemReason(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw InputError(file: path, message: "cannot read: " + systemReason(errno)) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw InputError(file: path, message: "is a directory, not a file")
        }
        let size = max(Int(info.st_size), 0)
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var got = 0
            while got < size {
                let n = sysRead(fd, buffer.baseAddress! + got, size - got)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                got += n
            }
            initialized = got
        }
        // Pipes and special files report no size, and a file may grow while read: take the rest.
        if failure == 0 {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { sysRead(fd, $0.baseAddress!, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
        }
        if failure != 0 { throw InputError(file: path, message: "cannot read: " + systemReason(failure)) }
        return bytes
    }
}

private func sysRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, p, n) }
private func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }

func systemReason(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Writing a file so that readers see either the old content or the complete new one, never half:
/// the bytes go to a temporary file in the same directory, are flushed with fsync, and the file is
/// renamed over the target (atomic on POSIX file systems).
public enum AtomicFile {
    private static let counterLock = NSLock()
    nonisolated(unsafe) private static var counter = 0

    private static func nextCounter() -> Int {
        counterLock.lock()
        defer { counterLock.unlock() }
        counter += 1
        return counter
    }

    /// Writes `bytes` to `path` atomically. The temporary file is `.NAME.tmp-PID-N` beside the
    /// target; on any failure it is removed and a `FileWriteError` names `path` and the reason.
    /// New files get mode 0666 less the umask, like any file the user creates.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else {
            throw FileWriteError(path: path, operation: "write", reason: "the path names a directory", errno: EISDIR)
        }
        let prefix = slash == nil ? "" : (directory.isEmpty ? "/" : directory + "/")

        var fd: Int32 = -1
        var temp = ""
        for _ in 0..<100 {
            temp = prefix + "." + name + ".tmp-\(getpid())-\(nextCounter())"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            let e = errno
            throw FileWriteError(path: path, operation: "create a temporary file in its directory", reason: systemReason(e), errno: e)
        }

        func fail(_ operation: String, _ e: Int32) -> FileWriteError {
            if fd >= 0 { close(fd) }
            unlink(temp)
            return FileWriteError(path: path, operation: operation, reason: systemReason(e), errno: e)
        }

        var written = 0
        let total = bytes.count
        while written < total {
            let n = bytes.withUnsafeBytes { sysWrite(fd, $0.baseAddress! + written, total - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", errno)
            }
            written += n
        }
        if fsync(fd) != 0 { throw fail("flush (fsync)", errno) }
        let closed = close(fd)
        fd = -1
        if closed != 0 { throw fail("close", errno) }
        if rename(temp, path) != 0 { throw fail("rename the temporary file over it", errno) }
        // Make the rename itself durable; failure here loses nothing already visible.
        let dirFD = open(directory.isEmpty ? (slash == nil ? "." : "/") : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// Writes `text` as UTF-8 (no BOM) to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }
}
