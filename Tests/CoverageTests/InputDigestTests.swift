import FileCommit
import Foundation
import XCTest
@testable import Coverage
import TestSupport

/// An input file's SHA-256 is taken from the digest cache when the file has the identity it was
/// taken of, and a digest taken now stands for the file only when the file had settled before.
final class InputDigestTests: XCTestCase {
    private func inputs() throws -> (set: InputSet, villages: String, sites: String) {
        let dir = try TestFolders.make("input-digests")
        let villages = dir.appendingPathComponent("villages.geojson").path, sites = dir.appendingPathComponent("sites.csv").path
        try Data("""
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"V1","name":"Làng O2"},
            "geometry":{"type":"Polygon","coordinates":[[[109.0,14.0],[109.01,14.0],[109.01,14.01],[109.0,14.01],[109.0,14.0]]]}}]}
            """.utf8).write(to: URL(fileURLWithPath: villages))
        try Data("site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m\nS1,Viettel,14.005,109.005,4G,0,360,1500\n".utf8)
            .write(to: URL(fileURLWithPath: sites))
        return (InputSet(villages: villages, sites: sites), villages, sites)
    }

    func testAKnownDigestIsTakenForAFileOfItsIdentity() throws {
        let (set, villages, sites) = try inputs()
        let realSites = SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: sites))))
        let realVillages = SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: villages))))
        let full = try set.load()
        XCTAssertEqual(full.files.map(\.sha256), [realVillages, realSites])
        // Just written: the digests stand for the bytes read, not for the files.
        XCTAssertEqual(full.files.map(\.identity), [nil, nil])

        // A cache that claims another digest for the sites file as it is: taken, so not hashed.
        let cache = DigestCache(path: try TestFolders.make("input-digest-cache").appendingPathComponent("digests").path)
        let claimed = String(repeating: "7", count: 64)
        cache.record(.sha256, try XCTUnwrap(FileIdentity(path: sites)), claimed)
        let known = try set.load(known: cache)
        XCTAssertEqual(known.files.map(\.sha256), [realVillages, claimed])
        XCTAssertEqual(known.files[1].identity, FileIdentity(path: sites))
        XCTAssertEqual(known.input.sectors.count, 1, "the file is still read")

        // Rewritten (the same bytes): another identity, hashed again.
        usleep(30_000)
        try Data(try Data(contentsOf: URL(fileURLWithPath: sites))).write(to: URL(fileURLWithPath: sites))
        XCTAssertEqual(try set.load(known: cache).files.map(\.sha256), [realVillages, realSites])
    }

    func testADigestStandsForTheFileOnlyWhenItHadSettledAndStayedTheSame() {
        let id = FileIdentity(device: 3, inode: 4, size: 5, modified: 1_000, changed: 1_000)
        func digest(margin: Int64, same: Bool = true, known: DigestCache? = nil) -> InputSet.Digest {
            InputSet.digest(identity: id, known: known, margin: margin, stillSame: { same }) { "abc" }
        }
        // Changed long before the hashing began: the digest stands for the file.
        XCTAssertEqual(digest(margin: 0).identity, id)
        XCTAssertEqual(digest(margin: 0).sha256, "abc")
        // Changed within the margin of the hashing's start (it may change again within one tick
        // without another time), or changed while hashed: for the bytes read only.
        XCTAssertNil(digest(margin: FileIdentity.now()).identity)
        XCTAssertNil(digest(margin: 0, same: false).identity)
        XCTAssertNil(InputSet.digest(identity: nil, known: nil, stillSame: { true }) { "abc" }.identity)
    }
}
