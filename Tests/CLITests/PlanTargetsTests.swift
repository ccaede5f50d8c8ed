import Foundation
import XCTest

/// The plan's targets read from GeoData/binh-dinh/targets.json: the 2025 goals against this run's
/// figures, beside the 2024 baseline the plan gives.
final class PlanTargetsTests: XCTestCase {
    /// The gap table and the targets, as `covgap analyze` prints them on the bundled data.
    func testBundledTextTableIsTheGoldenOne() throws {
        let run = try BundledReport.run().result
        let golden = try String(contentsOf: CLI.fixtures.appendingPathComponent("good/bundled-table.txt"), encoding: .utf8)
        let table = String(run.stdout[..<run.stdout.range(of: "\nPlan\n")!.lowerBound]) + "\n"
        XCTAssertEqual(table, golden)
        // The plan's 2024 figures are the baseline; 100 % is the 2025 goal, not met.
        XCTAssertTrue(table.contains("  Mobile signal (villages with signal)    99.9 % (999/1000)        100.0 %    99.9 %         NOT MET: 1 village (Làng O2)\n"))
        XCTAssertTrue(table.contains("  Fixed broadband (villages with fibre)   99.2 % (992/1000)        100.0 %    99.2 %         NOT MET: 8 villages\n"))
    }

    func testReportListsEveryTargetWithValueGoalAndBaseline() throws {
        let data = try Data(contentsOf: try BundledReport.folder().appendingPathComponent("report.json"))
        let r = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let targets = r["targets"] as! [[String: Any]]
        XCTAssertEqual(targets.map { $0["id"] as! String }, ["mobile_villages", "fixed_villages", "mobile_centres", "fixed_centres",
                                                           "households_fixed", "places_5g", "speed_4g", "speed_5g", "speed_fixed"])
        let mobile = targets[0]
        XCTAssertEqual(mobile["value"] as? Double, 99.9)
        XCTAssertEqual(mobile["target"] as? Double, 100)
        XCTAssertEqual(mobile["met"] as? Bool, false)
        XCTAssertEqual((mobile["baseline"] as? [String: Any])?["value"] as? Double, 99.9)
        XCTAssertEqual(mobile["label_vi"] as? String, "Thôn, làng có sóng di động")
        XCTAssertEqual(targets[1]["value"] as? Double, 99.2)
        XCTAssertEqual((targets[1]["baseline"] as? [String: Any])?["value"] as? Double, 99.2)
        // The 159 commune centres all have signal and fibre (the 2024 status).
        for t in targets[2...3] {
            XCTAssertEqual(t["value"] as? Double, 100, "\(t)")
            XCTAssertEqual(t["met"] as? Bool, true, "\(t)")
        }
        // 384,237 of 384,892 households in villages with fibre.
        XCTAssertEqual(targets[4]["value"] as? Double, 99.8298)
        // The constructed speed tiles: 49 villages below the 4G floor, no 5G tests, fixed well above its floor.
        XCTAssertEqual(targets[6]["value"] as? Double, 49)
        XCTAssertEqual(targets[6]["met"] as? Bool, false)
        XCTAssertTrue(targets[7]["value"] is NSNull, "\(targets[7])")
        XCTAssertTrue(targets[7]["met"] is NSNull, "\(targets[7])")
        XCTAssertEqual(targets[8]["value"] as? Double, 570.99)
        XCTAssertEqual(targets[8]["met"] as? Bool, true)
        XCTAssertEqual(targets[5]["value"] as? Double, 66.6667)
        let inputs = r["inputs"] as! [String: Any]
        XCTAssertEqual((inputs["targets"] as? [String: Any])?["path"] as? String, "GeoData/binh-dinh/targets.json")
    }

