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
