import Foundation
import XCTest

/// `covgap plan` on the bundled Bình Định data, run as a subprocess of the built executable.
final class PlanCLITests: XCTestCase {
    /// The repository root, found from this file's path (Tests/CLITests/…).
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    var executable: URL { root.appendingPathComponent(".build/debug/covgap") }

    func covgap(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, stdout, String(decoding: stderr, as: UTF8.self))
    }

    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func json(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A copy of the bundled data without the sectors that reach Làng O2 (21790-01): with the flat
    /// model O2 is covered only by the towers beyond its ridges; without them it is dark, as the
    /// terrain model sees it.
    func darkO2Copy() throws -> (dir: URL, sites: URL, kept: [Substring], inputs: [String]) {
        let dir = try temporaryFolder()
        let data = root.appendingPathComponent("GeoData/binh-dinh")
        for name in ["villages.geojson", "fibre.geojson", "places.geojson"] {
            try FileManager.default.copyItem(at: data.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        // O2's centre; a sector goes when its disc comes within 1.8 km of it (the basin's radius).
        let villages = try json(try Data(contentsOf: data.appendingPathComponent("villages.geojson")))
        let o2Feature = try XCTUnwrap((villages["features"] as? [[String: Any]])?.first {
            ($0["properties"] as? [String: Any])?["id"] as? String == "21790-01" })
        let centre = try XCTUnwrap((o2Feature["properties"] as? [String: Any])?["center"] as? [Double])
        let lines = try String(contentsOf: data.appendingPathComponent("sites.csv"), encoding: .utf8).split(separator: "\n")
        let kx = 111_320 * cos(centre[1] * .pi / 180), ky = 110_700.0
        let kept = lines.filter { line in
            let f = line.split(separator: ",")
            guard let lat = Double(f[2]), let lon = Double(f[3]), let r = Double(f[7]) else { return true }
            return hypot((lon - centre[0]) * kx, (lat - centre[1]) * ky) > r + 1800
        }
        XCTAssertGreaterThanOrEqual(lines.count - kept.count, 27, "at least the three towers beyond the ridges, nine sectors each")
        let sites = dir.appendingPathComponent("sites.csv")
        try (kept.joined(separator: "\n") + "\n").write(to: sites, atomically: true, encoding: .utf8)
        return (dir, sites, kept, ["--villages", dir.appendingPathComponent("villages.geojson").path, "--sites", sites.path,
                                   "--fibre", dir.appendingPathComponent("fibre.geojson").path,
                                   "--places", dir.appendingPathComponent("places.geojson").path])
    }

    func testProposedSiteAppendedToSitesCSVCoversLangO2() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: executable.path), "build covgap first")
        let (dir, sites, kept, inputs) = try darkO2Copy()
        func analyze(_ folder: URL, inputs: [String]) throws -> [String: Any] {
            let run = try covgap(["analyze", "--out", folder.path, "--quiet"] + inputs)
            XCTAssertEqual(run.status, 0, run.stderr)
            return try json(try Data(contentsOf: folder.appendingPathComponent("report.json")))
        }
        let rows = dir.appendingPathComponent("new-sites.csv")
        // The towers beyond the ridges served more than O2: five new sites bring the valley back.
        let plan = try covgap(["plan", "--sites-csv-out", rows.path, "--format", "json", "--new-sites", "5"] + inputs)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let proposed = try String(contentsOf: rows, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(proposed.count, 6)
        XCTAssertEqual(proposed[0], "site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m")
        XCTAssertTrue(proposed[1].hasPrefix("NEW-01,Proposed,"), String(proposed[1]))
        let before = try analyze(dir.appendingPathComponent("before"), inputs: inputs)
        try ((kept + proposed.dropFirst()).joined(separator: "\n") + "\n").write(to: sites, atomically: true, encoding: .utf8)

        let after = try analyze(dir.appendingPathComponent("after"), inputs: inputs)
        func mobile(_ report: [String: Any]) -> [String: Any] { (report["summary"] as? [String: Any])?["mobile"] as? [String: Any] ?? [:] }
        func o2(_ report: [String: Any]) -> [String: Any]? {
            (report["villages"] as? [[String: Any]])?.first { $0["name"] as? String == "Làng O2" && $0["commune"] as? String == "Xã Vĩnh Kim" }
        }
        XCTAssertEqual(o2(before)?["mobile_status"] as? String, "uncovered")
        XCTAssertGreaterThan(try XCTUnwrap(mobile(after)["covered"] as? Int), try XCTUnwrap(mobile(before)["covered"] as? Int))
        XCTAssertEqual(o2(after)?["mobile_status"] as? String, "covered")

        // The plan's best predicted fraction for O2 (after the site that brings it back) is at most what the
        // analysis finds with all the new rows (a later site may add to it).
        let planJSON = try json(plan.stdout)
        let predictions = ((planJSON["new_sites"] as? [[String: Any]]) ?? []).compactMap { site in
            (site["villages"] as? [[String: Any]])?.first { $0["name"] as? String == "Làng O2" } }
        let predicted = try XCTUnwrap(predictions.max { ($0["mobile_after"] as? Double ?? 0) < ($1["mobile_after"] as? Double ?? 0) })
        let found = try XCTUnwrap((o2(after)?["coverage"] as? [String: Any])?["mobile"] as? Double)
        XCTAssertLessThanOrEqual(try XCTUnwrap(predicted["mobile_after"] as? Double), found + 1e-6)
        XCTAssertEqual(predicted["status_after"] as? String, "covered")
    }

    func testStraightExtensionsAgreeWithReportDistances() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: executable.path), "build covgap first")
        let dir = try temporaryFolder()
        let analyze = try covgap(["analyze", "--out", dir.path, "--quiet"])
        XCTAssertEqual(analyze.status, 0, analyze.stderr)
        let report = try json(try Data(contentsOf: dir.appendingPathComponent("report.json")))
        var distance: [String: Double] = [:]
        for v in report["villages"] as? [[String: Any]] ?? [] {
            if let f = v["fixed"] as? [String: Any], f["status"] as? String == "unavailable" {
                distance[v["id"] as! String] = f["distance_m"] as? Double
            }
        }
        XCTAssertEqual(distance.count, 8)

        let plan = try covgap(["plan", "--format", "json", "--new-sites", "0"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let extensions = try XCTUnwrap(try json(plan.stdout)["fibre_extensions"] as? [[String: Any]])
        XCTAssertEqual(Set(extensions.compactMap { $0["id"] as? String }), Set(distance.keys))
        for e in extensions {
            let id = e["id"] as! String
            XCTAssertEqual(try XCTUnwrap(e["straight_m"] as? Double), try XCTUnwrap(distance[id]), accuracy: 0.01, id)
            XCTAssertEqual(e["via"] as? String, "straight")
            XCTAssertEqual(try XCTUnwrap(e["cost_vnd"] as? Double), (e["length_m"] as! Double) / 1000 * 150_000_000, accuracy: 1_500)  // length_m is rounded to 1 cm
        }
        // Ranked by cost per household.
        let perHousehold = extensions.compactMap { $0["cost_per_household_vnd"] as? Double }
        XCTAssertEqual(perHousehold.count, 8)
        XCTAssertEqual(perHousehold, perHousehold.sorted())
    }

    func testGeoJSONHasTheSitePointAndItsFootprint() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: executable.path), "build covgap first")
        let run = try covgap(["plan", "--format", "geojson"] + (try darkO2Copy()).inputs)
        XCTAssertEqual(run.status, 0, run.stderr)
        let features = try XCTUnwrap(try json(run.stdout)["features"] as? [[String: Any]])
        func kind(_ f: [String: Any]) -> String? { (f["properties"] as? [String: Any])?["kind"] as? String }
        let site = try XCTUnwrap(features.first { kind($0) == "proposed_site" })
        let properties = try XCTUnwrap(site["properties"] as? [String: Any])
        let coordinates = try XCTUnwrap((site["geometry"] as? [String: Any])?["coordinates"] as? [Double])
        XCTAssertEqual(coordinates, [try XCTUnwrap(properties["lon"] as? Double), try XCTUnwrap(properties["lat"] as? Double)])
        XCTAssertEqual(features.filter { kind($0) == "proposed_footprint" }.count, 1)
        XCTAssertEqual((features.first { kind($0) == "proposed_footprint" }?["geometry"] as? [String: Any])?["type"] as? String, "Polygon")
        XCTAssertEqual(features.filter { kind($0) == "planned_fibre" }.count, 8)
    }

    func testBadOptionsExitWithUsageError() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: executable.path), "build covgap first")
        XCTAssertEqual(try covgap(["plan", "--tech", "6G"]).status, 2)
        XCTAssertEqual(try covgap(["plan", "--radius", "0"]).status, 2)
        let missing = try covgap(["plan", "--corridors", "/nonexistent/roads.geojson"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("roads.geojson"), missing.stderr)
    }
}
