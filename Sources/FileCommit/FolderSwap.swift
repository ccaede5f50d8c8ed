#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A report folder replaced as a whole, for readers and for other writers.
///
/// - One writer at a time: `flock` on `.NAME.lock` beside the folder (not inside it, since the
///   folder itself is swapped); a second run waits for the first. The lock dies with its process,
///   so `kill -9` never leaves the folder locked.
/// - The new set is written into a sibling folder `.NAME.new-PID-N`, file by file as each is made
///   (from any thread: a file's bytes need not all be in memory at once, nor all files at once),
///   together with hard links to every other file of the old folder (a file this run leaves out,
///   such as the map with `--no-map`, or a file of the user's), and swapped with the folder by one
///   `renameat2(RENAME_EXCHANGE)`: a reader that opens the folder sees one run or the other,
///   never a mix, whenever a process is killed. The old set, now in the sibling, is removed.
/// - What a killed run left (sibling folders, `.NAME.tmp-PID-N` files and their `.previous-N`
///   links from runs of dead processes) is removed by the next run, under the lock.
///
/// Where a swap is not possible (the folder is `.`, a symbolic link, holds subfolders or special
/// files) the files are staged beside their targets and renamed one by one as
/// `AtomicFile.writeAll` does, still under the lock; a file system without RENAME_EXCHANGE gets
/// the sibling's files renamed into the folder the same way.
public final class StagedFolder: @unchecked Sendable {
    /// The folder being replaced, as the user named it.
    public let folder: String
    let parent: String, name: String
    let lock: FolderLock
    /// The sibling folder being filled, or nil when files are staged beside their targets.
    let fresh: String?
    private let mutex = NSLock()
    /// Names of the files staged so far, in order, with their temporary paths.
    private var staged: [(name: String, temp: String)] = []
    private var finished = false

    /// Locks `folder` (creating its parent) and opens its new set.
    public init(_ folder: String) throws {
        self.folder = folder
        (parent, name) = FolderSwap.split(folder)
        try OutputFolder.createFolder(parent, reportAs: folder)
        lock = try FolderLock(path: (parent == "/" ? "/" : parent + "/") + "." + name + ".lock", folder: folder)
        FolderSwap.removeLitter(folder: folder, parent: parent, name: name, siblings: lock.besideFolder)
        do {
            if lock.besideFolder, !name.isEmpty, name != ".", name != "..", FolderSwap.renameExchange != nil, FolderSwap.canSwap(folder) {
                fresh = try FolderSwap.makeSibling(parent: parent, name: name, like: folder)
            } else {
                try OutputFolder.createFolder(folder)
                fresh = nil
            }
        } catch {
            lock.release()
            throw error
        }
    }

    /// Stages the file `name`, its content written by `produce` (flushed and closed after it).
    /// Safe to call from several threads at once, for different names.
    public func add(_ name: String, _ produce: (inout FileSink) throws -> Void) throws {
        let target = "\(folder)/\(name)"
        let temp: String
        if let fresh {
            temp = "\(fresh)/\(name)"
            try FolderSwap.writeNew(to: temp, reportAs: target, produce)
        } else {
            temp = try AtomicFile.stage(beside: target, produce)
        }
        mutex.lock(); defer { mutex.unlock() }
        staged.append((name, temp))
    }

    /// Stages the file `name` with `bytes`.
    public func add(_ name: String, bytes: [UInt8]) throws {
        try add(name) { try $0.write(bytes) }
    }

    /// Where the file `name` staged last lies until the folder is committed.
    public func stagedPath(_ name: String) -> String? {
        mutex.lock(); defer { mutex.unlock() }
        return staged.last { $0.name == name }?.temp
    }

    /// The names staged so far, in the order they were staged.
    public var names: [String] {
        mutex.lock(); defer { mutex.unlock() }
        return staged.map(\.name)
    }

