import Foundation
import XCTest

/// The same villages, sites, fibre and places in WGS 84, in VN-2000 / TM-3 108-15 (EPSG:9217) and in
/// VN-2000 / UTM 49N (EPSG:3406), made by Fixtures/crs/make.sh with ogr2ogr and cs2cs, give the same report.
final class InputCRSTests: XCTestCase {
    func analyze(_ set: String, _ extra: [String] = [], sites: String) throws -> [String: Any] {
        let tmp = try CLI.temporaryDirectory(self)
        let dir = set.isEmpty ? "" : "\(set)/"
        let r = try CLI.run(["analyze", "--villages", "\(dir)villages.geojson", "--sites", sites, "--fibre", "\(dir)fibre.geojson",
                             "--places", "\(dir)places.geojson", "--out", tmp.path, "--quiet"] + extra,
                            in: CLI.fixtures.appendingPathComponent("crs"))
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONSerialization.jsonObject(with: Data(contentsOf: tmp.appendingPathComponent("report.json"))) as! [String: Any]
    }

    func testProjectedInputsGiveTheSameReport() throws {
        let wgs = try analyze("", sites: "sites.csv")
        let villages = wgs["villages"] as! [[String: Any]]
        // The hand-built set: a village inside an omni 4G circle, one half covered by an east-facing
        // 3G sector, one out of reach; fibre near the first and third.
        XCTAssertEqual(villages.map { $0["mobile_status"] as! String }, ["covered", "partial", "uncovered"])
        XCTAssertEqual((villages[1]["coverage"] as! [String: Double])["mobile"]!, 0.5, accuracy: 1e-4)
        XCTAssertEqual(villages.map { ($0["fixed"] as! [String: Any])["status"] as! String }, ["available", "unavailable", "available"])

        // EPSG:9217: villages, fibre and places carry a legacy crs member; the sites do not and need --input-crs.
        let tm3 = try analyze("epsg9217", ["--input-crs", "EPSG:9217"], sites: "epsg9217/sites.geojson")
        // EPSG:3406: every file, the sites too, carries a crs member; no flag at all.
        let utm = try analyze("epsg3406", sites: "epsg3406/sites.geojson")
        for other in [tm3, utm] {
            XCTAssertEqual((other["parameters"] as! [String: Any])["crs"] as? String, "EPSG:32649")
            let vs = other["villages"] as! [[String: Any]]
            XCTAssertEqual(vs.map { $0["id"] as! String }, ["T-01", "T-02", "T-03"])
            XCTAssertEqual(vs.map { $0["mobile_status"] as! String }, villages.map { $0["mobile_status"] as! String })
            for (a, b) in zip(villages, vs) {
                let ca = a["coverage"] as! [String: Double], cb = b["coverage"] as! [String: Double]
                XCTAssertEqual(Set(ca.keys), Set(cb.keys))
                for (k, f) in ca { XCTAssertEqual(cb[k]!, f, accuracy: 1e-6, "\(a["id"]!) \(k)") }
                XCTAssertEqual(a["operators"] as! [String: Double], b["operators"] as! [String: Double])
                let fa = a["fixed"] as! [String: Any], fb = b["fixed"] as! [String: Any]
                XCTAssertEqual(fa["status"] as! String, fb["status"] as! String)
                XCTAssertEqual(fa["distance_m"] as! Double, fb["distance_m"] as! Double, accuracy: 0.01)
                XCTAssertEqual(a["area_m2"] as! Double, b["area_m2"] as! Double, accuracy: 0.05)
            }
            let places = { (r: [String: Any]) in (r["priority_places"] as! [[String: Any]]).map { $0["has_5g"] as! Bool } }
            XCTAssertEqual(places(other), [true, false])
            XCTAssertEqual(places(wgs), [true, false])
        }
    }

    func testLegacyCRSMemberIsHonoured() throws {
        // Without its crs member the projected file is refused as not lon/lat; with it, it is read.
        let tmp = try CLI.temporaryDirectory(self)
        let crs = CLI.fixtures.appendingPathComponent("crs")
        let text = try String(contentsOf: crs.appendingPathComponent("epsg3406/villages.geojson"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"crs\": { \"type\": \"name\", \"properties\": { \"name\": \"urn:ogc:def:crs:EPSG::3406\" } }"))
        let stripped = text.replacingOccurrences(of: "\"crs\": { \"type\": \"name\", \"properties\": { \"name\": \"urn:ogc:def:crs:EPSG::3406\" } },", with: "")
        let path = tmp.appendingPathComponent("villages.geojson").path
        try stripped.write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["analyze", "--villages", path, "--sites", "sites.csv", "--out", tmp.appendingPathComponent("a").path, "--quiet"], in: crs)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.hasPrefix("covgap: \(path) feature 0, field geometry: [273"), refused.stderr)
        XCTAssertTrue(refused.stderr.hasSuffix("is not a [lon, lat] position (is the file in another CRS? use --input-crs)\n"), refused.stderr)
        // The flag does what the member did.
        let flagged = try CLI.run(["analyze", "--villages", path, "--sites", "sites.csv", "--input-crs", "EPSG:3406",
                                   "--out", tmp.appendingPathComponent("b").path, "--quiet"], in: crs)
        XCTAssertEqual(flagged.status, 0, flagged.stderr)
        // A crs member wins over --input-crs: the EPSG:9217 files read correctly under --input-crs EPSG:3406.
        let member = try CLI.run(["analyze", "--villages", "epsg9217/villages.geojson", "--sites", "sites.csv", "--input-crs", "EPSG:3406",
                                  "--out", tmp.appendingPathComponent("c").path, "--quiet"], in: crs)
        XCTAssertEqual(member.status, 0, member.stderr)
    }

    func testSitesCSVIsAlwaysWGS84() throws {
        // lat/lon columns are degrees by definition: --input-crs does not apply to them, and
        // projected metres in them are refused with a hint.
        let tmp = try CLI.temporaryDirectory(self)
        let crs = CLI.fixtures.appendingPathComponent("crs")
        let csv = tmp.appendingPathComponent("sites.csv").path
        try "site_id,operator,lat,lon,tech\nVT-1,Viettel,1560018.908,570529.4245,4G\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["analyze", "--villages", "epsg9217/villages.geojson", "--sites", csv, "--input-crs", "EPSG:9217",
                             "--out", tmp.appendingPathComponent("o").path, "--quiet"], in: crs)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: \(csv) row 2, field lat: 1560018.908 is outside −90…90 (lat and lon are WGS 84 degrees, also with --input-crs; give projected sites as GeoJSON points)\n")
    }
}
