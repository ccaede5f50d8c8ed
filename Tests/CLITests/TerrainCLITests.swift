import Foundation
import XCTest

/// `--dem` and `--propagation` from the command line: a 150 m ridge between a 2G site and a village.
final class TerrainCLITests: XCTestCase {
    /// Site at 108.9 E 14.1 N; a 150 m ridge one arc-second wide about 1.46 km east; the village 2.9–3.1 km east.
    func scene() throws -> (dir: URL, dem: String, villages: String, sites: String) {
        let dir = try CLI.temporaryDirectory(self)
        let cell = 1.0 / 3600, west = 108.88, south = 14.08, cols = 252, rows = 144
        var asc = "ncols \(cols)\nnrows \(rows)\nxllcorner \(west)\nyllcorner \(south)\ncellsize \(cell)\nNODATA_value -9999\n"
        for _ in 0..<rows {
            asc += (0..<cols).map { c in c == 120 ? "150" : "10" }.joined(separator: " ") + "\n"
        }
        try asc.write(to: dir.appendingPathComponent("dem.asc"), atomically: true, encoding: .utf8)
        let dem = dir.appendingPathComponent("dem.tif").path
        let t = try CLI.runTool("/usr/bin/gdal_translate", ["-q", "-a_srs", "EPSG:4326", dir.appendingPathComponent("dem.asc").path, dem])
        XCTAssertEqual(t.status, 0, t.stderr)
        let (x0, x1) = (108.9 + 2900 / (111_320 * cos(14.1 * .pi / 180)), 108.9 + 3100 / (111_320 * cos(14.1 * .pi / 180)))
        let ring = [[x0, 14.0991], [x1, 14.0991], [x1, 14.1009], [x0, 14.1009], [x0, 14.0991]]
        let villages = """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"O2","name":"Làng O2"},\
        "geometry":{"type":"Polygon","coordinates":[[\(ring.map { "[\($0[0]),\($0[1])]" }.joined(separator: ","))]]}}]}
        """
        try villages.write(to: dir.appendingPathComponent("villages.geojson"), atomically: true, encoding: .utf8)
        try "site_id,operator,tech,lat,lon\nVT-9,Viettel,2G,14.1,108.9\n".write(to: dir.appendingPathComponent("sites.csv"), atomically: true, encoding: .utf8)
        return (dir, dem, dir.appendingPathComponent("villages.geojson").path, dir.appendingPathComponent("sites.csv").path)
    }

    func testRidgeDarkensTheVillageAndReportSaysWhy() throws {
        let s = try scene()
        let flat = try CLI.run(["analyze", "--villages", s.villages, "--sites", s.sites, "--out", s.dir.appendingPathComponent("flat").path, "--no-map", "--quiet"])
        XCTAssertEqual(flat.status, 0, flat.stderr)
        let flatReport = try reportJSON(s.dir.appendingPathComponent("flat"))
        let flatVillage = try villagesOf(flatReport)[0]
        XCTAssertEqual(flatVillage["mobile_status"] as? String, "covered")
        XCTAssertNil(flatVillage["best_link"], "fixed runs keep the version-one report")
        XCTAssertNil((flatReport["parameters"] as! [String: Any])["propagation"])

        let terrain = try CLI.run(["analyze", "--villages", s.villages, "--sites", s.sites, "--dem", s.dem,
                                   "--out", s.dir.appendingPathComponent("terrain").path, "--no-map", "--quiet"])
        XCTAssertEqual(terrain.status, 0, terrain.stderr)
        let report = try reportJSON(s.dir.appendingPathComponent("terrain"))
        let village = try villagesOf(report)[0]
        XCTAssertEqual(village["mobile_status"] as? String, "uncovered")
        let link = try XCTUnwrap(village["best_link"] as? [String: Any])
        XCTAssertEqual(link["site_id"] as? String, "VT-9")
        XCTAssertEqual(link["tech"] as? String, "2G")
        XCTAssertEqual(link["mapl_db"] as? Double, 145)
        XCTAssertEqual(link["distance_m"] as! Double, 3000, accuracy: 20)
        XCTAssertGreaterThan(link["diffraction_db"] as! Double, 12)
        XCTAssertGreaterThan(link["path_loss_db"] as! Double, 145)
        let obstruction = try XCTUnwrap(link["obstruction"] as? [String: Any])
        // Samples every 30 m fall beside the one-cell ridge: bilinear heights between 10 and 150 m.
        XCTAssertGreaterThan(obstruction["elevation_m"] as! Double, 60)
        XCTAssertLessThanOrEqual(obstruction["elevation_m"] as! Double, 150)
        XCTAssertEqual(obstruction["lon"] as! Double, 108.88 + 120.5 / 3600, accuracy: 0.0002)

        let propagation = try XCTUnwrap((report["parameters"] as! [String: Any])["propagation"] as? [String: Any])
        XCTAssertEqual(propagation["model"] as? String, "terrain")
        let dem = try XCTUnwrap(propagation["dem"] as? [String: Any])
        XCTAssertEqual(dem["path"] as? String, s.dem)
        let sum = try CLI.runTool("/usr/bin/sha256sum", [s.dem])
        XCTAssertEqual(dem["sha256"] as? String, String(sum.stdout.prefix(64)))
        XCTAssertEqual(dem["nodata_cells"] as? Double, 0)
    }

