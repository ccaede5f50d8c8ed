#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }

/// The most one `write` call hands the kernel. A larger write makes the page cache take larger
/// blocks of memory for the file (up to 2 MB at once), blocks a virtual machine's host has often
/// taken back and must give again page by page: writing a report folder in pieces of a megabyte
/// cost up to six times the system time of pieces of 128 KiB (docs/benchmarks.md).
let writeStep = 1 << 17

/// Writes all of `bytes` to `fd` (again after EINTR and short writes), at most `writeStep` bytes
/// a call: nil, or the errno of the write that failed.
public func writeEvery<Bytes: ContiguousBytes>(_ fd: Int32, _ bytes: Bytes) -> Int32? {
    writeEvery(fd, bytes, by: sysWrite)
}

/// `writeEvery` through `write` in place of the system call.
func writeEvery<Bytes: ContiguousBytes>(_ fd: Int32, _ bytes: Bytes, by write: (Int32, UnsafeRawPointer, Int) -> Int) -> Int32? {
    bytes.withUnsafeBytes { buffer in
        var written = 0
        while written < buffer.count {
            let n = write(fd, buffer.baseAddress! + written, min(writeStep, buffer.count - written))
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += n
        }
        return nil
    }
}

/// Hands what `fd` reads from its current offset to the end to `body`, `size` bytes at a time
/// (one buffer, reused); false when a read fails.
func readChunks(of fd: Int32, size: Int, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
    defer { buffer.deallocate() }
    while true {
        let n = read(fd, buffer.baseAddress, size)
        if n == 0 { return true }
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
}

/// Makes a directory's entries durable; a failure loses nothing already visible, so it is not reported.
func syncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 { _ = fsync(fd); close(fd) }
}

public func systemReason(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Writing files so that readers see either the old content or the complete new one, never half:
/// the bytes go to a temporary file `.NAME.tmp-PID-N` in the same directory, are flushed with
/// fsync, and the file is renamed over the target (atomic on POSIX file systems). `writeAll`
/// does this for a set of files that must change together; `removeStagedFilesOnInterrupt`
/// makes an interrupted process remove its temporary files.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically. On any failure the temporary file is removed and a
    /// `FileWriteError` names `path` and the reason. New files get mode 0666 less the umask.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try writeAll([(path, bytes)])
    }

    /// Writes `text` as UTF-8 (no BOM) to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }
}

extension AtomicFile {
    /// Writes several files so that none is replaced unless all could be written: each is first
    /// written to a temporary file beside its target and flushed, then all are renamed into place.
    /// Should a rename fail halfway, the targets already replaced get their previous content back
    /// (kept under a hard link until the end). On failure no temporary file remains.
    public static func writeAll(_ files: [(path: String, bytes: [UInt8])]) throws {
        try writeAll(files.map { f in (f.path, { f.bytes }) })
    }

    /// `writeAll` with contents made on demand, in order: a file still being produced elsewhere
    /// can come last, and the others are written while it is made. A file whose content is nil is
    /// left out (and an old one of that name left as it was).
    public static func writeAll(_ files: [(path: String, bytes: () throws -> [UInt8]?)]) throws {
        var staged: [(temp: String, path: String)] = []
        do {
            for f in files {
                guard let bytes = try f.bytes() else { continue }
                staged.append((try stage(beside: f.path) { try $0.write(bytes) }, f.path))
            }
            try commit(staged)
        } catch {
            pending.discard(staged.map(\.temp))
            throw error
        }
    }