    /// Puts the staged set in place of the folder's, all or none, and unlocks it.
    public func commit() throws {
        precondition(!finished, "a staged folder is committed once")
        finished = true
        defer { lock.release() }
        guard let fresh else {
            do { try AtomicFile.commit(staged.map { ($0.temp, "\(folder)/\($0.name)") }) } catch {
                AtomicFile.pending.discard(staged.map(\.temp))
                throw error
            }
            return
        }
        var exchanged = false
        do {
            let written = Set(staged.map(\.name))
            var linked = Set<String>()
            if access(folder, F_OK) == 0 {
                // Every other entry must come along: a folder that cannot be listed is not swapped.
                guard let others = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
                    throw FileWriteError(path: folder, operation: "list the output folder", reason: systemReason(EACCES), errno: EACCES)
                }
                for other in others where !written.contains(other) {
                    try FolderSwap.linkEntry("\(folder)/\(other)", to: "\(fresh)/\(other)", reportAs: folder)
                    linked.insert(other)
                }
            }
            syncDirectory(fresh)
            let folder = folder, parent = parent
            let unsupported: Bool = try AtomicFile.pending.locked(folder) {
                if access(folder, F_OK) != 0 && errno == ENOENT {
                    guard rename(fresh, folder) == 0 else {
                        let e = errno
                        throw FileWriteError(path: folder, operation: "create the output folder", reason: systemReason(e), errno: e)
                    }
                } else if FolderSwap.renameExchange!(AT_FDCWD, fresh, AT_FDCWD, folder, 2 /* RENAME_EXCHANGE */) != 0 {
                    let e = errno
                    // A file system without RENAME_EXCHANGE: the files are renamed one by one below.
                    if e == EINVAL || e == ENOSYS || e == ENOTSUP { return true }
                    throw FileWriteError(path: folder, operation: "replace the output folder", reason: systemReason(e), errno: e)
                }
                exchanged = true
                AtomicFile.pending.forgetHoldingLock(folder: fresh)
                syncDirectory(parent)
                return false
            }
            if unsupported {
                try AtomicFile.commit(staged.map { ($0.temp, "\(folder)/\($0.name)") })
                FolderSwap.removeTree(fresh)
                AtomicFile.pending.forget(folder: fresh)
                return
            }
            // `fresh` now holds the previous set (or nothing): files that appeared in the folder
            // while this run wrote go back into it; the rest goes.
            if let old = try? FileManager.default.contentsOfDirectory(atPath: fresh) {
                var gone: [String] = []
                for entry in old {
                    if !written.contains(entry) && !linked.contains(entry) && access("\(folder)/\(entry)", F_OK) != 0 {
                        _ = rename("\(fresh)/\(entry)", "\(folder)/\(entry)")
                    } else {
                        gone.append("\(fresh)/\(entry)")
                    }
                }
                FolderSwap.unlinkAll(gone)
            }
            rmdir(fresh)
        } catch {
            if !exchanged { FolderSwap.removeTree(fresh) }
            AtomicFile.pending.forget(folder: fresh)
            throw error
        }
    }

    /// Removes everything staged and unlocks the folder, which stays as it was; nothing once committed.
    public func abandon() {
        guard !finished else { return }
        finished = true
        if let fresh {
            FolderSwap.removeTree(fresh)
            AtomicFile.pending.forget(folder: fresh)
        } else {
            AtomicFile.pending.discard(staged.map(\.temp))
        }
        lock.release()
    }

    deinit { abandon() }
}

/// Writes a file's content as it is made, so that a big file need not be whole in memory.
public struct FileSink {
    let fd: Int32
    /// The file named in errors (the target, not its temporary name).
    let target: String
    /// Bytes written, and how many of them the disk has not been asked for yet.
    var offset = 0, unsent = 0

    init(fd: Int32, target: String) {
        self.fd = fd
        self.target = target
    }

    /// Appends `bytes`; a failure names the target and the system's reason.
    public mutating func write<Bytes: ContiguousBytes & Collection<UInt8>>(_ bytes: Bytes) throws {
        if let e = writeEvery(fd, bytes) {
            throw FileWriteError(path: target, operation: "write", reason: systemReason(e), errno: e)
        }
        offset += bytes.count
        unsent += bytes.count
        // Every few megabytes the kernel is asked to start writing them out, so that the disk
        // works while the rest is made and the closing fsync has little left to wait for. Only a
        // hint: a failure to write shows in that fsync.
        if unsent >= Self.sendEvery, let start = Self.startWriting {
            _ = start(fd, Int64(offset - unsent), Int64(unsent), Self.syncFileRangeWrite)
            unsent = 0
        }
    }

