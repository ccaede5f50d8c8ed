import Foundation
import XCTest

/// The bundled Bình Định dataset through `covgap analyze` with no flags: the province as the 2025 plan describes it.
final class BundledAnalysisTests: XCTestCase {
    func analyzeBundled() throws -> (dir: URL, result: CLI.Result) {
        let r = try BundledReport.run()
        return (r.folder, r.result)
    }

    func report(_ dir: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("report.json"))) as! [String: Any]
    }

    func testPlanFiguresAndTheNamedVillages() throws {
        let (dir, run) = try analyzeBundled()
        let r = try report(dir)
        let summary = r["summary"] as! [String: Any]
        let n = summary["villages"] as! Int
        XCTAssert((942...1066).contains(n), "\(n) villages")
        let mobile = summary["mobile"] as! [String: Any]
        XCTAssertEqual(mobile["uncovered"] as? Int, 1)
        XCTAssertEqual(mobile["partial"] as? Int, 0)
        XCTAssertEqual(String(format: "%.1f", mobile["covered_pct"] as! Double), "99.9")
        let fixed = summary["fixed"] as! [String: Any]
        XCTAssertEqual(fixed["unavailable"] as? Int, 8)
        XCTAssertEqual(String(format: "%.1f", fixed["available_pct"] as! Double), "99.2")

        let villages = r["villages"] as! [[String: Any]]
        let uncovered = villages.filter { $0["mobile_status"] as? String == "uncovered" }
        XCTAssertEqual(uncovered.map { "\($0["name"]!), \($0["commune"]!), \($0["district"]!)" },
                       ["Làng O2, Xã Vĩnh Kim, Huyện Vĩnh Thạnh"])
        XCTAssertEqual((uncovered[0]["coverage"] as! [String: Double])["mobile"], 0)
        let noFibre = villages.filter { ($0["fixed"] as? [String: Any])?["status"] as? String == "unavailable" }
        XCTAssertEqual(Set(noFibre.map { "\($0["name"]!) (\($0["commune"]!))" }), [
            "Thôn 1 (Xã An Vinh)", "Thôn 5 (Xã An Vinh)", "Thôn 6 (Xã An Quang)", "Thôn Canh Giao (Xã Canh Hiệp)",
            "Làng Canh Tiến (Xã Canh Liên)", "Làng Kà Bưng (Xã Canh Liên)", "Làng Cà Nâu (Xã Canh Liên)",
            "Làng O2 (Xã Vĩnh Kim)",
        ])
        for v in noFibre { XCTAssertGreaterThan((v["fixed"] as! [String: Any])["distance_m"] as! Double, 3000) }

        // The gap list: O2 first (uncovered), then the fibre gaps.
        let gaps = r["gaps"] as! [[String: Any]]
        XCTAssertEqual(gaps.count, 8)
        XCTAssertEqual(gaps[0]["name"] as? String, "Làng O2")
        XCTAssertEqual(gaps[0]["short"] as? [String], ["mobile_uncovered", "fixed_unavailable"])

        // Priority places: some with 5G, some without, and the table says which.
        let places = r["priority_places"] as! [[String: Any]]
        let without = places.filter { $0["has_5g"] as? Bool == false }.map { $0["name"] as! String }
        XCTAssertFalse(without.isEmpty)
        XCTAssertLessThan(without.count, places.count)
        XCTAssertTrue(without.contains("Cảng hàng không Phù Cát"))
        XCTAssertTrue(run.stdout.contains("Priority places without 5G (\(without.count))"))
        for name in without { XCTAssertTrue(run.stdout.contains(name), name) }

        // The human table.
        XCTAssertTrue(run.stdout.contains("Làng O2"))
        XCTAssertTrue(run.stdout.contains("mobile uncovered"))
        XCTAssertTrue(run.stdout.contains("99.9 % (\(n - 1)/\(n))"))
    }

    func testOutputsAreDeterministicAcrossRunsAndThreadCounts() throws {
        let (dir, _) = try analyzeBundled()
        let tmp = try CLI.temporaryDirectory(self)
        let one = tmp.appendingPathComponent("jobs1"), two = tmp.appendingPathComponent("jobs2")
        XCTAssertEqual(try CLI.run(["analyze", "--quiet", "--jobs", "1", "--out", one.path]).status, 0)
        XCTAssertEqual(try CLI.run(["analyze", "--quiet", "--jobs", "2", "--out", two.path], in: tmp).status, 0)
        for name in ["report.json", "report.geojson", "report.csv"] {
            let a = try Data(contentsOf: dir.appendingPathComponent(name))
            XCTAssertEqual(a, try Data(contentsOf: one.appendingPathComponent(name)), name)
            XCTAssertEqual(a, try Data(contentsOf: two.appendingPathComponent(name)), name)
        }
    }

    func testGeoJSONIsReadableByGDALWithCounterClockwiseShells() throws {
        let (dir, _) = try analyzeBundled()
        let path = dir.appendingPathComponent("report.geojson").path
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        XCTAssertNil(geojson["crs"])
        let features = geojson["features"] as! [[String: Any]]
        var shells = 0, holes = 0
        func signedArea(_ ring: [[Double]]) -> Double {
            zip(ring, ring.dropFirst()).reduce(0) { $0 + ($1.0[0] * $1.1[1] - $1.1[0] * $1.0[1]) } / 2
        }
        for f in features {
            let g = f["geometry"] as! [String: Any]
            let polygons: [[[[Double]]]]
            switch g["type"] as! String {
            case "Polygon": polygons = [g["coordinates"] as! [[[Double]]]]
            case "MultiPolygon": polygons = g["coordinates"] as! [[[[Double]]]]
            default: continue
            }
            for p in polygons {
                XCTAssertGreaterThan(signedArea(p[0]), 0, "exterior rings are counter-clockwise")
                shells += 1
                for h in p.dropFirst() { XCTAssertLessThan(signedArea(h), 0, "holes are clockwise"); holes += 1 }
            }
        }
        XCTAssertGreaterThan(shells, 1000)
        let kinds = Set(features.compactMap { ($0["properties"] as? [String: Any])?["kind"] as? String })
        XCTAssertEqual(kinds, ["village", "mobile_gap", "fibre_extension"])

        guard let ogrinfo = ["/usr/bin/ogrinfo", "/usr/local/bin/ogrinfo"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("ogrinfo (gdal-bin) is not installed; Scripts/setup installs it")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ogrinfo)
        p.arguments = ["-al", "-so", path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let warnings = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(warnings, "", "ogrinfo warned")
        XCTAssertTrue(text.contains("Feature Count: \(features.count)"), text)
        XCTAssertTrue(text.contains("WGS 84"), text)
    }

    func testCSVKeepsVietnameseNames() throws {
        let (dir, _) = try analyzeBundled()
        let csv = try String(contentsOf: dir.appendingPathComponent("report.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        // A byte-order mark for Excel, then each fraction beside its percentage.
        XCTAssertTrue(lines[0].hasPrefix("id,name,commune,district,households,area_m2,area_ha,mobile,mobile_pct,broadband,broadband_pct,2G,2G_pct,"), String(lines[0]))
        let o2 = try XCTUnwrap(lines.first { $0.contains(",Làng O2,") })
        XCTAssertTrue(o2.contains(",Làng O2,Xã Vĩnh Kim,Huyện Vĩnh Thạnh,"), String(o2))
        XCTAssertTrue(o2.contains(",uncovered,unavailable,"), String(o2))
        XCTAssertEqual(csv, csv.precomposedStringWithCanonicalMapping, "NFC throughout")
    }

    func testJSONFormatPrintsTheReport() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["analyze", "--format", "json", "--out", tmp.path])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(Data(r.stdout.utf8), try Data(contentsOf: tmp.appendingPathComponent("report.json")))
    }

    // MARK: The map

    func testMapIsSmallSelfContainedAndRedrawnIdentically() throws {
        let (dir, _) = try analyzeBundled()
        let html = try Data(contentsOf: dir.appendingPathComponent("report.html"))
        XCTAssertLessThan(html.count, 5_000_000)
        let text = String(decoding: html, as: UTF8.self)
        let withoutNamespace = text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        XCTAssertFalse(withoutNamespace.contains("http://") || withoutNamespace.contains("https://"), "no network access")
        XCTAssertFalse(text.contains("<script src") || text.contains("<link "), "no external scripts or styles")
        XCTAssertTrue(text.contains("Làng O2"))
        let svg = try String(contentsOf: dir.appendingPathComponent("report.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("#d7191c"), "the uncovered village is red in the picture")

        let again = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["map", dir.appendingPathComponent("report.json").path, "--out", again.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("report.html")), html)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("report.svg")), Data(svg.utf8))
    }

    /// Headless Chromium renders the bundled report: the uncovered village's red is on screen, the
    /// legend is there, no JavaScript error; searching "O2" brings Làng O2 into view.
    func testMapRendersInHeadlessChromium() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else {
            throw XCTSkip("chromium is not installed; Scripts/setup installs it")
        }
        let (dir, _) = try analyzeBundled()
        let page = dir.appendingPathComponent("report.html").path
        let check = CLI.root.appendingPathComponent("Scripts/map-check").path
        let overview = try CLI.runTool("/usr/bin/env", ["python3", check, page, "--min-red", "20"])
        XCTAssertEqual(overview.status, 0, overview.stdout + overview.stderr)
        let o2 = try villageID(named: "Làng O2", in: dir)
        let search = try CLI.runTool("/usr/bin/env", ["python3", check, page, "--search", "O2", "--min-red", "200"])
        XCTAssertEqual(search.status, 0, search.stdout + search.stderr)
        XCTAssertTrue(search.stdout.contains("'\(o2)'"), search.stdout)
    }

    func villageID(named name: String, in dir: URL) throws -> String {
        let villages = try report(dir)["villages"] as! [[String: Any]]
        return try XCTUnwrap(villages.first { $0["name"] as? String == name }?["id"] as? String)
    }
}
