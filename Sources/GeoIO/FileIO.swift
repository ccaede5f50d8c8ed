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

/// An input file's bytes, mapped read-only from the system's page cache instead of copied into
/// memory of the process's own: a national villages file is 300 MB, whose copy costs as many fresh
/// pages and a pass over them before the parser's first byte. A file that cannot be mapped, or one
/// met when `MappedRegions` is full, is read as `InputFile.read` reads it.
///
/// A mapped file cut short by another program while covgap reads it would end the process with a
/// bus error; `MappedRegions` turns that into covgap's error naming the file (exit status 2).
public final class MappedInput: @unchecked Sendable {
    /// The file's bytes.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The file's identity when it was opened (nil for `empty`).
    public let identity: FileIdentity?
    /// The path it was opened by, and whether symbolic links were followed.
    private let opened: (path: String, followSymlinks: Bool)?
    private enum Storage { case none, mapped(slot: Int), owned }
    private let storage: Storage

    /// No bytes (a source that has no one file to read).
    public static let empty = MappedInput(bytes: UnsafeBufferPointer(start: nil, count: 0), storage: .none, identity: nil, opened: nil)

    private init(bytes: UnsafeBufferPointer<UInt8>, storage: Storage, identity: FileIdentity?, opened: (path: String, followSymlinks: Bool)?) {
        self.bytes = bytes
        self.storage = storage
        self.identity = identity
        self.opened = opened
    }

    /// Whether the path it was opened by still names a file of the identity it had then.
    public var isUnchanged: Bool {
        guard let identity, let opened,
              let (fd, _) = try? InputFile.openRegular(opened.path, followSymlinks: opened.followSymlinks) else { return false }
        defer { close(fd) }
        return FileIdentity(descriptor: fd) == identity
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        switch storage {
        case .mapped(let slot):
            MappedRegions.remove(slot)
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        case .owned: base.deallocate()
        case .none: break
        }
    }

    /// Lets the process's mapping of the whole pages within `range` go (they stay in the page
    /// cache): pages read through and not needed again no longer count as the process's memory.
    /// A byte let go and read again is read again from the page cache, so a wrong guess costs time
    /// only. Nothing for a file read into memory of its own.
    public func release(_ range: Range<Int>) {
        guard case .mapped = storage, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let low = (max(range.lowerBound, 0) + page - 1) / page * page, high = min(range.upperBound, bytes.count) / page * page
        if high > low { madvise(UnsafeMutableRawPointer(mutating: base + low), high - low, MADV_DONTNEED) }
    }

    /// The file at `path`, with the checks and errors of `InputFile.read` (a regular file, at most
    /// `InputFile.maxSize` bytes, text unless `binary`).
    public static func map(_ path: String, followSymlinks: Bool = true, binary: Bool = false) throws -> MappedInput {
        let (fd, size) = try InputFile.openRegular(path, followSymlinks: followSymlinks)
        defer { close(fd) }
        if size > InputFile.maxSize { throw InputFile.tooLarge(path, size) }
        let identity = FileIdentity(descriptor: fd), opened = (path, followSymlinks)
        if size == 0 { return MappedInput(bytes: empty.bytes, storage: .none, identity: identity, opened: opened) }
        let message = "covgap: " + terminalSafe(InputError(file: path, message: "was cut short while covgap read it; run again once it is written whole").description) + "\n"
        guard let slot = MappedRegions.reserve(message: message) else { return try owned(path, followSymlinks: followSymlinks, binary: binary) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            MappedRegions.remove(slot)
            return try owned(path, followSymlinks: followSymlinks, binary: binary)
        }
        MappedRegions.place(slot, start: base, count: size)
        let mapped = MappedInput(bytes: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size), storage: .mapped(slot: slot),
                                 identity: identity, opened: opened)
        if !binary { try TextEncoding.checkPrefix(mapped.bytes, source: path) }
        return mapped
    }

    /// The file read into memory of its own (the rare file that is not mapped).
    private static func owned(_ path: String, followSymlinks: Bool, binary: Bool) throws -> MappedInput {
        let array = try InputFile.read(path, followSymlinks: followSymlinks, binary: binary)
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: array.count)
        _ = copy.initialize(from: array)
        // Read by another opening: no identity is claimed for the bytes.
        return MappedInput(bytes: UnsafeBufferPointer(copy), storage: .owned, identity: nil, opened: nil)
    }
}