    static let sendEvery = 8 << 20
    static let syncFileRangeWrite: UInt32 = 2   // SYNC_FILE_RANGE_WRITE
    /// Linux's `sync_file_range`.
    static let startWriting = systemFunction("sync_file_range", as: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
}

/// A C library function that Glibc's Swift module does not declare, looked up at run time (nil
/// where the system has none).
func systemFunction<F>(_ name: String, as type: F.Type) -> F? {
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: type) }
}

enum FolderSwap {
    /// Writes the files into `folder` (which need not exist), all or none.
    static func write(_ files: [(name: String, bytes: () throws -> [UInt8]?)], into folder: String) throws {
        let staging = try StagedFolder(folder)
        defer { staging.abandon() }
        for f in files {
            guard let bytes = try f.bytes() else { continue }
            try staging.add(f.name, bytes: bytes)
        }
        try staging.commit()
    }

    /// "a/b/out" → ("a/b", "out"); "out" → (".", "out"); trailing slashes ignored.
    static func split(_ folder: String) -> (parent: String, name: String) {
        var f = folder
        while f.count > 1 && f.hasSuffix("/") { f.removeLast() }
        guard let slash = f.lastIndex(of: "/") else { return (".", f) }
        let parent = String(f[..<slash])
        return (parent.isEmpty ? "/" : parent, String(f[f.index(after: slash)...]))
    }

