import Foundation
import XCTest

final class DiffCommandTests: XCTestCase {
    func testDiffOfAKnownChange() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let edited = try CheckCommandTests.editedReport(in: tmp)
        let map = tmp.appendingPathComponent("changes.geojson").path
        let r = try CLI.run(["diff", try BundledReport.reportPath(), edited, "--geojson", map])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Villages: 1 worse, 1 better, 0 moved, 0 added, 0 removed\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("""
            Worse (1):
              21609-01  Khu phố 1 (Thị trấn An Lão, Huyện An Lão): mobile covered → partial; mobile 100.0 % → 60.0 %
            """), r.stdout)
        XCTAssertTrue(r.stdout.contains("""
            Better (1):
              21790-01  Làng O2 (Xã Vĩnh Kim, Huyện Vĩnh Thạnh): mobile uncovered → covered; mobile 3.0 % → 100.0 %
            """), r.stdout)

        // The map: the two villages' polygons from the bundled villages, with their change.
        let fc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: map))) as! [String: Any]
        XCTAssertEqual(fc["type"] as? String, "FeatureCollection")
        let features = fc["features"] as! [[String: Any]]
        let props = features.map { $0["properties"] as! [String: Any] }
        XCTAssertEqual(props.map { $0["id"] as! String }, ["21609-01", "21790-01"])
        XCTAssertEqual(props.map { $0["change"] as! String }, ["worse", "better"])
        XCTAssertEqual(props.map { $0["old_status"] as! String }, ["covered", "uncovered"])
        XCTAssertEqual(props.map { $0["new_status"] as! String }, ["partial", "covered"])
        XCTAssertEqual(features.map { ($0["geometry"] as! [String: Any])["type"] as! String }, ["Polygon", "Polygon"])
        // Khu phố 1's first vertex, as in GeoData/binh-dinh/villages.geojson.
        let ring = ((features[0]["geometry"] as! [String: Any])["coordinates"] as! [[[Double]]])[0]
        XCTAssertTrue(ring.contains([108.903874, 14.610786]))

        let json = try CLI.run(["diff", try BundledReport.reportPath(), edited, "--format", "json"])
        XCTAssertEqual(json.status, 0)
        let j = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let villages = j["villages"] as! [String: Any]
        XCTAssertEqual((villages["worse"] as! [[String: Any]]).map { $0["id"] as! String }, ["21609-01"])
        XCTAssertEqual((villages["better"] as! [[String: Any]]).map { $0["id"] as! String }, ["21790-01"])
    }

    func testSameReportHasNoChanges() throws {
        let report = try BundledReport.reportPath()
        let r = try CLI.run(["diff", report, report])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("Villages: 0 worse, 0 better, 0 moved, 0 added, 0 removed\n"))
        XCTAssertTrue(r.stdout.contains("Households with mobile signal: 384799 → 384799 (±0)\n"), r.stdout)
    }

    func testGeoJSONNeedsVillagesWhenTheReportIsNotFromTheBundledData() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let crs = CLI.fixtures.appendingPathComponent("crs")
        let out = tmp.appendingPathComponent("out").path
        XCTAssertEqual(try CLI.run(["analyze", "--villages", "villages.geojson", "--sites", "sites.csv", "--out", out, "--quiet"], in: crs).status, 0)
        let report = "\(out)/report.json"
        let r = try CLI.run(["diff", report, report, "--geojson", tmp.appendingPathComponent("m.geojson").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: --geojson needs --villages: \(report) was made from villages.geojson, not the bundled data\n")
    }
}
