import Foundation

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
    /// The file's digests, read when first looked up (a run that only records never reads them
    /// before it saves).
    private var known: [Key: String]?
    /// What this instance recorded, in order (saved over what the file holds by then).
    private var recorded: [(key: Key, digest: String)] = []

    /// The cache at `path`.
    public init(path: String) {
        self.path = path
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
        let key = Key(kind: kind, identity: identity)
        lock.lock(); defer { lock.unlock() }
        if let mine = recorded.last(where: { $0.key == key }) { return mine.digest }
        if known == nil { known = Self.read(path).mapValues(\.digest) }
        return known?[key]
    }

    /// Records that a file of `identity` has `digest` (taken of it while it had that identity).
    public func record(_ kind: Kind, _ identity: FileIdentity, _ digest: String) {
        guard Self.isDigest(digest) else { return }
        lock.lock(); defer { lock.unlock() }
        recorded.append((Key(kind: kind, identity: identity), digest))
    }

    /// Writes the digests recorded over the file's as it is now (another run's meanwhile), the
    /// newest `capacity` kept, replacing the file whole (`AtomicFile`). Nothing when nothing was
    /// recorded; a failure leaves the file as it was.
    public func save() {
        lock.lock(); defer { lock.unlock() }
        guard !recorded.isEmpty else { return }
        var merged = Self.read(path)
        let after = (merged.values.map(\.order).max() ?? -1) + 1
        for (order, (key, digest)) in recorded.enumerated() { merged[key] = (digest, after + order) }
        var text = ""
        for (key, (digest, _)) in merged.sorted(by: { $0.value.order < $1.value.order }).suffix(Self.capacity) {
            let i = key.identity
            text += "\(key.kind.rawValue) \(i.device) \(i.inode) \(i.size) \(i.modified) \(i.changed) \(digest)\n"
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
              (try? AtomicFile.write(text, to: path)) != nil else { return }
        (known, recorded) = (nil, [])
    }

    /// Digests as lowercase hex, 32 to 64 digits (a `FileDigest` or a SHA-256).
    static func isDigest(_ s: String) -> Bool {
        (32...64).contains(s.utf8.count) && s.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The lines of the file at `path` that read, each with its place (a later line for the same
    /// file wins); none when it cannot be read.
    private static func read(_ path: String) -> [Key: (digest: String, order: Int)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var entries: [Key: (digest: String, order: Int)] = [:]
        for (order, line) in text.split(separator: "\n").enumerated() {
            let f = line.split(separator: " ")
            guard f.count == 7, let kind = Kind(rawValue: String(f[0])),
                  let device = UInt64(f[1]), let inode = UInt64(f[2]), let size = UInt64(f[3]),
                  let modified = Int64(f[4]), let changed = Int64(f[5]), Self.isDigest(String(f[6])) else { continue }
            entries[Key(kind: kind, identity: FileIdentity(device: device, inode: inode, size: size, modified: modified, changed: changed))] = (String(f[6]), order)
        }
        return entries
    }
}