    /// Removes this process's temporary files when it gets SIGINT, SIGTERM or SIGHUP, then lets the
    /// signal end the process as it would have (the exit status says which signal). A set of
    /// files being renamed into place is finished first, so the folder holds the old set or the
    /// new one. Call it first thing in `main`: the signals are blocked in this thread and every
    /// thread started later, and one thread waits for them. Signals the process was started with
    /// ignored stay ignored (the kernel discards them). `beforeWatching` runs once the signals are
    /// blocked and before the waiting thread starts (threads it starts inherit the blocked signals).
    public static func removeStagedFilesOnInterrupt(beforeWatching: () -> Void = {}) {
        var signals = sigset_t()
        sigemptyset(&signals)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, sig) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        beforeWatching()
        let watched = signals
        let watcher = Thread {
            var set = watched
            var sig: Int32 = 0
            guard sigwait(&set, &sig) == 0 else { return }
            pending.abandon()   // keeps the lock: nothing is staged or renamed after this
            signal(sig, SIG_DFL)
            var this = sigset_t()
            sigemptyset(&this)
            sigaddset(&this, sig)
            pthread_sigmask(SIG_UNBLOCK, &this, nil)
            raise(sig)
            _exit(128 + sig)
        }
        watcher.name = "interrupt cleanup"
        watcher.start()
    }

    /// The temporary files of this process that exist now, and whether it is being interrupted.
    final class PendingFiles: @unchecked Sendable {
        let lock = NSLock()
        var paths = Set<String>()
        /// Folders being filled (a report folder's new set), removed after their files.
        var folders = Set<String>()
        var counter = 0
        var interrupted = false

        /// Runs `body` holding the lock; refuses once the process is being interrupted.
        func locked<T>(_ path: String, _ body: () throws -> T) throws -> T {
            lock.lock(); defer { lock.unlock() }
            if interrupted {
                throw FileWriteError(path: path, operation: "write", reason: "interrupted", errno: EINTR)
            }
            return try body()
        }

        func discard(_ temps: [String]) {
            lock.lock(); defer { lock.unlock() }
            for t in temps where paths.remove(t) != nil { unlink(t) }
        }

        func abandon() {
            lock.lock()
            interrupted = true
            for p in paths { unlink(p) }
            paths.removeAll()
            for f in folders { rmdir(f) }
            folders.removeAll()
        }

        /// Registers a file made outside `locked` (a link), for interrupt clean-up.
        func register(_ path: String) {
            lock.lock(); defer { lock.unlock() }
            paths.insert(path)
        }

        /// Forgets a folder and the files registered in it (it was renamed, or removed). Inside
        /// `locked`, call `forgetHoldingLock` instead (the lock is not recursive).
        func forget(folder: String) {
            lock.lock(); defer { lock.unlock() }
            forgetHoldingLock(folder: folder)
        }

        func forgetHoldingLock(folder: String) {
            folders.remove(folder)
            paths = paths.filter { !$0.hasPrefix(folder + "/") }
        }
    }

    static let pending = PendingFiles()

    /// Registers a scratch folder of this run (outside any report folder) and the files in it, so
    /// that an interrupt removes them with the run's staged files; nothing is registered once the
    /// run is being interrupted (the caller gets false and removes them itself).
    public static func removeOnInterrupt(folder: String, files: [String]) -> Bool {
        do {
            try pending.locked(folder) { () -> Void in
                pending.folders.insert(folder)
                pending.paths.formUnion(files)
            }
            return true
        } catch {
            return false
        }
    }

    /// Forgets a folder registered by `removeOnInterrupt` and the files in it (the caller removes them).
    public static func forgetOnInterrupt(folder: String) {
        pending.forget(folder: folder)
    }

    /// Writes a new temporary file beside `path` with what `produce` writes, flushed and closed;
    /// returns its path.
    static func stage(beside path: String, _ produce: (inout FileSink) throws -> Void) throws -> String {
        let slash = path.lastIndex(of: "/")
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty, name != ".", name != ".." else {
            throw FileWriteError(path: path, operation: "write", reason: "the path names a directory", errno: EISDIR)
        }
        let prefix = slash.map { String(path[...$0]) } ?? ""

        // Created and registered under the lock, so that an interrupt either sees it or stops it.
        let (fd, temp, openErrno): (Int32, String, Int32) = try pending.locked(path) {
            var fd: Int32 = -1
            var temp = ""
            for _ in 0..<100 {
                pending.counter += 1
                temp = prefix + "." + name + ".tmp-\(getpid())-\(pending.counter)"
                fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
                if fd >= 0 || errno != EEXIST { break }
            }
            let e = errno
            if fd >= 0 { pending.paths.insert(temp) }
            return (fd, temp, e)
        }
        guard fd >= 0 else {
            throw FileWriteError(path: path, operation: "create a temporary file in its directory",
                                 reason: systemReason(openErrno), errno: openErrno)
        }
        try fill(fd, path: temp, reportAs: path, produce)
        return temp
    }

    /// Runs `produce` on the open file `fd` (the registered temporary `path`), then flushes and
    /// closes it; on any failure the file is closed and removed, and the error names `target`.
    static func fill(_ fd: Int32, path: String, reportAs target: String, _ produce: (inout FileSink) throws -> Void) throws {
        var sink = FileSink(fd: fd, target: target)
        var failure: (operation: String, errno: Int32)?
        do { try produce(&sink) } catch {
            close(fd)
            pending.discard([path])
            throw error
        }
        if fsync(fd) != 0 { failure = ("flush (fsync)", errno) }
        if close(fd) != 0, failure == nil { failure = ("close", errno) }
        if let (operation, e) = failure {
            pending.discard([path])
            throw FileWriteError(path: target, operation: operation, reason: systemReason(e), errno: e)
        }
    }

    /// Renames every temporary file over its target, or none: on a failure the targets renamed so
    /// far get their previous content back.
    static func commit(_ staged: [(temp: String, path: String)]) throws {
        try pending.locked(staged.first?.path ?? "") {
            enum Previous { case absent, kept(String), unknown }
            var previous: [Previous] = []
            func dropBackups() {
                for case .kept(let b) in previous { unlink(b) }
            }
            for (k, s) in staged.enumerated() {
                let backup = "\(s.temp).previous-\(k)"
                if link(s.path, backup) == 0 {
                    previous.append(.kept(backup))
                } else {
                    previous.append(errno == ENOENT ? .absent : .unknown)
                }
            }
            for (k, s) in staged.enumerated() where rename(s.temp, s.path) != 0 {
                let e = errno
                for j in (0..<k).reversed() {
                    switch previous[j] {
                    case .kept(let b): previous[j] = rename(b, staged[j].path) == 0 ? .absent : .unknown   // else the backup stays, for recovery
                    case .absent: unlink(staged[j].path)
                    case .unknown: break   // no way back: the new file stays
                    }
                }
                dropBackups()
                for rest in staged[k...] where paths(remove: rest.temp) { unlink(rest.temp) }
                for done in staged[..<k] { _ = paths(remove: done.temp) }
                throw FileWriteError(path: s.path, operation: "replace", reason: systemReason(e), errno: e)
            }
            dropBackups()
            for s in staged { _ = paths(remove: s.temp) }
            // Make the renames durable; failure here loses nothing already visible.
            for directory in Set(staged.map { s in s.path.lastIndex(of: "/").map { String(s.path[..<$0]) } ?? "." }) {
                syncDirectory(directory.isEmpty ? "/" : directory)
            }
        }
    }

    /// Forgets a temporary path (the caller holds the lock); true when it was registered.
    private static func paths(remove temp: String) -> Bool {
        pending.paths.remove(temp) != nil
    }
}