    func testProfileAndFootprints() throws {
        let s = try scene()
        let p = try CLI.run(["profile", "--sites", s.sites, "--dem", s.dem, "--site", "VT-9", "--to", "14.1,108.928"])
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertTrue(p.stdout.contains("← obstruction"), p.stdout)
        XCTAssertTrue(p.stdout.contains("line of sight: blocked by "), p.stdout)
        XCTAssertTrue(p.stdout.contains("Okumura–Hata"), p.stdout)
        XCTAssertTrue(p.stdout.contains("→ not covered"), p.stdout)

        let f = try CLI.run(["footprints", "--sites", s.sites, "--dem", s.dem])
        XCTAssertEqual(f.status, 0, f.stderr)
        let fc = try JSONSerialization.jsonObject(with: Data(f.stdout.utf8)) as! [String: Any]
        let feature = (fc["features"] as! [[String: Any]])[0]
        XCTAssertEqual((feature["geometry"] as! [String: Any])["type"] as? String, "MultiPolygon")
        XCTAssertEqual((feature["properties"] as! [String: Any])["site_id"] as? String, "VT-9")
    }

    func testPlanPutsTheNewSiteWhereTheTerrainLetsItServe() throws {
        let s = try scene()
        let r = try CLI.run(["plan", "--villages", s.villages, "--sites", s.sites, "--dem", s.dem, "--new-sites", "1", "--tech", "4G", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let plan = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let site = try XCTUnwrap((plan["new_sites"] as? [[String: Any]])?.first)
        let village = try XCTUnwrap((site["villages"] as? [[String: Any]])?.first)
        XCTAssertEqual(village["status_after"] as? String, "covered")
        // East of the ridge (at 108.9134), where the village is in sight.
        XCTAssertGreaterThan(site["lon"] as! Double, 108.9134)
        // The reach is the 4G Hata radius of the default budget (3880 m), not the fixed 2500 m.
        XCTAssertEqual(site["radius_m"] as! Double, 3880, accuracy: 1)
    }

    func testBadDEMIsExitTwoAndWritesNothing() throws {
        let s = try scene()
        let out = s.dir.appendingPathComponent("out")
        let missing = try CLI.run(["analyze", "--villages", s.villages, "--sites", s.sites, "--dem", "/nonexistent/dem.tif", "--out", out.path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/dem.tif"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        let noDEM = try CLI.run(["analyze", "--villages", s.villages, "--sites", s.sites, "--propagation", "terrain", "--out", out.path])
        XCTAssertEqual(noDEM.status, 2)
        XCTAssertTrue(noDEM.stderr.contains("needs --dem"), noDEM.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
