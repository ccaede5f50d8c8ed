import Foundation
import XCTest
@testable import GeoIO

final class VectorInputTests: XCTestCase {
    func testSourceAndLayer() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-src-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gpkg = dir.appendingPathComponent("a.gpkg").path
        XCTAssertTrue(FileManager.default.createFile(atPath: gpkg, contents: Data()))
        XCTAssertEqual(VectorInput.Source("\(gpkg):thon").path, gpkg)
        XCTAssertEqual(VectorInput.Source("\(gpkg):thon").layer, "thon")
        XCTAssertNil(VectorInput.Source(gpkg).layer)
        // A colon in a name that is not a file and a layer stays in the path.
        XCTAssertNil(VectorInput.Source("\(dir.path)/missing.gpkg:thon").layer)
        let pg = VectorInput.Source("PG:host=127.0.0.1 port=5433 dbname=gis user=gis:fibre")
        XCTAssertEqual(pg.path, "PG:host=127.0.0.1 port=5433 dbname=gis user=gis")
        XCTAssertEqual(pg.layer, "fibre")
        XCTAssertTrue(pg.isDatabase)
        XCTAssertNil(VectorInput.Source("PG:dbname=gis").layer)
        XCTAssertEqual(VectorInput.Source.shown("PG:dbname=gis password=s3cret user=gis:fibre"), "PG:dbname=gis password=*** user=gis:fibre")
        XCTAssertTrue(VectorInput.readsThroughGDAL("thon.SHP"))
        XCTAssertTrue(VectorInput.readsThroughGDAL("PG:dbname=gis"))
        XCTAssertFalse(VectorInput.readsThroughGDAL("villages.GeoJSON"))
        XCTAssertFalse(VectorInput.readsThroughGDAL("sites.csv"))
    }
}
