#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicFile {
    /// Writes several files so that none is replaced unless all could be written: each is first
    /// written (atomically) under a staging name beside its target, then all are renamed into place.
    /// On failure the staged files are removed and every target keeps its previous content.
    public static func writeAll(_ files: [(path: String, bytes: [UInt8])]) throws {
        var staged: [(staging: String, path: String)] = []
        do {
            for (i, f) in files.enumerated() {
                let staging = stagingPath(for: f.path, index: i)
                try write(f.bytes, to: staging)
                staged.append((staging, f.path))
            }
        } catch {
            for s in staged { unlink(s.staging) }
            throw error
        }
        for (k, s) in staged.enumerated() where rename(s.staging, s.path) != 0 {
            let e = errno
            for rest in staged[k...] { unlink(rest.staging) }
            throw FileWriteError(path: s.path, operation: "replace", reason: systemReason(e), errno: e)
        }
    }

    private static func stagingPath(for path: String, index: Int) -> String {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(dir).\(name).staged-\(getpid())-\(index)"
    }
}
