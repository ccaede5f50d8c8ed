#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FileCommit
import Foundation

/// Reading a whole input file into memory, with errors a user can act on.
public enum InputFile {
    /// The largest input file read, in bytes (1 GiB): several times a national dataset (100,000
    /// villages of 200 vertices is about 300 MB of GeoJSON), and well below what would exhaust
    /// the memory of the machines covgap runs on.
    public static let maxSize = 1 << 30

    /// The bytes of the file at `path`; throws an `InputError` naming the path and the system's
    /// reason ("cannot open: No such file or directory"). Only regular files are read: a FIFO,
    /// a device (/dev/zero) or a directory is refused before any byte is read, a file larger than
    /// `maxSize` is refused from its size, and one whose first bytes are binary (a NUL byte,
    /// UTF-16 or UTF-32) is refused before the rest is read. With `followSymlinks` false a
    /// symbolic link is refused too (files that a report names rather than the user). With
    /// `binary` true the first bytes are not checked (a GeoPackage or a Shapefile, read for its
    /// fingerprint; GDAL reads its content).
    public static func read(_ path: String, followSymlinks: Bool = true, binary: Bool = false) throws -> [UInt8] {
        let (fd, size) = try openRegular(path, followSymlinks: followSymlinks)
        defer { close(fd) }
        if size > maxSize { throw tooLarge(path, size) }
        var failure: Int32 = 0
        var bytes = try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var got = 0
            var checked = false
            while got < size {
                // The first bytes alone first: a binary file is refused before the rest is read.
                let want = checked ? size - got : min(size, TextEncoding.prefixLength) - got
                let n = sysRead(fd, buffer.baseAddress! + got, want)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                got += n
                if !checked && (binary || got >= TextEncoding.prefixLength || got == size) {
                    checked = true
                    initialized = 0
                    if !binary { try TextEncoding.checkPrefix(UnsafeBufferPointer(start: buffer.baseAddress, count: got), source: path) }
                }
            }
            initialized = got
        }
        // A file may grow while read: take the rest, up to the limit.
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
                if bytes.count + n > maxSize { throw tooLarge(path, bytes.count + n) }
                bytes.append(contentsOf: chunk[0..<n])
            }
        }
        if failure != 0 { throw InputError(file: path, message: "cannot read: " + systemReason(failure)) }
        return bytes
    }

    /// `path` opened for reading (the caller closes the descriptor) and its size, when it is a
    /// regular file: a FIFO, a device, a socket or a directory is refused without blocking, and with
    /// `followSymlinks` false a symbolic link too, each with an error naming the path.
    public static func openRegular(_ path: String, followSymlinks: Bool) throws -> (fd: Int32, size: Int) {
        // O_NONBLOCK: opening a FIFO with no writer must not block; it is refused below.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followSymlinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else {
            let e = errno
            if e == ELOOP && !followSymlinks { throw InputError(file: path, message: "is a symbolic link; give the file itself") }
            throw InputError(file: path, message: "cannot open: " + systemReason(e))
        }
        do {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw InputError(file: path, message: "cannot read: " + systemReason(errno)) }
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw InputError(file: path, message: "is a directory, not a file")
            case S_IFIFO: throw InputError(file: path, message: "is a pipe (FIFO), not a regular file; save the data to a file first")
            case S_IFCHR, S_IFBLK: throw InputError(file: path, message: "is a device, not a regular file")
            case S_IFSOCK: throw InputError(file: path, message: "is a socket, not a regular file")
            default: throw InputError(file: path, message: "is not a regular file")
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            return (fd, max(Int(info.st_size), 0))
        } catch {
            close(fd)
            throw error
        }
    }

    static func tooLarge(_ path: String, _ size: Int) -> InputError {
        InputError(file: path, message: "is \(size) bytes, more than the \(maxSize) (1 GiB) an input file may hold")
    }
}

private func sysRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, p, n) }
