import Foundation
import XCTest

/// `--households` and `--speedtests` on the bundled data, and their bad files.
final class MeasurementsCLITests: XCTestCase {
    /// Village centres from the bundled report: Làng O2 (21790-01: no signal, no fibre), Thôn 1 of
    /// Xã An Vinh (21619-01: signal, no fibre) and Khu phố 1 of Thị trấn An Lão (21609-01: signal and fibre).
    static let o2 = (lat: 14.287635, lon: 108.768686), thon1 = (lat: 14.570363, lon: 108.771295), served = (lat: 14.620245, lon: 108.884357)

    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testHouseholdPointsAndSpeedTestsOnTheBundledData() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let households = try write("lat,lon,count\n\(Self.o2.lat),\(Self.o2.lon),40\n\(Self.thon1.lat),\(Self.thon1.lon),10\n\(Self.served.lat),\(Self.served.lon),50\n",
                                   "households.csv", in: tmp)
        var rows = ["lat,lon,download_mbps,upload_mbps,latency_ms,tech,operator"]
        for k in 0..<10 { rows.append("\(Self.served.lat + Double(k) * 1e-5),\(Self.served.lon),50,10,30,4G,Viettel") }
        for k in 0..<3 { rows.append("\(Self.o2.lat + Double(k) * 1e-5),\(Self.o2.lon),5,1,80,LTE,Viettel") }
        for k in 0..<12 { rows.append("\(Self.thon1.lat + Double(k) * 1e-5),\(Self.thon1.lon),150,50,10,fixed,VNPT") }
        let tests = try write(rows.joined(separator: "\n") + "\n", "tests.csv", in: tmp)
        let out = tmp.appendingPathComponent("out")
        let r = try CLI.run(["analyze", "--households", households, "--speedtests", tests, "--out", out.path, "--no-map"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        let summary = json["summary"] as! [String: Any]
        let h = summary["households"] as! [String: Any]
        XCTAssertEqual(h["source"] as? String, "points")
        XCTAssertEqual(h["total"] as? Double, 100)
        XCTAssertEqual(h["mobile_pct"] as? Double, 60)           // O2's 40 households have no signal
        XCTAssertEqual(h["fixed_available_pct"] as? Double, 50)  // nor have O2's and Thôn 1's fibre
        let q = summary["quality"] as! [String: [String: Any]]
        XCTAssertEqual(q["4G"]?["meets"] as? Double, 1)
        XCTAssertEqual(q["4G"]?["no_data"] as? Double, 1)
        XCTAssertEqual(q["4G"]?["mean_mbps"] as? Double, 39.62)  // (10·50 + 3·5) / 13
        XCTAssertEqual(q["fixed"]?["below"] as? Double, 1)
        XCTAssertEqual(q["fixed"]?["mean_mbps"] as? Double, 150)
        let villages = Dictionary(uniqueKeysWithValues: (json["villages"] as! [[String: Any]]).map { ($0["id"] as! String, $0) })
        XCTAssertEqual(villages["21790-01"]?["households_mobile_pct"] as? Double, 0)
        XCTAssertEqual(villages["21609-01"]?["households_fixed_pct"] as? Double, 100)
        XCTAssertEqual((villages["21619-01"]?["quality"] as? [String: [String: Any]])?["fixed"]?["status"] as? String, "below")
        XCTAssertEqual((villages["21790-01"]?["quality"] as? [String: [String: Any]])?["4G"]?["status"] as? String, "no_data")
        let checks = json["model_checks"] as! [[String: Any]]
        XCTAssertEqual(checks.map { $0["id"] as! String }, ["21790-01"])
        XCTAssertEqual(checks.first?["kind"] as? String, "tests_where_uncovered")
        XCTAssertTrue(r.stdout.contains("  Làng O2                       Xã Vĩnh Kim           3 mobile tests, but modelled uncovered\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  Households able to get fixed broadband  50.0 % of 100         100.0 %    –              NOT MET: 2 villages (Thôn 1, Làng O2)\n"), r.stdout)
        let header = try String(contentsOf: out.appendingPathComponent("report.csv"), encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(header.hasSuffix(",households_mobile_pct,households_fixed_pct,q_4g_mbps,q_4g_tests,q_4g_at_floor,q_4g_status,q_5g_mbps,q_5g_tests,q_5g_at_floor,q_5g_status,q_fixed_mbps,q_fixed_tests,q_fixed_at_floor,q_fixed_status"))

        // check reads the new figures.
        let report = out.appendingPathComponent("report.json").path
        let ok = try CLI.run(["check", report, "--require", "quality.4G.below<=0", "--require", "households.mobile_pct>=60"])
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        let fail = try CLI.run(["check", report, "--require", "households.fixed_available_pct>=100", "--require", "quality.fixed.mean_mbps>=200"])
        XCTAssertEqual(fail.status, 1)
        XCTAssertTrue(fail.stdout.contains("village 21619-01 Thôn 1 (Xã An Vinh, Huyện An Lão): fixed mean 150.0 Mb/s over 12 tests"), fail.stdout)

        // --status-by households: Làng O2's households have no signal (uncovered either way); the
        // villages without points keep the status of their area.
        let byHouseholds = try CLI.run(["analyze", "--households", households, "--status-by", "households", "--out", tmp.appendingPathComponent("o2").path, "--no-map", "--quiet"])
        XCTAssertEqual(byHouseholds.status, 0, byHouseholds.stderr)
    }

    func testOoklaTilesByQuadkeyAndCheckingCommuneCentres() throws {
        let tmp = try CLI.temporaryDirectory(self)
        // Two commune centres: one at a served village's centre, one at Làng O2's.
        let places = try write("""
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"CC-1","name":"UBND xã 1","category":"commune_centre"},"geometry":{"type":"Point","coordinates":[\(Self.served.lon),\(Self.served.lat)]}},
        {"type":"Feature","properties":{"id":"CC-2","name":"UBND xã Vĩnh Kim","category":"commune_centre"},"geometry":{"type":"Point","coordinates":[\(Self.o2.lon),\(Self.o2.lat)]}},
        {"type":"Feature","properties":{"id":"H-1","name":"Bệnh viện","category":"hospital"},"geometry":{"type":"Point","coordinates":[\(Self.served.lon),\(Self.served.lat)]}}]}
        """, "places.geojson", in: tmp)
        let bundled = CLI.root.appendingPathComponent("GeoData/binh-dinh").path
        let out = tmp.appendingPathComponent("out")
        let r = try CLI.run(["analyze", "--villages", "\(bundled)/villages.geojson", "--sites", "\(bundled)/sites.csv",
                             "--fibre", "\(bundled)/fibre.geojson", "--places", places, "--dem", "\(bundled)/dem.tif", "--out", out.path, "--no-map"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        let centres = (json["summary"] as! [String: Any])["commune_centres"] as! [String: Any]
        XCTAssertEqual(centres["total"] as? Double, 2)
        XCTAssertEqual(centres["mobile_pct"] as? Double, 50)
        XCTAssertEqual(centres["fixed_pct"] as? Double, 50)
        let placesOut = json["priority_places"] as! [[String: Any]]
        XCTAssertEqual(placesOut.map { $0["mobile_covered"] as? Bool }, [true, false, nil])
        XCTAssertEqual(placesOut.map { $0["fixed_available"] as? Bool }, [true, false, nil])
        // Only the hospital is asked for 5G.
        XCTAssertEqual(((json["summary"] as! [String: Any])["places"] as! [String: Any])["total"] as? Double, 1)
        XCTAssertTrue(r.stdout.contains("  Mobile signal at commune centres        50.0 % (1/2)          100.0 %    100.0 %        NOT MET: 1 centre (UBND xã Vĩnh Kim)\n"), r.stdout)
        let check = try CLI.run(["check", out.appendingPathComponent("report.json").path, "--require", "commune_centres.fixed_pct>=100"])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stdout.contains("place CC-2 UBND xã Vĩnh Kim: commune centre without fibre within reach"), check.stdout)
    }

    /// Bad files: the file, the row or feature and the field; exit 2; nothing written.
    func testBadHouseholdAndSpeedTestFilesAreRefused() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let cases: [(option: String, name: String, text: String, message: String)] = [
            ("--households", "h1.csv", "lat,lon,count\n14.3,108.7,2\n14.3,abc,1\n", "row 3, field lon: \"abc\" is not a number"),
            ("--households", "h2.csv", "lat,lon,count\n14.3,108.7,-2\n", "row 2, field count: -2 must be a non-negative number of households"),
            ("--households", "h3.csv", "latitude,lon\n14.3,108.7\n", "row 1, field lat: missing column"),
            ("--households", "h4.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[108.7,14.3]}},{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[108.7,14.3],[108.8,14.3]]}}]}"#,
             "feature 1, field geometry: LineString; a household is a Point"),
            ("--speedtests", "s1.csv", "quadkey,avg_d_kbps,avg_u_kbps,avg_lat_ms,tests,devices\n1323012231101033,50000,1,1,30,3\n13230122311010x3,1,1,1,1,1\n",
             "row 3, field quadkey: \"13230122311010x3\" is not a quadkey (digits 0–3)"),
            ("--speedtests", "s2.csv", "tile,avg_d_kbps,tests\n\"POLYGON((108.7 14.3, 108.71 14.3, 108.71 14.31, 108.7 14.3))\",50000,30\n\"POLYGON((108.7 14.3, 108.71 14.3))\",1,1\n",
             "row 3, field tile: not a WKT polygon: a ring needs at least 4 positions, got 2"),
            ("--speedtests", "s3.csv", "lat,lon,download_mbps,tech\n14.3,108.7,fast,4G\n", "row 2, field download_mbps: \"fast\" is not a number"),
            ("--speedtests", "s4.csv", "lat,lon,download_mbps,tech\n14.3,108.7,12,3G\n", "row 2, field tech: \"3G\" is not 4G, 5G or fixed"),
            ("--speedtests", "s5.csv", "lat,lon,speed\n14.3,108.7,12\n", "row 1, field download_mbps: missing"),
        ]
        for c in cases {
            let file = try write(c.text, c.name, in: tmp)
            let out = tmp.appendingPathComponent("out-\(c.name)")
            let r = try CLI.run(["analyze", c.option, file, "--out", out.path, "--no-map"])
            XCTAssertEqual(r.status, 2, "\(c.name): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("covgap: \(file) \(c.message)"), "\(c.name): \(r.stderr)")
            XCTAssertEqual(r.stdout, "")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(c.name): nothing written")
        }
    }
}
