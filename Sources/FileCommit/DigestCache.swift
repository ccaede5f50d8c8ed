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
    /// Digests in the order they were last recorded (oldest first), and where each key is.
    private var entries: [(key: Key, digest: String)] = []
    private var index: [Key: Int] = [:]
    private var changed = false

    /// The cache at `path`, with what it holds now (none when it cannot be read).
    public init(path: String) {
        self.path = path
        if let text = try? String(contentsOfFile: path, encoding: .utf8) { load(text) }
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
        return index[Key(kind: kind, identity: identity)].map { entries[$0].digest }
    }

    /// Records that a file of `identity` has `digest` (taken of it while it had that identity).
    public func record(_ kind: Kind, _ identity: FileIdentity, _ digest: String) {
        guard Self.isDigest(digest) else { return }
        lock.lock(); defer { lock.unlock() }
        let key = Key(kind: kind, identity: identity)
        if let at = index[key], at == entries.count - 1, entries[at].digest == digest { return }
        put(key, digest)
        changed = true
    }

    /// Writes the digests recorded, with the file's as it is now (another run's meanwhile), the
    /// newest `capacity` kept; the file is replaced whole (written beside it, then renamed).
    /// Nothing when nothing was recorded; a failure leaves the file as it was.
    public func save() {
        lock.lock(); defer { lock.unlock() }
        guard changed else { return }
        let mine = entries
        entries = []
        index = [:]
        if let text = try? String(contentsOfFile: path, encoding: .utf8) { load(text) }
        for (key, digest) in mine { put(key, digest) }
        trim()
        var text = ""
        for (key, digest) in entries {
            let i = key.identity
            text += "\(key.kind.rawValue) \(i.device) \(i.inode) \(i.size) \(i.modified) \(i.changed) \(digest)\n"
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else { return }
        let temp = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temp, path) != 0 { unlink(temp) } else { changed = false }
    }

    /// Digests as lowercase hex, 32 to 64 digits (a `FileDigest` or a SHA-256).
    static func isDigest(_ s: String) -> Bool {
        (32...64).contains(s.utf8.count) && s.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The lines of `text` that read, in order (a later line for the same file wins).
    private func load(_ text: String) {
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 7, let kind = Kind(rawValue: String(f[0])),
                  let device = UInt64(f[1]), let inode = UInt64(f[2]), let size = UInt64(f[3]),
                  let modified = Int64(f[4]), let changed = Int64(f[5]), Self.isDigest(String(f[6])) else { continue }
            put(Key(kind: kind, identity: FileIdentity(device: device, inode: inode, size: size, modified: modified, changed: changed)), String(f[6]))
        }
        trim()
    }

    /// `key`'s digest, as the newest entry.
    private func put(_ key: Key, _ digest: String) {
        if let at = index[key] {
            entries.remove(at: at)
            index = [:]
            for (i, e) in entries.enumerated() { index[e.key] = i }
        }
        entries.append((key, digest))
        index[key] = entries.count - 1
    }

    /// The newest `capacity` entries kept.
    private func trim() {
        guard entries.count > Self.capacity else { return }
        entries.removeFirst(entries.count - Self.capacity)
        index = [:]
        for (i, e) in entries.enumerated() { index[e.key] = i }
    }
}