    /// Whether `folder` can be swapped whole: missing, or a real folder (not a link) holding only
    /// regular files and symbolic links.
    static func canSwap(_ folder: String) -> Bool {
        var info = stat()
        if lstat(folder, &info) != 0 { return errno == ENOENT }
        guard info.st_mode & S_IFMT == S_IFDIR, let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            return false
        }
        return entries.allSatisfy { e in
            var s = stat()
            return lstat("\(folder)/\(e)", &s) == 0 && (s.st_mode & S_IFMT == S_IFREG || s.st_mode & S_IFMT == S_IFLNK)
        }
    }

    /// `renameat2`.
    static let renameExchange = systemFunction("renameat2", as: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)

    /// A new empty sibling folder with the folder's permissions, registered for interrupt clean-up.
    static func makeSibling(parent: String, name: String, like folder: String) throws -> String {
        var mode: mode_t = 0o777
        var info = stat()
        if stat(folder, &info) == 0 { mode = info.st_mode & 0o7777 }
        return try AtomicFile.pending.locked(folder) {
            for _ in 0..<100 {
                AtomicFile.pending.counter += 1
                let path = (parent == "/" ? "/" : parent + "/") + ".\(name).new-\(getpid())-\(AtomicFile.pending.counter)"
                if mkdir(path, 0o700) == 0 {
                    AtomicFile.pending.folders.insert(path)
                    if stat(folder, &info) == 0 { chmod(path, mode) } else { chmod(path, 0o777 & ~currentUmask()) }
                    return path
                }
                if errno != EEXIST { break }
            }
            let e = errno
            throw FileWriteError(path: folder, operation: "create a folder beside the output folder", reason: systemReason(e), errno: e)
        }
    }

    static func currentUmask() -> mode_t {
        let m = umask(0o022)
        umask(m)
        return m
    }

    /// Writes a new file (flushed, closed), registered for interrupt clean-up; errors name `reportAs`.
    /// On a failure the file is removed.
    static func writeNew(to path: String, reportAs target: String, _ produce: (inout FileSink) throws -> Void) throws {
        let fd: Int32 = try AtomicFile.pending.locked(target) {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 { AtomicFile.pending.paths.insert(path) }
            return fd
        }
        guard fd >= 0 else {
            let e = errno
            throw FileWriteError(path: target, operation: "write", reason: systemReason(e), errno: e)
        }
        try AtomicFile.fill(fd, path: path, reportAs: target, produce)
    }

    /// A hard link to a file of the old folder (a symbolic link is copied as a link).
    static func linkEntry(_ from: String, to: String, reportAs folder: String) throws {
        var info = stat()
        guard lstat(from, &info) == 0 else { return }   // gone meanwhile
        let ok: Bool
        if info.st_mode & S_IFMT == S_IFLNK {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(from, &buffer, buffer.count - 1)
            ok = n >= 0 && symlink(String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self), to) == 0
        } else {
            ok = link(from, to) == 0
        }
        if ok {
            AtomicFile.pending.register(to)
        } else {
            let e = errno
            throw FileWriteError(path: from, operation: "keep (link into the new report folder)", reason: systemReason(e), errno: e)
        }
    }

    /// Removes what killed runs left: sibling folders (no writer holds the lock but this one), and
    /// temporary files of processes that no longer exist inside the folder.
    static func removeLitter(folder: String, parent: String, name: String, siblings removeSiblings: Bool) {
        let prefix = ".\(name).new-"
        if removeSiblings, let siblings = try? FileManager.default.contentsOfDirectory(atPath: parent) {
            for s in siblings where s.hasPrefix(prefix) && s.dropFirst(prefix.count).allSatisfy({ $0.isNumber || $0 == "-" }) {
                removeTree((parent == "/" ? "/" : parent + "/") + s)
            }
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for e in entries {
            guard let pid = stagedFileOwner(e), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink("\(folder)/\(e)")
        }
    }

    /// The process id in `.NAME.tmp-PID-N` or `.NAME.tmp-PID-N.previous-K`, else nil.
    static func stagedFileOwner(_ entry: String) -> pid_t? {
        guard entry.hasPrefix("."), let r = entry.range(of: ".tmp-", options: .backwards) else { return nil }
        var rest = entry[r.upperBound...]
        if let p = rest.range(of: ".previous-") {
            guard rest[p.upperBound...].allSatisfy(\.isNumber), !rest[p.upperBound...].isEmpty else { return nil }
            rest = rest[..<p.lowerBound]
        }
        let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }), let pid = pid_t(parts[0]) else { return nil }
        return pid
    }

    /// Unlinks `paths` on two threads, the bytes about evenly shared (the biggest first, each to
    /// the thread with fewer): the kernel frees a file's blocks and its cached pages as it goes,
    /// about 0.15 s for a national run's previous set of 800 MB, most of it in report.geojson.
    static func unlinkAll(_ paths: [String]) {
        func size(_ path: String) -> Int64 {
            var s = stat()
            return lstat(path, &s) == 0 ? Int64(s.st_size) : 0
        }
        let bySize = paths.map { ($0, size($0)) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var shares: [[String]] = [[], []], bytes: [Int64] = [0, 0]
        for (path, n) in bySize {
            let k = bytes[0] <= bytes[1] ? 0 : 1
            shares[k].append(path); bytes[k] += n
        }
        // A small set goes on this thread alone.
        guard bytes[0] + bytes[1] >= 16 << 20 else { return (shares[0] + shares[1]).forEach { unlink($0) } }
        let second = shares[1]
        let done = DispatchSemaphore(value: 0)
        Thread { second.forEach { unlink($0) }; done.signal() }.start()
        shares[0].forEach { unlink($0) }
        done.wait()
    }

    /// Removes a folder of files (no subfolders: sibling folders never hold any).
    static func removeTree(_ path: String) {
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: path) {
            unlinkAll(entries.map { "\(path)/\($0)" })
        }
        rmdir(path)
    }
}

/// An exclusive `flock` on the lock file beside the folder, held until `release` or the end of
/// the process. Where no file can be made beside the folder (its parent is read-only), the
/// folder itself is locked, and `besideFolder` is false: no sibling folder can be made there either.
struct FolderLock {
    let fd: Int32
    let besideFolder: Bool

    init(path: String, folder: String) throws {
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        besideFolder = fd >= 0
        if fd < 0 {
            let e = errno
            fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                throw FileWriteError(path: folder, operation: "create the output folder", reason: systemReason(e), errno: e)
            }
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let e = errno
            close(fd)
            throw FileWriteError(path: folder, operation: "lock the output folder", reason: systemReason(e), errno: e)
        }
        self.fd = fd
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