    func testPlacesWithoutFiveGAreThoseOfTheRequiredCategories() throws {
        // 5G required at hospitals and airports only: report.json says which places count, and
        // check names only those without 5G (not the district centres or parks without it).
        let dir = try CLI.temporaryDirectory(self)
        let targets = dir.appendingPathComponent("targets.json")
        try #"{"targets":[{"id":"places_5g","label":"5G at hospitals and airports","figure":"places.5g_pct","comparison":">=","goal":100,"unit":"%","categories":["hospital","airport"]}]}"#
            .write(to: targets, atomically: true, encoding: .utf8)
        let b = CLI.root.appendingPathComponent("GeoData/binh-dinh").path
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["analyze", "--villages", "\(b)/villages.geojson", "--sites", "\(b)/sites.csv", "--places", "\(b)/places.geojson",
                             "--targets", targets.path, "--out", out.path, "--quiet", "--no-map", "--outputs", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        let places = report["priority_places"] as! [[String: Any]]
        XCTAssertEqual(places.count, 33)
        for p in places {
            let category = p["category"] as! String
            XCTAssertEqual(p["requires_5g"] as? Bool, ["hospital", "airport"].contains(category), "\(p)")
        }
        let required = places.filter { $0["requires_5g"] as! Bool }
        XCTAssertEqual(required.count, 6)
        let expected = required.filter { !($0["has_5g"] as! Bool) }.map { $0["id"] as! String }
        let without = places.filter { !($0["has_5g"] as! Bool) }.map { $0["id"] as! String }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertGreaterThan(without.count, expected.count, "places of other categories lack 5G too")
        let summary = (report["summary"] as! [String: Any])["places"] as! [String: Any]
        XCTAssertEqual(summary["total"] as? Double, 6)

        let check = try CLI.run(["check", out.appendingPathComponent("report.json").path, "--targets", targets.path])
        XCTAssertEqual(check.status, 1, check.stderr)
        let lines = check.stdout.split(separator: "\n").map(String.init)
        let i = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("  FAIL places_5g: places.5g_pct>=100") }, check.stdout)
        let named = lines[(i + 1)...].prefix { $0.hasPrefix("         ") }.map { String($0.split(separator: " ")[1]) }
        XCTAssertEqual(named, expected, check.stdout)
    }

    func testCheckTargetsFailsNamingO2AndTheEightVillages() throws {
        let r = try CLI.run(["check", try BundledReport.reportPath(), "--targets"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        func offenders(after header: String) -> [String] {
            guard let i = lines.firstIndex(where: { $0.hasPrefix(header) }) else { return [] }
            return lines[(i + 1)...].prefix { $0.hasPrefix("         ") }.map { String($0.split(separator: " ")[1]) }
        }
        XCTAssertEqual(offenders(after: "  FAIL mobile_villages: mobile.any_signal_pct>=100"), ["21790-01"])
        XCTAssertEqual(offenders(after: "  FAIL fixed_villages: fixed.available_pct>=100"), CheckCommandTests.noFibre)
        XCTAssertTrue(r.stdout.contains("village 21790-01 Làng O2 (Xã Vĩnh Kim, Huyện Vĩnh Thạnh): mobile uncovered"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  ok   mobile_centres: commune_centres.mobile_pct>=100: commune_centres.mobile_pct = 100\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  n/a  speed_5g: quality.5G.below<=0: no data in the report\n"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("5 of 8 checks failed.\n"), r.stdout)
        XCTAssertTrue(r.stderr.hasPrefix("covgap: check failed: mobile_villages: mobile.any_signal_pct>=100"), r.stderr)

        let json = try CLI.run(["check", try BundledReport.reportPath(), "--targets", "--format", "json"])
        XCTAssertEqual(json.status, 1)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((parsed["requirements"] as! [[String: Any]]).map { $0["expression"] as! String },
                       ["mobile_villages: mobile.any_signal_pct>=100", "fixed_villages: fixed.available_pct>=100",
                        "mobile_centres: commune_centres.mobile_pct>=100", "fixed_centres: commune_centres.fixed_pct>=100",
                        "households_fixed: households.fixed_available_pct>=100", "places_5g: places.5g_pct>=100",
                        "speed_4g: quality.4G.below<=0", "speed_fixed: quality.fixed.mean_mbps>=200"])
        XCTAssertEqual((parsed["targets_without_data"] as! [[String: Any]]).map { $0["id"] as! String }, ["speed_5g"])

        // The same targets from the file give the same verdict.
        let file = CLI.root.appendingPathComponent("GeoData/binh-dinh/targets.json").path
        let again = try CLI.run(["check", try BundledReport.reportPath(), "--targets", file])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stdout, r.stdout)
    }

    /// Another plan's file: the 2024 figures as goals are met, and the table and report say so.
    func testTargetsFileOfAnotherPlan() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let file = tmp.appendingPathComponent("plan.json")
        try Data("""
        {"goal_year": 2024, "targets": [
          {"id": "m", "label": {"en": "Mobile", "vi": "Di động"}, "figure": "mobile.covered_pct", "goal": 99.9},
          {"id": "f", "label": "Fibre gaps", "figure": "fixed.unavailable", "comparison": "<=", "goal": 8, "baseline": 20}
        ]}
        """.utf8).write(to: file)
        let out = tmp.appendingPathComponent("out")
        let r = try CLI.run(["analyze", "--targets", file.path, "--out", out.path, "--no-map"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Plan targets                              this run              2024 goal  baseline\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  Mobile                                  99.9 % (999/1000)     99.9 %     –              met\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  Fibre gaps                              8                     ≤ 8        20             met\n"), r.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        let targets = json["targets"] as! [[String: Any]]
        XCTAssertEqual(targets.map { $0["met"] as? Bool }, [true, true])
        let check = try CLI.run(["check", out.appendingPathComponent("report.json").path, "--targets"])
        XCTAssertEqual(check.status, 0, check.stdout)
    }

    func testBadTargetsFileIsRefusedNamingTargetAndField() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let cases: [(String, String)] = [
            (#"{"targets": [{"id": "a", "label": "A", "figure": "mobile.covered_pct"}]}"#, "targets[0], field goal: missing or not a number"),
            (#"{"targets": [{"id": "a", "label": "A", "figure": "mobile.covered", "goal": 1}, {"id": "b", "label": "B", "figure": "mobile.coverd_pct", "goal": 1}]}"#,
             "targets[1], field figure: \"mobile.coverd_pct\": unknown figure 'mobile.coverd_pct'"),
            (#"{"targets": [{"id": "a", "label": "A", "figure": "mobile.covered_pct", "goal": 1, "comparison": "=>"}]}"#,
             "targets[0], field comparison: \"=>\" is not one of"),
            (#"{"targets": [{"id": "a", "figure": "mobile.covered_pct", "goal": 1}]}"#, "targets[0], field label: missing"),
            (#"{"targets": {}}"#, "field targets: missing or not an array"),
        ]
        for (k, (text, message)) in cases.enumerated() {
            let file = tmp.appendingPathComponent("t\(k).json")
            try Data(text.utf8).write(to: file)
            let out = tmp.appendingPathComponent("out\(k)")
            let r = try CLI.run(["analyze", "--targets", file.path, "--out", out.path, "--no-map"])
            XCTAssertEqual(r.status, 2, text)
            XCTAssertTrue(r.stderr.hasPrefix("covgap: \(file.path) \(message)") || r.stderr.hasPrefix("covgap: \(file.path) \(message.replacingOccurrences(of: ", field", with: " field"))"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing written")
        }
    }
}
