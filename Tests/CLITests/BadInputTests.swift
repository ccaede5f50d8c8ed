import Foundation
import XCTest

/// The catalogue of bad inputs (Tests/CLITests/Fixtures/bad): each run as a user would, with what
/// covgap must do about it. An error exits 2 with one line on standard error naming the file, the
/// feature or row and the field, and creates or replaces no output file.
final class BadInputTests: XCTestCase {
    static let goodVillages = "good/villages.geojson"
    static let goodSites = "good/sites.csv"

    /// Runs `analyze` on the inputs twice: into a folder that does not exist (it must not be
    /// created) and into one holding a previous report (it must not change); both must fail with
    /// exactly `message` on standard error and exit status 2.
    func assertRefused(villages: String = goodVillages, sites: String = goodSites, _ message: String,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let root = try CovgapProcess.temporaryDirectory("covgap-bad")
        defer { try? FileManager.default.removeItem(at: root) }
        let fresh = root.appendingPathComponent("new-out")
        let r = try CovgapProcess.run(["analyze", "--villages", villages, "--sites", sites, "--out", fresh.path, "--quiet"])
        XCTAssertEqual(r.status, 2, "exit status for \(villages) + \(sites)", file: file, line: line)
        XCTAssertEqual(r.stderr, "covgap: " + message + "\n", file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.path), "\(fresh.path) was created", file: file, line: line)

