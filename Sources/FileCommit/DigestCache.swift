import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Digests of files taken before, each with the identity of the file it was taken of
/// (`FileIdentity`): a file of that identity now has that digest without being read again. A
/// `--since` run takes the SHA-256 of unchanged input files and the checks of the previous
/// folder's report files from here.
///
/// Kept per user, outside every report folder (whose files stay byte-identical from run to run):
/// `$XDG_CACHE_HOME/covgap/digests`, else `~/.cache/covgap/digests`. A text file, one digest a line
/// (kind, device, inode, size, modification and status-change times in nanoseconds, digest), the
/// newest `capacity` kept. It is only a cache: a line that does not read is skipped, a file that
/// cannot be read or written is none, and two runs saving at once keep one's lines or the other's.
public final class DigestCache: @unchecked Sendable {
    /// What a digest is of.
    public enum Kind: String, Sendable {
        /// The SHA-256 of an input file.
        case sha256
        /// The `FileDigest` of a report file this program wrote.
        case report
    }

    struct Key: Hashable {
        var kind: Kind
        var identity: FileIdentity
    }

    /// The cache's file.
    public let path: String
    /// The most digests kept.
    public static let capacity = 512
    private let lock = NSLock()
    /// Each digest with the order it was last recorded in (the newest highest).
    private var entries: [Key: (digest: String, order: Int)] = [:]
    private var next = 0
    /// What this instance recorded (saved over what the file holds by then).
    private var recorded: Set<Key> = []

    /// The cache at `path`, with what it holds now (none when it cannot be read).
    public init(path: String) {
        self.path = path
        entries = Self.read(path)
        next = entries.count
    }

    /// The user's cache (see the type's description); nil without a home or cache folder.
    public static func user(environment: [String: String] = ProcessInfo.processInfo.environment) -> DigestCache? {
        let base: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = home + "/.cache"
        } else {
            return nil
        }
        return DigestCache(path: base + "/covgap/digests")
    }

    /// The digest of `kind` taken of a file of `identity`, when one was.
    public func digest(_ kind: Kind, of identity: FileIdentity) -> String? {
        lock.lock(); defer { lock.unlock() }
        return entries[Key(kind: kind, identity: identity)]?.digest
    }

    /// Records that a file of `identity` has `digest` (taken of it while it had that identity).
    public func record(_ kind: Kind, _ identity: FileIdentity, _ digest: String) {
        guard Self.isDigest(digest) else { return }
        lock.lock(); defer { lock.unlock() }
        let key = Key(kind: kind, identity: identity)
        entries[key] = (digest, next)
        next += 1
        recorded.insert(key)
    }

    /// Writes the digests recorded over the file's as it is now (another run's meanwhile), the
    /// newest `capacity` kept; the file is replaced whole (written beside it, then renamed).
    /// Nothing when nothing was recorded; a failure leaves the file as it was.
    public func save() {
        lock.lock(); defer { lock.unlock() }
        guard !recorded.isEmpty else { return }
        var merged = Self.read(path)
        var order = merged.count
        for (key, (digest, _)) in entries.filter({ recorded.contains($0.key) }).sorted(by: { $0.value.order < $1.value.order }) {
            merged[key] = (digest, order)
            order += 1
        }
        let kept = merged.sorted { $0.value.order < $1.value.order }.suffix(Self.capacity)
        var text = ""
        for (key, (digest, _)) in kept {
            let i = key.identity
            text += "\(key.kind.rawValue) \(i.device) \(i.inode) \(i.size) \(i.modified) \(i.changed) \(digest)\n"
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else { return }
        let temp = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temp, path) != 0 { unlink(temp) } else { recorded = [] }
    }

    /// Digests as lowercase hex, 32 to 64 digits (a `FileDigest` or a SHA-256).
    static func isDigest(_ s: String) -> Bool {
        (32...64).contains(s.utf8.count) && s.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The lines of the file at `path` that read, each with its place (a later line for the same
    /// file wins), the newest `capacity`; none when it cannot be read.
    private static func read(_ path: String) -> [Key: (digest: String, order: Int)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var entries: [Key: (digest: String, order: Int)] = [:]
        var order = 0
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 7, let kind = Kind(rawValue: String(f[0])),
                  let device = UInt64(f[1]), let inode = UInt64(f[2]), let size = UInt64(f[3]),
                  let modified = Int64(f[4]), let changed = Int64(f[5]), Self.isDigest(String(f[6])) else { continue }
            let key = Key(kind: kind, identity: FileIdentity(device: device, inode: inode, size: size, modified: modified, changed: changed))
            entries[key] = (String(f[6]), order)
            order += 1
        }
        guard entries.count > capacity else { return entries }
        let newest = entries.sorted { $0.value.order < $1.value.order }.suffix(capacity)
        return Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }
}
