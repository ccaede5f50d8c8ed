#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file as the system describes it without reading it: its device and inode, its size, and the
/// times of the last change of its content (mtime) and of its status (ctime), to the nanosecond.
/// A file written, cut short, replaced or renamed over has another identity: the system sets the
/// status-change time on every such change, and no program can set it back.
///
/// A digest of a file's bytes can stand for the file while its identity is unchanged, when the
/// file had *settled* before it was read (`isSettled`): its last change well before the reading
/// began. File times advance in steps of the system's clock tick (a few milliseconds), so a change
/// made while or after the file is read, even within one tick of the change before it, then gets
/// a later status-change time than the one kept.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: UInt64
    /// Nanoseconds since 1970 (UTC).
    public var modified: Int64
    public var changed: Int64

    public init(device: UInt64, inode: UInt64, size: UInt64, modified: Int64, changed: Int64) {
        self.device = device; self.inode = inode; self.size = size; self.modified = modified; self.changed = changed
    }

    init(_ info: stat) {
        #if canImport(Darwin)
        let (m, c) = (info.st_mtimespec, info.st_ctimespec)
        #else
        let (m, c) = (info.st_mtim, info.st_ctim)
        #endif
        self.init(device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(truncatingIfNeeded: info.st_ino),
                  size: UInt64(max(0, info.st_size)), modified: Self.nanoseconds(m), changed: Self.nanoseconds(c))
    }

    /// The identity of the regular file open on `fd`; nil for anything else.
    public init?(descriptor fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        self.init(info)
    }

    /// The identity of the regular file at `path` (a symbolic link followed); nil for anything else.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        self.init(info)
    }

    /// The system's time now, in nanoseconds since 1970 (UTC): when a reading begins.
    public static func now() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return nanoseconds(t)
    }

    /// How long before a reading a file's last change must lie for the reading's digest to stand
    /// for the file while its identity is unchanged: two seconds, hundreds of clock ticks.
    public static let settling: Int64 = 2_000_000_000

    /// Whether the file's last change lies at least `margin` nanoseconds before `start` (see the
    /// type's description).
    public func isSettled(before start: Int64, margin: Int64 = FileIdentity.settling) -> Bool {
        changed <= start - margin && modified <= start - margin
    }

    /// How long after its last change a file this run wrote is taken to be settled: a few clock
    /// ticks (a tick is 1 to 10 ms), so that any later change gets a later status-change time.
    public static let ownSettling: Int64 = 20_000_000

    /// The identity of the regular file at `path` once it has settled (`isSettled` with `margin`),
    /// waiting for that up to `margin`: for a file this run has just written and will not change.
    /// Nil when it is not a regular file, changes meanwhile, or does not settle (a file system
    /// whose clock runs ahead of this machine's).
    public static func settled(path: String, margin: Int64 = FileIdentity.ownSettling) -> FileIdentity? {
        guard let first = FileIdentity(path: path) else { return nil }
        let wait = max(first.changed, first.modified) + margin - now()
        if wait <= 0 { return first }
        guard wait <= margin else { return nil }
        var pause = timespec(tv_sec: 0, tv_nsec: Int(wait)), left = timespec()
        while nanosleep(&pause, &left) != 0 && errno == EINTR { pause = left }
        guard let again = FileIdentity(path: path), again == first, first.isSettled(before: now(), margin: margin) else { return nil }
        return first
    }

    static func nanoseconds(_ t: timespec) -> Int64 {
        Int64(t.tv_sec).multipliedReportingOverflow(by: 1_000_000_000).partialValue &+ Int64(t.tv_nsec)
    }
}