        let previous = root.appendingPathComponent("previous-out")
        let good = try CovgapProcess.run(["analyze", "--villages", Self.goodVillages, "--sites", Self.goodSites, "--out", previous.path, "--quiet"])
        XCTAssertEqual(good.status, 0, good.stderr, file: file, line: line)
        let before = try XCTUnwrap(folderSnapshot(previous))
        XCTAssertEqual(before.keys.sorted(), CLI.reportFiles, file: file, line: line)
        let again = try CovgapProcess.run(["analyze", "--villages", villages, "--sites", sites, "--out", previous.path, "--quiet"])
        XCTAssertEqual(again.status, 2, file: file, line: line)
        XCTAssertEqual(folderSnapshot(previous), before, "the previous report changed", file: file, line: line)
    }

    // MARK: Files that cannot be read as GeoJSON

    func testMissingFile() throws {
        try assertRefused(villages: "bad/no-such-file.geojson", "bad/no-such-file.geojson: cannot open: No such file or directory")
        try assertRefused(sites: "bad/no-such-file.csv", "bad/no-such-file.csv: cannot open: No such file or directory")
    }

    func testEmptyVillagesFile() throws {
        try assertRefused(villages: "bad/villages-empty.geojson", "bad/villages-empty.geojson: the file is empty; it must hold a GeoJSON FeatureCollection")
    }

    func testNotJSON() throws {
        try assertRefused(villages: "bad/not-json.geojson",
                          "bad/not-json.geojson line 1, column 1: the file is not JSON (expected a JSON value, found 'i'); a GeoJSON FeatureCollection starts with '{'")
    }

    func testJSONThatIsNotAFeatureCollection() throws {
        try assertRefused(villages: "bad/feature-not-collection.geojson",
                          "bad/feature-not-collection.geojson: expected a GeoJSON FeatureCollection, found a Feature")
    }

    // MARK: Villages' features

    func testNullGeometry() throws {
        try assertRefused(villages: "bad/null-geometry.geojson",
                          "bad/null-geometry.geojson feature 1, field geometry: null; a village needs a Polygon or MultiPolygon")
    }

    func testGeometryOfTheWrongType() throws {
        try assertRefused(villages: "bad/line-village.geojson",
                          "bad/line-village.geojson feature 1, field geometry: a LineString; a village must be a Polygon or MultiPolygon")
    }

    func testCoordinateOutOfRange() throws {
        try assertRefused(villages: "bad/out-of-range.geojson",
                          "bad/out-of-range.geojson feature 1, field geometry: [208.91, 14.31] is not a [lon, lat] position (is the file in another CRS? use --input-crs)")
    }

    func testLatitudeAndLongitudeSwappedInGeoJSON() throws {
        try assertRefused(villages: "bad/swapped.geojson",
                          "bad/swapped.geojson feature 1, field geometry: [14.3, 108.9] is not a [lon, lat] position (latitude and longitude swapped? GeoJSON puts longitude first)")
    }

    func testNaNAndInfinityInGeoJSON() throws {
        // Python's json module and JavaScript write these; JSON has no such numbers.
        try assertRefused(villages: "bad/nan.geojson",
                          "bad/nan.geojson feature 1, field geometry: coordinate x is NaN, which JSON does not allow; every coordinate must be a finite number")
        try assertRefused(villages: "bad/infinity.geojson",
                          "bad/infinity.geojson feature 1, field geometry: coordinate y is Infinity, which JSON does not allow; every coordinate must be a finite number")
        try assertRefused(villages: "bad/huge-number.geojson",
                          "bad/huge-number.geojson feature 0, field geometry: coordinate y: the number 1e999 is too large")
    }

    func testDuplicateVillageIDs() throws {
        try assertRefused(villages: "bad/duplicate-id.geojson",
                          "bad/duplicate-id.geojson feature 1, field id: \"VK-01\" is used again (first by feature 0); village ids must be unique")
    }

    func testMissingVillageName() throws {
        try assertRefused(villages: "bad/missing-name.geojson",
                          "bad/missing-name.geojson feature 1, field name: missing; every village needs a name")
    }

    // MARK: Sites

    func testEmptySitesFileIsAnError() throws {
        // A 0-byte file is a failed export far more often than a province without towers; a header
        // row alone says "no sites" on purpose (testHeaderOnlySitesFile).
        try assertRefused(sites: "bad/sites-empty.csv", "bad/sites-empty.csv: the file is empty; it needs a header row naming the columns")
    }

    func testMissingRequiredColumns() throws {
        try assertRefused(sites: "bad/sites-missing-columns.csv",
                          "bad/sites-missing-columns.csv row 1, field lat, lon: missing columns (rename y → lat, x → lon); the header has site_id,operator,y,x,tech")
    }

    func testRowWithTooFewOrTooManyFields() throws {
        try assertRefused(sites: "bad/sites-too-few-fields.csv",
                          "bad/sites-too-few-fields.csv row 3, field radius_m: missing: the row has 7 fields, the header has 8")
        try assertRefused(sites: "bad/sites-too-many-fields.csv",
                          "bad/sites-too-many-fields.csv row 3: the row has 9 fields, the header has 8 (a comma inside a field needs the field in double quotes)")
    }

    func testLatitudeAndLongitudeSwappedInCSV() throws {
        try assertRefused(sites: "bad/sites-swapped.csv", "bad/sites-swapped.csv row 3, field lat: 108.805 is outside −90…90 (lat and lon swapped?)")
    }

    func testNaNAndInfinityInCSV() throws {
        try assertRefused(sites: "bad/sites-nan.csv", "bad/sites-nan.csv row 3, field lat: \"nan\" is not a finite number")
        try assertRefused(sites: "bad/sites-inf.csv", "bad/sites-inf.csv row 3, field lon: \"inf\" is not a finite number")
    }

    func testUnknownTech() throws {
        try assertRefused(sites: "bad/sites-unknown-tech.csv",
                          "bad/sites-unknown-tech.csv row 3, field tech: \"6G\" is not a known technology (2G, 3G, 4G, 5G, GSM, UMTS, LTE, NR, with or without a band: GSM900, LTE1800, 5G NR…)")
    }

    func testNegativeRadiusAndZeroBeamwidth() throws {
        try assertRefused(sites: "bad/sites-negative-radius.csv", "bad/sites-negative-radius.csv row 3, field radius_m: -500 must be greater than 0 metres")
        try assertRefused(sites: "bad/sites-zero-beamwidth.csv",
                          "bad/sites-zero-beamwidth.csv row 3, field beamwidth: 0° must be greater than 0° (leave azimuth and beamwidth empty for an omnidirectional antenna)")
    }

    // MARK: Text that is not UTF-8

    func testLegacyVietnameseEncodingsAreNamed() throws {
        // The same two villages as good/villages.geojson, saved by old Vietnamese software.
        try assertRefused(villages: "bad/villages-tcvn3.geojson",
                          "bad/villages-tcvn3.geojson line 2, column 55: the file is not UTF-8 (it looks like TCVN3); convert it to UTF-8")
        try assertRefused(villages: "bad/villages-vni.geojson",
                          "bad/villages-vni.geojson line 2, column 56: the file is not UTF-8 (it looks like VNI); convert it to UTF-8")
        try assertRefused(villages: "bad/villages-utf16.geojson", "bad/villages-utf16.geojson: the file is UTF-16; save it as UTF-8")
        try assertRefused(sites: "bad/sites-tcvn3.csv",
                          "bad/sites-tcvn3.csv line 2, column 8: the file is not UTF-8 (it looks like TCVN3); convert it to UTF-8")
    }

    // MARK: Inputs that are repaired or read with a warning

    /// Runs analyze into a fresh folder; returns the outcome and the folder.
    func analyze(villages: String = goodVillages, sites: String = goodSites) throws -> (CovgapProcess.Outcome, URL) {
        let out = try CovgapProcess.temporaryDirectory("covgap-out")
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        return (try CovgapProcess.run(["analyze", "--villages", villages, "--sites", sites, "--out", out.path, "--quiet"]), out)
    }

    func testAzimuthOutsideTheCircleIsNormalisedWithAWarning() throws {
        let (r, out) = try analyze(sites: "bad/sites-azimuth-400.csv")
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "covgap: warning: bad/sites-azimuth-400.csv row 2, field azimuth: 400° is outside 0–360; read as 40°\n")
        // The same sector written with azimuth 40 gives the same coverage, figure for figure.
        let forty = try CovgapProcess.temporaryDirectory("covgap-sites")
        defer { try? FileManager.default.removeItem(at: forty) }
        let sites40 = forty.appendingPathComponent("sites.csv")
        try String(contentsOf: CovgapProcess.fixtures.appendingPathComponent("bad/sites-azimuth-400.csv"), encoding: .utf8)
            .replacingOccurrences(of: ",400,", with: ",40,").write(to: sites40, atomically: true, encoding: .utf8)
        let (r40, out40) = try analyze(sites: sites40.path)
        XCTAssertEqual(r40.stderr, "")
        let v400 = try villagesOf(try reportJSON(out)), v40 = try villagesOf(try reportJSON(out40))
        XCTAssertEqual(NSArray(array: v400), NSArray(array: v40))
        XCTAssertEqual(v400.first?["mobile_status"] as? String, "partial")
    }

    func testHeaderOnlySitesFileLeavesEveryVillageUncovered() throws {
        let (r, out) = try analyze(sites: "bad/sites-header-only.csv")
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "covgap: warning: the sites file has no sectors: every village is uncovered\n")
        let report = try reportJSON(out)
        XCTAssertEqual(try villagesOf(report).map { $0["mobile_status"] as? String }, ["uncovered", "uncovered"])
        let mobile = try XCTUnwrap((report["summary"] as? [String: Any])?["mobile"] as? [String: Any])
        XCTAssertEqual(mobile["uncovered"] as? Int, 2)
        XCTAssertEqual(mobile["covered_pct"] as? Double, 0)
        let inputs = try XCTUnwrap(report["inputs"] as? [String: Any])
        XCTAssertEqual((inputs["sites"] as? [String: Any])?["count"] as? Int, 0)
        let csv = try String(contentsOf: out.appendingPathComponent("report.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 3)
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.geojson"))) as? [String: Any]
        XCTAssertEqual(geojson?["type"] as? String, "FeatureCollection")
    }

    func testNamesInNFDComeOutInNFC() throws {
        let (r, out) = try analyze(villages: "bad/nfd-names.geojson")
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "")
        let raw = try Data(contentsOf: CovgapProcess.fixtures.appendingPathComponent("bad/nfd-names.geojson"))
        XCTAssertNotNil(raw.range(of: Data("O\u{0302}".utf8)), "the fixture must really be NFD")
        let first = try XCTUnwrap(try villagesOf(try reportJSON(out)).first)
        // Compare bytes: Swift's String equality would call NFD and NFC equal.
        XCTAssertEqual(Array((first["name"] as? String ?? "").utf8), Array("L\u{00E0}ng \u{00D4} R\u{00F4}".utf8))
        XCTAssertEqual(Array((first["commune"] as? String ?? "").utf8), Array("X\u{00E3} V\u{0129}nh Kim".utf8))
        for name in ["report.json", "report.csv", "report.geojson"] {
            let bytes = try Data(contentsOf: out.appendingPathComponent(name))
            // U+0300…U+036F, the combining marks of NFD text, are 0xCC 0x80…0xCD 0xAF in UTF-8.
            let combining = zip(bytes, bytes.dropFirst()).contains { ($0 == 0xCC && $1 >= 0x80) || ($0 == 0xCD && $1 <= 0xAF) }
            XCTAssertFalse(combining, "\(name) holds a combining mark")
        }
        // Decoded by hand: Foundation's String(contentsOf:) drops the byte-order mark.
        let csv = String(decoding: try Data(contentsOf: out.appendingPathComponent("report.csv")), as: UTF8.self)
        XCTAssertTrue(csv.hasPrefix("\u{FEFF}id,name,"))
        XCTAssertNotNil(Data(csv.utf8).range(of: Data("VK-01,L\u{00E0}ng \u{00D4} R\u{00F4},X\u{00E3} V\u{0129}nh Kim,".utf8)))
    }

    func testSelfIntersectingVillageIsRepairedWarnedAndAnalysed() throws {
        let (r, out) = try analyze(villages: "bad/self-intersecting.geojson")
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr,
                       "covgap: warning: village 1 (id VK-02): invalid polygon (Self-intersection at [108.905, 14.305]) repaired; its area is now 59.71 ha\n")
        let v = try villagesOf(try reportJSON(out))
        XCTAssertEqual(v.map { $0["id"] as? String }, ["VK-01", "VK-02"])
        // Two triangles, each a quarter of the 0.01° square (119.4 ha).
        XCTAssertEqual(v[1]["area_m2"] as? Double ?? 0, 597_100, accuracy: 200)
        XCTAssertEqual(v[1]["mobile_status"] as? String, "uncovered")
    }

    func testZeroAreaVillageIsWarnedAndUncovered() throws {
        let (r, out) = try analyze(villages: "bad/zero-area.geojson")
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "covgap: warning: village 1 (id VK-02): the polygon has no area; it counts as uncovered\n")
        let v = try villagesOf(try reportJSON(out))
        XCTAssertEqual(v[1]["area_m2"] as? Double, 0)
        XCTAssertEqual(v[1]["mobile_status"] as? String, "uncovered")
        XCTAssertEqual((v[1]["coverage"] as? [String: Any])?["mobile"] as? Double, 0)
        XCTAssertEqual(v[0]["mobile_status"] as? String, "covered")
    }
}
