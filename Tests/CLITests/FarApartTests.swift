import Foundation
import XCTest

/// Villages far apart are each measured in a CRS that fits them (the UTM zone of their own
/// centre), and what no planar CRS can measure is refused.
final class FarApartTests: XCTestCase {
    /// Two villages of 0.01° × 0.01° near Vĩnh Kim (UTM 49N), one site and a fibre route 863 m (0.0078° of latitude)
    /// from the first village's centre.
    static let near = [
        #"{"type":"Feature","properties":{"id":"VK-01","name":"Làng O1","households":120},"geometry":{"type":"Polygon","coordinates":[[[108.8,14.3],[108.81,14.3],[108.81,14.31],[108.8,14.31],[108.8,14.3]]]}}"#,
        #"{"type":"Feature","properties":{"id":"VK-02","name":"Làng O2","households":80},"geometry":{"type":"Polygon","coordinates":[[[108.9,14.3],[108.91,14.3],[108.91,14.31],[108.9,14.31],[108.9,14.3]]]}}"#,
    ]
    /// A village in Brazil (UTM 23S), 0.01° × 0.01° at 15° S.
    static let stray = #"{"type":"Feature","properties":{"id":"BR-1","name":"Longe"},"geometry":{"type":"Polygon","coordinates":[[[-47.0,-15.0],[-46.99,-15.0],[-46.99,-14.99],[-47.0,-14.99],[-47.0,-15.0]]]}}"#
    static let sites = "site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m\nVT-1,Viettel,14.305,108.805,4G,,,600\nBR-S,Vivo,-14.995,-46.995,4G,,,400\n"
    static let fibre = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"F1"},"geometry":{"type":"LineString","coordinates":[[108.805,14.2972],[108.86,14.2972]]}}]}"#

    func write(_ dir: URL, villages: [String]) throws {
        try (#"{"type":"FeatureCollection","features":["# + villages.joined(separator: ",\n") + "]}")
            .write(to: dir.appendingPathComponent("villages.geojson"), atomically: true, encoding: .utf8)
        try Self.sites.write(to: dir.appendingPathComponent("sites.csv"), atomically: true, encoding: .utf8)
        try Self.fibre.write(to: dir.appendingPathComponent("fibre.geojson"), atomically: true, encoding: .utf8)
    }

    func analyze(_ dir: URL, out: String, extra: [String] = []) throws -> CovgapProcess.Outcome {
        try CovgapProcess.run(["analyze", "--villages", "villages.geojson", "--sites", "sites.csv", "--fibre", "fibre.geojson",
                               "--out", out, "--quiet"] + extra, in: dir)
    }

    func testStrayVillageOnAnotherContinentLeavesTheNearVillagesAsTheyWere() throws {
        let dir = try CLI.temporaryDirectory(self)
        try write(dir, villages: Self.near)
        let alone = try analyze(dir, out: "alone")
        XCTAssertEqual(alone.status, 0, alone.stderr)
        try write(dir, villages: Self.near + [Self.stray])
        let withStray = try analyze(dir, out: "with-stray")
        XCTAssertEqual(withStray.status, 0, withStray.stderr)

        let a = try villagesOf(reportJSON(dir.appendingPathComponent("alone")))
        let b = try villagesOf(reportJSON(dir.appendingPathComponent("with-stray")))
        XCTAssertEqual(b.count, 3)
        for k in 0..<2 {
            for key in ["area_m2", "coverage", "operators", "mobile_status", "gap_area_m2", "fixed", "center"] {
                XCTAssertEqual(try canonical(a[k][key]), try canonical(b[k][key]), "\(a[k]["id"]!) \(key)")
            }
        }
        // The near village's figures by hand: 0.01° square at 14.3° N is 1,077.8 m × 1,106.5 m
        // (WGS 84 degree lengths) ≈ 1.19 km²; fibre 863 m south of the centre is available.
        let area = try XCTUnwrap(a[0]["area_m2"] as? Double)
        XCTAssertEqual(area, 1_192_600, accuracy: 3_000)
        let fixed = try XCTUnwrap(b[0]["fixed"] as? [String: Any])
        XCTAssertEqual(fixed["status"] as? String, "available")
        XCTAssertEqual(try XCTUnwrap(fixed["distance_m"] as? Double), 863.3, accuracy: 2)
        // The stray village in its own zone: 0.01° at 15° S is 1,075.5 m × 1,106.5 m ≈ 1.19 km², and its
        // own 400 m site covers 0.50 km² of it; its fibre is on another continent (unavailable, ~16,000 km).
        let strayArea = try XCTUnwrap(b[2]["area_m2"] as? Double)
        XCTAssertEqual(strayArea, 1_190_100, accuracy: 3_000)
        let strayFixed = try XCTUnwrap(b[2]["fixed"] as? [String: Any])
        XCTAssertEqual(strayFixed["status"] as? String, "unavailable")
        XCTAssertGreaterThan(try XCTUnwrap(strayFixed["distance_m"] as? Double), 15_000_000)
        let params = try XCTUnwrap(reportJSON(dir.appendingPathComponent("with-stray"))["parameters"] as? [String: Any])
        XCTAssertEqual(params["crs_from"] as? String, "utm_zone_of_each_village")
        XCTAssertEqual(params["crs_zones"] as? [String], ["EPSG:32649", "EPSG:32723"])
    }

    func testPlanRefusesVillagesInSeveralZones() throws {
        let dir = try CLI.temporaryDirectory(self)
        try write(dir, villages: Self.near + [Self.stray])
        let r = try CovgapProcess.run(["plan", "--villages", "villages.geojson", "--sites", "sites.csv", "--fibre", "fibre.geojson"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderrLines.filter { !$0.hasPrefix("covgap: warning:") },
                       ["covgap: the villages lie in 2 UTM zones (EPSG:32649, EPSG:32723) and a plan is made in one; plan each zone's villages on their own"])
        try write(dir, villages: Self.near)
        XCTAssertEqual(try CovgapProcess.run(["plan", "--villages", "villages.geojson", "--sites", "sites.csv", "--fibre", "fibre.geojson"], in: dir).status, 0)
    }

    func testGeoPackageAcrossZonesHasNoProposedSitesAndSaysWhy() throws {
        let dir = try CLI.temporaryDirectory(self)
        try write(dir, villages: Self.near + [Self.stray])
        let r = try analyze(dir, out: "gpkg", extra: ["--outputs", "json,gpkg"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let why = "report.gpkg has no proposed sites: the villages lie in 2 UTM zones (EPSG:32649, EPSG:32723) and a plan is made in one; plan each zone's villages on their own"
        XCTAssertTrue(r.stderrLines.contains("covgap: warning: \(why)"), r.stderr)
        let warnings = try XCTUnwrap(reportJSON(dir.appendingPathComponent("gpkg"))["warnings"] as? [String])
        XCTAssertTrue(warnings.contains(why), "\(warnings)")
        // Every village is in the GeoPackage; its proposed_sites layer is there, empty.
        let gpkg = dir.appendingPathComponent("gpkg/report.gpkg").path
        let villages = try CLI.runTool("/usr/bin/ogrinfo", ["-ro", "-so", gpkg, "villages"])
        XCTAssertTrue(villages.stdout.contains("Feature Count: 3"), villages.stdout + villages.stderr)
        let sites = try CLI.runTool("/usr/bin/ogrinfo", ["-ro", "-so", gpkg, "proposed_sites"])
        XCTAssertTrue(sites.stdout.contains("Feature Count: 0"), sites.stdout + sites.stderr)
    }

    func testAnalyzeWithPlanAcrossZonesWritesTheReportsAndSaysWhyThereIsNoPlan() throws {
        let dir = try CLI.temporaryDirectory(self)
        try write(dir, villages: Self.near + [Self.stray])
        let r = try CovgapProcess.run(["analyze", "--villages", "villages.geojson", "--sites", "sites.csv", "--fibre", "fibre.geojson",
                                       "--out", "out", "--no-map", "--plan"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderrLines.contains("covgap: warning: no plan: the villages lie in 2 UTM zones (EPSG:32649, EPSG:32723) and a plan is made in one; plan each zone's villages on their own"), r.stderr)
        XCTAssertEqual((try reportJSON(dir.appendingPathComponent("out"))["villages"] as? [Any])?.count, 3)
        XCTAssertTrue(r.stdout.contains("Longe    mobile partial"), r.stdout)   // the gap table was printed
    }

    func testTerrainAcrossTwoZonesWarnsOncePerSector() throws {
        // Two villages either side of 108° E (UTM 48N and 49N) and one 3G site between them: its
        // footprint serves both zones, is made once, and the model's warning counts it once.
        let dir = try CLI.temporaryDirectory(self)
        func square(_ id: String, _ x: Double) -> String {
            #"{"type":"Feature","properties":{"id":"\#(id)","name":"Thôn \#(id)"},"geometry":{"type":"Polygon","coordinates":[[[\#(x),14.3],[\#(x + 0.01),14.3],[\#(x + 0.01),14.31],[\#(x),14.31],[\#(x),14.3]]]}}"#
        }
        try (#"{"type":"FeatureCollection","features":["# + square("W", 107.985) + "," + square("E", 108.005) + "]}")
            .write(to: dir.appendingPathComponent("villages.geojson"), atomically: true, encoding: .utf8)
        try "site_id,operator,lat,lon,tech\nX-1,Viettel,14.305,108.0,3G\n".write(to: dir.appendingPathComponent("sites.csv"), atomically: true, encoding: .utf8)
        // A flat DEM, 10 m everywhere, 0.001° cells over 107.9–108.1° E, 14.2–14.4° N.
        let asc = "ncols 200\nnrows 200\nxllcorner 107.9\nyllcorner 14.2\ncellsize 0.001\nNODATA_value -9999\n"
            + String(repeating: Array(repeating: "10", count: 200).joined(separator: " ") + "\n", count: 200)
        try asc.write(to: dir.appendingPathComponent("dem.asc"), atomically: true, encoding: .utf8)
        let dem = dir.appendingPathComponent("dem.tif").path
        let t = try CLI.runTool("/usr/bin/gdal_translate", ["-q", "-a_srs", "EPSG:4326", dir.appendingPathComponent("dem.asc").path, dem])
        XCTAssertEqual(t.status, 0, t.stderr)
        let r = try CovgapProcess.run(["analyze", "--villages", "villages.geojson", "--sites", "sites.csv", "--dem", dem,
                                       "--out", "out", "--quiet", "--no-map", "--outputs", "json"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try reportJSON(dir.appendingPathComponent("out"))
        let params = try XCTUnwrap(report["parameters"] as? [String: Any])
        XCTAssertEqual(params["crs_zones"] as? [String], ["EPSG:32648", "EPSG:32649"])
        let warnings = try XCTUnwrap(report["warnings"] as? [String])
        XCTAssertEqual(warnings.filter { $0.contains("outside the model's validity") },
                       ["1 sector outside the model's validity: COST-231 Hata: 2100 MHz is above COST-231 Hata's 2000 MHz (extrapolated)"])
        // Mirror images about the site: the same coverage, each measured in its own zone.
        let coverage = try villagesOf(report).map { try XCTUnwrap(($0["coverage"] as? [String: Any])?["mobile"] as? Double) }
        XCTAssertEqual(coverage.count, 2)
        XCTAssertGreaterThan(coverage[0], 0.5)
        XCTAssertEqual(coverage[0], coverage[1], accuracy: 1e-3)
    }

    func testGeographicAndGeocentricCRSAreRefused() throws {
        let dir = try CLI.temporaryDirectory(self)
        try write(dir, villages: Self.near)
        for crs in ["EPSG:4326", "+proj=longlat +datum=WGS84", "EPSG:4978", "EPSG:2227"] {
            let r = try analyze(dir, out: "out", extra: ["--crs", crs])
            XCTAssertEqual(r.status, 2, crs)
            XCTAssertTrue(r.stderr.contains("--crs \(crs) cannot measure lengths and areas"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
        }
        XCTAssertEqual(try analyze(dir, out: "out", extra: ["--crs", "EPSG:9217"]).status, 0)
    }

    func testTheWholeGlobeAndAPolarCapAreRefused() throws {
        let dir = try CLI.temporaryDirectory(self)
        let globe = #"{"type":"Feature","properties":{"id":"G","name":"Globe"},"geometry":{"type":"Polygon","coordinates":[[[-180,-89],[180,-89],[180,89],[-180,89],[-180,-89]]]}}"#
        try write(dir, villages: Self.near + [globe])
        var r = try analyze(dir, out: "out")
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: villages.geojson feature 2, field geometry: the polygon spans 360.0° of longitude and 178.0° of latitude; no planar CRS measures one wider or taller than 3.0° (about 330 km) accurately\n")
        let cap = #"{"type":"Feature","properties":{"id":"P","name":"Pole"},"geometry":{"type":"Polygon","coordinates":[[[0,89],[1,89],[1,90],[0,90],[0,89]]]}}"#
        try write(dir, villages: [cap] + Self.near)
        r = try analyze(dir, out: "out")
        XCTAssertEqual(r.stderr, "covgap: villages.geojson feature 0, field geometry: the polygon reaches latitude 90.0°; areas are measured in UTM zones, which cover 80°S to 84°N only\n")
        XCTAssertEqual(r.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }
}

/// A parsed JSON value as sorted-key JSON text, for comparing objects member by member.
func canonical(_ value: Any?) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: [value ?? NSNull()], options: [.sortedKeys, .fragmentsAllowed])
    return String(decoding: data, as: UTF8.self)
}
