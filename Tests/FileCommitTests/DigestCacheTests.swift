import Foundation
import XCTest
@testable import FileCommit

/// A file's identity (what a digest taken of it can stand for) and the per-user cache of digests
/// by identity that `--since` runs read.
final class DigestCacheTests: XCTestCase {
    private func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.path
    }

    func testAFileRewrittenWithTheSameBytesHasAnotherIdentity() throws {
        let path = try folder() + "/villages.geojson"
        try Data("{\"type\":\"FeatureCollection\",\"features\":[]}".utf8).write(to: URL(fileURLWithPath: path))
        let first = try XCTUnwrap(FileIdentity(path: path))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        XCTAssertEqual(FileIdentity(descriptor: fd), first)
        XCTAssertEqual(first.size, 42)
        XCTAssertEqual(FileIdentity(path: path), first, "nothing changed")
        usleep(30_000)
        // The same bytes written in place (the same inode and size): the times move on.
        let w = open(path, O_WRONLY)
        XCTAssertEqual(pwrite(w, "{", 1, 0), 1)
        close(w)
        let rewritten = try XCTUnwrap(FileIdentity(path: path))
        XCTAssertEqual(rewritten.inode, first.inode)
        XCTAssertEqual(rewritten.size, first.size)
        XCTAssertGreaterThan(rewritten.changed, first.changed)
        XCTAssertNotEqual(rewritten, first)
        // Replaced by another file of the same bytes (a copy renamed over it): another inode.
        try Data("{\"type\":\"FeatureCollection\",\"features\":[]}".utf8).write(to: URL(fileURLWithPath: path + ".new"))
        XCTAssertEqual(rename(path + ".new", path), 0)
        XCTAssertNotEqual(FileIdentity(path: path)?.inode, first.inode)
        // Only regular files have one.
        XCTAssertNil(FileIdentity(path: (path as NSString).deletingLastPathComponent))
        XCTAssertNil(FileIdentity(path: path + ".missing"))
    }

    func testADigestStandsForAFileSettledBeforeItWasRead() throws {
        let id = FileIdentity(device: 1, inode: 2, size: 3, modified: 10_000_000_000, changed: 10_000_000_000)
        let margin = FileIdentity.settling
        XCTAssertTrue(id.isSettled(before: 10_000_000_000 + margin))
        XCTAssertFalse(id.isSettled(before: 10_000_000_000 + margin - 1))
        // A modification time ahead of the reading (set by a tool, or a clock running ahead).
        var ahead = id
        ahead.modified += 5_000_000_000
        XCTAssertFalse(ahead.isSettled(before: 10_000_000_000 + margin))

        // A file just written settles within the small margin for this program's own files.
        let path = try folder() + "/report.csv"
        try Data("id,name\n".utf8).write(to: URL(fileURLWithPath: path))
        let settled = try XCTUnwrap(FileIdentity.settled(path: path))
        XCTAssertEqual(settled, FileIdentity(path: path))
        XCTAssertTrue(settled.isSettled(before: FileIdentity.now(), margin: FileIdentity.ownSettling))
        // One whose modification time lies ahead of the clock does not.
        var times = [timespec(tv_sec: time(nil) + 60, tv_nsec: 0), timespec(tv_sec: time(nil) + 60, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, path, &times, 0), 0)
        XCTAssertNil(FileIdentity.settled(path: path))
        XCTAssertNil(FileIdentity.settled(path: path + ".missing"))
    }

    func testDigestsAreKeptByKindAndIdentityAcrossRuns() throws {
        let path = try folder() + "/covgap/digests"
        let a = FileIdentity(device: 65024, inode: 16221355, size: 320372921, modified: 1796400777604514536, changed: 1796400777716514541)
        let b = FileIdentity(device: 65024, inode: 16269370, size: 436191752, modified: 1796404438624683458, changed: 1796404438624683458)
        let sha = String(repeating: "9e", count: 32), digest = "b065c3275ede6928843bcdb4ce53c1e8"
        let cache = DigestCache(path: path)
        XCTAssertNil(cache.digest(.sha256, of: a))
        cache.record(.sha256, a, sha)
        cache.record(.report, b, digest)
        cache.record(.report, a, "NOT HEX")  // refused
        cache.save()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       "sha256 65024 16221355 320372921 1796400777604514536 1796400777716514541 \(sha)\n"
                       + "report 65024 16269370 436191752 1796404438624683458 1796404438624683458 \(digest)\n")
        let later = DigestCache(path: path)
        XCTAssertEqual(later.digest(.sha256, of: a), sha)
        XCTAssertEqual(later.digest(.report, of: b), digest)
        XCTAssertNil(later.digest(.report, of: a), "a digest is of one kind")
        var moved = a
        moved.changed += 1
        XCTAssertNil(later.digest(.sha256, of: moved), "another identity")
    }

    func testTwoRunsSavingKeepBothAndTheNewestWithinCapacity() throws {
        let path = try folder() + "/digests"
        func id(_ n: Int) -> FileIdentity { FileIdentity(device: 1, inode: UInt64(n), size: 10, modified: 5, changed: 6) }
        func hex(_ n: Int) -> String { String(format: "%032x", n) }
        let one = DigestCache(path: path), two = DigestCache(path: path)
        one.record(.sha256, id(1), hex(1))
        one.save()
        two.record(.sha256, id(2), hex(2))
        two.save()
        let both = DigestCache(path: path)
        XCTAssertEqual(both.digest(.sha256, of: id(1)), hex(1))
        XCTAssertEqual(both.digest(.sha256, of: id(2)), hex(2))

        // The oldest go once there are more than `capacity`; a digest recorded again is newest.
        for n in 3...(DigestCache.capacity + 10) { both.record(.sha256, id(n), hex(n)) }
        both.record(.sha256, id(1), hex(1))
        both.save()
        let kept = DigestCache(path: path)
        XCTAssertEqual(kept.digest(.sha256, of: id(1)), hex(1))
        XCTAssertNil(kept.digest(.sha256, of: id(2)))
        XCTAssertNil(kept.digest(.sha256, of: id(11)))
        XCTAssertEqual(kept.digest(.sha256, of: id(12)), hex(12))
        XCTAssertEqual(kept.digest(.sha256, of: id(DigestCache.capacity + 10)), hex(DigestCache.capacity + 10))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count, DigestCache.capacity)
    }

    func testLinesThatDoNotReadAreSkipped() throws {
        let path = try folder() + "/digests"
        let good = "report 7 8 9 10 11 \(String(repeating: "a", count: 32))"
        try Data(["garbage", "sha256 1 2 3 4 5", "md5 1 2 3 4 5 \(String(repeating: "a", count: 32))",
                  "sha256 -1 2 3 4 5 \(String(repeating: "a", count: 64))", "sha256 1 2 3 4 5 \(String(repeating: "A", count: 64))",
                  good, "\u{0}\u{1}"].joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        let cache = DigestCache(path: path)
        XCTAssertEqual(cache.digest(.report, of: FileIdentity(device: 7, inode: 8, size: 9, modified: 10, changed: 11)), String(repeating: "a", count: 32))
        XCTAssertNil(cache.digest(.sha256, of: FileIdentity(device: 1, inode: 2, size: 3, modified: 4, changed: 5)))
        // A cache that cannot be written is none: nothing thrown, nothing left.
        let blocked = DigestCache(path: path + "/under-a-file/digests")
        blocked.record(.report, FileIdentity(device: 1, inode: 2, size: 3, modified: 4, changed: 5), String(repeating: "b", count: 32))
        blocked.save()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "/under-a-file"))
    }

    func testTheUsersCacheLiesInTheCacheFolder() {
        XCTAssertEqual(DigestCache.user(environment: ["XDG_CACHE_HOME": "/var/cache/me", "HOME": "/home/me"])?.path, "/var/cache/me/covgap/digests")
        XCTAssertEqual(DigestCache.user(environment: ["HOME": "/home/me"])?.path, "/home/me/.cache/covgap/digests")
        XCTAssertEqual(DigestCache.user(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/me"])?.path, "/home/me/.cache/covgap/digests")
        XCTAssertNil(DigestCache.user(environment: [:]))
    }
}