/// The address ranges of mapped input files, each with the message a bus error inside it prints
/// before covgap exits with status 2: what the system does when a mapped file is cut short and a
/// page past its new end is read. A bus error anywhere else gets the action SIGBUS had before.
/// The table is fixed memory the signal handler reads without locks or allocation.
enum MappedRegions {
    static let capacity = 64

    struct Slot {
        var start: UInt
        var end: UInt
        var message: UnsafeMutablePointer<UInt8>?
        var length: Int
        var used: Bool
    }

    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<Slot> = {
        let p = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        p.initialize(repeating: Slot(start: 0, end: 0, message: nil, length: 0, used: false), count: capacity)
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = busError
        action.sa_flags = SA_SIGINFO
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, previous)
        return p
    }()
    /// The action SIGBUS had before (the default, or the runtime's crash report), for bus errors elsewhere.
    nonisolated(unsafe) private static let previous: UnsafeMutablePointer<sigaction> = {
        let p = UnsafeMutablePointer<sigaction>.allocate(capacity: 1)
        p.initialize(to: sigaction())
        return p
    }()
    private static let lock = NSLock()

    /// A free slot holding `message`, or nil when every slot is taken.
    static func reserve(message: String) -> Int? {
        let table = slots
        lock.lock()
        defer { lock.unlock() }
        guard let k = (0..<capacity).first(where: { !table[$0].used }) else { return nil }
        let bytes = Array(message.utf8)
        let text = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        text.initialize(from: bytes, count: bytes.count)
        table[k] = Slot(start: 0, end: 0, message: text, length: bytes.count, used: true)
        return k
    }

    /// Slot `k` covers `count` bytes from `start`.
    static func place(_ k: Int, start: UnsafeMutableRawPointer, count: Int) {
        lock.lock()
        defer { lock.unlock() }
        slots[k].end = UInt(bitPattern: start) + UInt(count)
        slots[k].start = UInt(bitPattern: start)
    }

    /// Slot `k` freed (before its range is unmapped).
    static func remove(_ k: Int) {
        lock.lock()
        defer { lock.unlock() }
        slots[k].start = 0
        slots[k].end = 0
        slots[k].message?.deallocate()
        slots[k] = Slot(start: 0, end: 0, message: nil, length: 0, used: false)
    }

    /// Ends the process as a bus error at `address` would, when it lies in a mapped input: the
    /// kernel answers a `write` of bytes from a file cut short with EFAULT, not a bus error.
    static func endIfCutShort(at address: UnsafeRawPointer?) {
        guard let address else { return }
        var info = siginfo_t()
        info._sifields._sigfault.si_addr = UnsafeMutableRawPointer(mutating: address)
        if covering(UInt(bitPattern: address)) != nil { busError(SIGBUS, &info, nil) }
    }

    /// The slot whose range holds `address` (a plain loop: the bus error's handler asks too).
    private static func covering(_ address: UInt) -> Int? {
        let table = slots
        for k in 0..<capacity where table[k].start != 0 && address >= table[k].start && address < table[k].end { return k }
        return nil
    }

    private static let busError: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { _, info, _ in
        if let k = covering(UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)) {
            if let text = slots[k].message { _ = write(2, text, slots[k].length) }
            _exit(2)
        }
        // Not a mapped input: the action before covgap's, once the faulting instruction runs again.
        sigaction(SIGBUS, previous, nil)
    }
}
