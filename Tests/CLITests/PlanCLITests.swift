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

    func testProposedSiteAppendedToSitesCSVCoversLangO2() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: executable.path), "build covgap first")
        let dir = try temporaryFolder()
        let rows = dir.appendingPathComponent("new-sites.csv")
        let plan = try covgap(["plan", "--sites-csv-out", rows.path, "--format", "json"])
        XCTAssertEqual(plan.status, 0, plan.stderr)

        // A copy of the bundled data with the proposed row appended to sites.csv.
        let data = root.appendingPathComponent("GeoData/binh-dinh")
        for name in ["villages.geojson", "sites.csv", "fibre.geojson", "places.geojson"] {
            try FileManager.default.copyItem(at: data.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let proposed = try String(contentsOf: rows, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(proposed.count, 2)
        XCTAssertEqual(proposed[0], "site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m")
        XCTAssertTrue(proposed[1].hasPrefix("NEW-01,Proposed,"), String(proposed[1]))
        let sites = dir.appendingPathComponent("sites.csv")
        var original = try String(contentsOf: sites, encoding: .utf8)
        if !original.hasSuffix("\n") { original += "\n" }
        // The bundled sheet has one column more (environment): left empty, the default the plan assumed.
        let columns = original.prefix { $0 != "\n" }.split(separator: ",").count
        try (original + proposed[1] + String(repeating: ",", count: columns - 8) + "\n").write(to: sites, atomically: true, encoding: .utf8)

        func analyze(_ folder: URL, inputs: URL?) throws -> [String: Any] {
            var args = ["analyze", "--out", folder.path, "--quiet"]
            if let inputs {
                args += ["--villages", inputs.appendingPathComponent("villages.geojson").path, "--sites", inputs.appendingPathComponent("sites.csv").path,
                         "--fibre", inputs.appendingPathComponent("fibre.geojson").path, "--places", inputs.appendingPathComponent("places.geojson").path,
                         "--dem", data.appendingPathComponent("dem.tif").path]
            }
            let run = try covgap(args)
            XCTAssertEqual(run.status, 0, run.stderr)
            return try json(try Data(contentsOf: folder.appendingPathComponent("report.json")))
        }
        let before = try analyze(dir.appendingPathComponent("before"), inputs: nil)
        let after = try analyze(dir.appendingPathComponent("after"), inputs: dir)
        func mobile(_ report: [String: Any]) -> [String: Any] { (report["summary"] as? [String: Any])?["mobile"] as? [String: Any] ?? [:] }
        func o2(_ report: [String: Any]) -> [String: Any]? {
            (report["villages"] as? [[String: Any]])?.first { $0["name"] as? String == "Làng O2" && $0["commune"] as? String == "Xã Vĩnh Kim" }
        }
        XCTAssertEqual(mobile(before)["covered"] as? Int, 999)
        XCTAssertEqual(o2(before)?["mobile_status"] as? String, "uncovered")
        XCTAssertEqual(mobile(after)["covered"] as? Int, 1000)
        XCTAssertEqual(o2(after)?["mobile_status"] as? String, "covered")

        // The plan's predicted fraction for O2 is what the analysis finds with the new row (whose
        // radius, the link budget's reach, is written in whole metres).
        let planJSON = try json(plan.stdout)
        let site = try XCTUnwrap((planJSON["new_sites"] as? [[String: Any]])?.first)
        let predicted = try XCTUnwrap((site["villages"] as? [[String: Any]])?.first { $0["name"] as? String == "Làng O2" })
        let found = try XCTUnwrap((o2(after)?["coverage"] as? [String: Any])?["mobile"] as? Double)
        XCTAssertEqual(try XCTUnwrap(predicted["mobile_after"] as? Double), found, accuracy: 1e-4)
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
        let run = try covgap(["plan", "--format", "geojson"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let features = try XCTUnwrap(try json(run.stdout)["features"] as? [[String: Any]])
        func kind(_ f: [String: Any]) -> String? { (f["properties"] as? [String: Any])?["kind"] as? String }
        let site = try XCTUnwrap(features.first { kind($0) == "proposed_site" })
        let properties = try XCTUnwrap(site["properties"] as? [String: Any])
        let coordinates = try XCTUnwrap((site["geometry"] as? [String: Any])?["coordinates"] as? [Double])
        XCTAssertEqual(coordinates, [try XCTUnwrap(properties["lon"] as? Double), try XCTUnwrap(properties["lat"] as? Double)])
        XCTAssertEqual(features.filter { kind($0) == "proposed_footprint" }.count, 1)
        // Drawn by the terrain model: the basin and the slopes it sees, in pieces where ridges cut it.
        XCTAssertEqual((features.first { kind($0) == "proposed_footprint" }?["geometry"] as? [String: Any])?["type"] as? String, "MultiPolygon")
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
