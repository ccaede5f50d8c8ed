import Foundation
import XCTest

/// The bundled Bình Định dataset through `covgap analyze` with no flags and the flat model: every village
/// has mobile signal (Làng O2 too: only the relief hides it, see GeoData/binh-dinh/README.md), eight have
/// no fibre within reach, 22 of the 33 priority places have 5G.
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
        // The bundled run uses the bundled relief: every village has signal but Làng O2.
        let mobile = summary["mobile"] as! [String: Any]
        XCTAssertEqual(mobile["uncovered"] as? Int, 1)
        XCTAssertEqual(mobile["partial"] as? Int, 0)
        XCTAssertEqual(mobile["covered"] as? Int, n - 1)
        XCTAssertEqual(String(format: "%.1f", mobile["any_signal_pct"] as! Double), "99.9")
        let fixed = summary["fixed"] as! [String: Any]
        XCTAssertEqual(fixed["unavailable"] as? Int, 8)
        XCTAssertEqual(String(format: "%.1f", fixed["available_pct"] as! Double), "99.2")
        let propagation = (r["parameters"] as! [String: Any])["propagation"] as! [String: Any]
        XCTAssertEqual(propagation["model"] as? String, "terrain")
        XCTAssertEqual((propagation["dem"] as? [String: Any])?["path"] as? String, "GeoData/binh-dinh/dem.tif")

        let villages = r["villages"] as! [[String: Any]]
        // Làng O2 is dark because of the ridges: its best link is a tower beyond them, with the crest named.
        let o2 = try XCTUnwrap(villages.first { $0["name"] as? String == "Làng O2" && $0["commune"] as? String == "Xã Vĩnh Kim" })
        XCTAssertEqual(o2["id"] as? String, "21790-01")
        XCTAssertEqual(o2["mobile_status"] as? String, "uncovered")
        XCTAssertLessThan((o2["coverage"] as! [String: Double])["mobile"]!, 0.05)
        let link = try XCTUnwrap(o2["best_link"] as? [String: Any])
        XCTAssertGreaterThan(link["diffraction_db"] as! Double, 20, "\(link)")
        XCTAssertGreaterThan(link["path_loss_db"] as! Double, link["mapl_db"] as! Double)
        let crest = try XCTUnwrap(link["obstruction"] as? [String: Any])
        XCTAssertGreaterThan(crest["elevation_m"] as! Double, 900, "a ridge of the ring around the basin")
        for v in villages where v["id"] as? String != "21790-01" {
            XCTAssertEqual(v["mobile_status"] as? String, "covered", "\(v["id"]!) \(v["name"]!)")
        }
        let noFibre = villages.filter { ($0["fixed"] as? [String: Any])?["status"] as? String == "unavailable" }
        XCTAssertEqual(Set(noFibre.map { "\($0["name"]!) (\($0["commune"]!))" }), [
            "Thôn 1 (Xã An Vinh)", "Thôn 5 (Xã An Vinh)", "Thôn 6 (Xã An Quang)", "Thôn Canh Giao (Xã Canh Hiệp)",
            "Làng Canh Tiến (Xã Canh Liên)", "Làng Kà Bưng (Xã Canh Liên)", "Làng Cà Nâu (Xã Canh Liên)",
            "Làng O2 (Xã Vĩnh Kim)",
        ])
        // 3-9 km from fibre; every other village within 1 km.
        for v in noFibre { XCTAssertTrue((3000...9000).contains((v["fixed"] as! [String: Any])["distance_m"] as! Double), "\(v["name"]!)") }
        let others = villages.filter { ($0["fixed"] as? [String: Any])?["status"] as? String == "available" }
        XCTAssertEqual(others.count, n - 8)
        for v in others { XCTAssertLessThanOrEqual((v["fixed"] as! [String: Any])["distance_m"] as! Double, 1000) }

        // The gap list: the eight villages without fibre, Làng O2 without signal too.
        let gaps = r["gaps"] as! [[String: Any]]
        XCTAssertEqual(gaps.count, 8)
        XCTAssertEqual(Set(gaps.map { $0["id"] as! String }), Set(noFibre.map { $0["id"] as! String }))
        for g in gaps {
            XCTAssertEqual(g["short"] as? [String], g["id"] as? String == "21790-01" ? ["mobile_uncovered", "fixed_unavailable"] : ["fixed_unavailable"])
        }

        // Priority places: some with 5G, some without, and the table says which.
        let places = r["priority_places"] as! [[String: Any]]
        // (The commune centres are listed too, for their mobile signal and fibre; the plan asks 5G of the others.)
        let without = places.filter { $0["has_5g"] as? Bool == false && $0["category"] as? String != "commune_centre" }.map { $0["name"] as! String }
        XCTAssertEqual(without.count, 11)
        XCTAssertFalse(without.isEmpty)
        XCTAssertLessThan(without.count, places.count)
        XCTAssertTrue(without.contains("Cảng hàng không Phù Cát"))
        XCTAssertTrue(run.stdout.contains("Priority places without 5G (\(without.count))"))
        for name in without { XCTAssertTrue(run.stdout.contains(name), name) }

        // The human table.
        XCTAssertTrue(run.stdout.contains("Làng O2         mobile uncovered (3.0 % covered); fibre 4.6 km away"), run.stdout)
        XCTAssertFalse(run.stdout.contains("mobile partial"))
        XCTAssertTrue(run.stdout.contains("99.9 % (\(n - 1)/\(n))"), run.stdout)
        XCTAssertTrue(run.stdout.contains("99.2 % (\(n - 8)/\(n))"))
    }

    /// The same data with flat wedges: the towers beyond the ridges reach Làng O2, so it is the
    /// terrain, not the distance, that leaves it dark.
    func testTheFlatModelCoversLangO2() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["analyze", "--propagation", "fixed", "--no-map", "--quiet", "--out", tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try self.report(tmp)
        let mobile = (report["summary"] as! [String: Any])["mobile"] as! [String: Any]
        XCTAssertEqual(mobile["uncovered"] as? Int, 0)
        XCTAssertEqual(mobile["partial"] as? Int, 0)
        XCTAssertNil((report["parameters"] as! [String: Any])["propagation"], "the flat model records no radio model")
        let o2 = try XCTUnwrap((report["villages"] as! [[String: Any]]).first { $0["id"] as? String == "21790-01" })
        XCTAssertEqual(o2["mobile_status"] as? String, "covered")
        XCTAssertEqual((o2["coverage"] as! [String: Double])["mobile"], 1)
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
        XCTAssertEqual(kinds, ["village", "mobile_gap", "fibre_extension"], "Làng O2's mobile gap")

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
        // Decoded by hand: Foundation's String(contentsOf:) drops the byte-order mark.
        let csv = String(decoding: try Data(contentsOf: dir.appendingPathComponent("report.csv")), as: UTF8.self)
        let lines = csv.split(separator: "\n")
        // A byte-order mark for Excel, then each fraction beside its percentage.
        XCTAssertTrue(lines[0].hasPrefix("\u{FEFF}id,name,commune,district,households,area_m2,area_ha,mobile,mobile_pct,broadband,broadband_pct,2G,2G_pct,"))
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

    func testJSONFormatPrintsTheReportWhenOnlyTheTableIsWritten() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let table = tmp.appendingPathComponent("table"), json = tmp.appendingPathComponent("json")
        let r = try CLI.run(["analyze", "--outputs", "csv", "--format", "json", "--out", table.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: table.appendingPathComponent("report.json").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: table.appendingPathComponent("report.csv").path))
        let written = try CLI.run(["analyze", "--outputs", "json", "--quiet", "--out", json.path])
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertEqual(Data(r.stdout.utf8), try Data(contentsOf: json.appendingPathComponent("report.json")))
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
        XCTAssertTrue(svg.contains("#3f9e4d"), "covered villages are green in the picture")

        let again = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["map", dir.appendingPathComponent("report.json").path, "--out", again.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("report.html")), html)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("report.svg")), Data(svg.utf8))
    }

    /// Headless Chromium renders the bundled report: the legend is there, no JavaScript error;
    /// searching "O2" brings Làng O2 into view. (With the flat model no village is uncovered, so there
    /// is no uncovered red to count.)
    func testMapRendersInHeadlessChromium() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else {
            throw XCTSkip("chromium is not installed; Scripts/setup installs it")
        }
        let (dir, _) = try analyzeBundled()
        let page = dir.appendingPathComponent("report.html").path
        let check = CLI.root.appendingPathComponent("Scripts/map-check").path
        let overview = try CLI.runTool("/usr/bin/env", ["python3", check, page, "--min-red", "0"])
        XCTAssertEqual(overview.status, 0, overview.stdout + overview.stderr)
        // The page decoded every village, gap area and extension of report.geojson from its chunks.
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("report.geojson"))) as! [String: Any]
        let kinds = (geojson["features"] as! [[String: Any]]).map { ($0["properties"] as! [String: Any])["kind"] as! String }
        let counts = ["village", "mobile_gap", "fibre_extension"].map { k in kinds.filter { $0 == k }.count }
        XCTAssertEqual(counts[0], 1000)
        XCTAssertGreaterThan(counts[1], 10)
        let decoded = "decoded: \(counts[0]) villages, \(counts[1]) gap areas, "
        XCTAssertTrue(overview.stdout.contains(decoded), overview.stdout)
        XCTAssertTrue(overview.stdout.contains(" fibre routes, \(counts[2]) fibre extensions, "), overview.stdout)
        let o2 = try villageID(named: "Làng O2", in: dir)
        let search = try CLI.runTool("/usr/bin/env", ["python3", check, page, "--search", "O2", "--min-red", "0"])
        XCTAssertEqual(search.status, 0, search.stdout + search.stderr)
        XCTAssertTrue(search.stdout.contains("'\(o2)'"), search.stdout)
    }

    func villageID(named name: String, in dir: URL) throws -> String {
        let villages = try report(dir)["villages"] as! [[String: Any]]
        return try XCTUnwrap(villages.first { $0["name"] as? String == name }?["id"] as? String)
    }
}
