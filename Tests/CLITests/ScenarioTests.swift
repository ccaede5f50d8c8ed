import Foundation
import XCTest

/// "What if": `--without-tech` and `--operators` on the bundled data, recorded in the report and shown by diff.
final class ScenarioTests: XCTestCase {
    func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func testSwitchingOff2GLosesSignalAndDiffListsTheVillages() throws {
        let dir = try CLI.temporaryDirectory(self)
        let base = try BundledReport.reportPath()
        let r = try CLI.run(["analyze", "--without-tech", "2G", "--no-map", "--out", dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("covgap — 1000 villages, working CRS EPSG:32649 — scenario: without 2G\n"), r.stdout)
        let report = try json(dir.appendingPathComponent("report.json"))
        let scenario = (report["parameters"] as! [String: Any])["scenario"] as! [String: Any]
        XCTAssertEqual(scenario["without_tech"] as? [String], ["2G"])
        XCTAssertTrue(scenario["operators"] is NSNull)
        let mobile = (report["summary"] as! [String: Any])["mobile"] as! [String: Any]
        let before = ((try json(URL(fileURLWithPath: base))["summary"] as! [String: Any])["mobile"] as! [String: Any])
        XCTAssertLessThan(mobile["covered_pct"] as! Double, before["covered_pct"] as! Double)
        // No 2G sector is counted: every village's 2G fraction is 0.
        for v in report["villages"] as! [[String: Any]] { XCTAssertEqual((v["coverage"] as! [String: Double])["2G"], 0) }

        let d = try CLI.run(["diff", base, dir.appendingPathComponent("report.json").path, "--format", "json"])
        XCTAssertEqual(d.status, 0, d.stderr)
        let diff = try JSONSerialization.jsonObject(with: Data(d.stdout.utf8)) as! [String: Any]
        let worse = (diff["villages"] as! [String: Any])["worse"] as! [[String: Any]]
        let lost = (before["covered"] as! Int) - (mobile["covered"] as! Int)
        XCTAssertGreaterThanOrEqual(worse.count, lost)
        XCTAssertGreaterThan(lost, 0)
        let text = try CLI.run(["diff", base, dir.appendingPathComponent("report.json").path])
        XCTAssertTrue(text.stdout.contains("Scenario: all operators and technologies → without 2G\n"), text.stdout)
    }

    func testOperatorsAreMatchedIgnoringCaseAndUnknownOnesRefused() throws {
        let dir = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["analyze", "--operators", "viettel", "--no-map", "--quiet", "--out", dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try json(dir.appendingPathComponent("report.json"))
        let scenario = (report["parameters"] as! [String: Any])["scenario"] as! [String: Any]
        XCTAssertEqual(scenario["operators"] as? [String], ["Viettel"])
        XCTAssertEqual(scenario["title"] as? String, "Viettel only")
        for v in report["villages"] as! [[String: Any]] {
            XCTAssertEqual(Array((v["operators"] as! [String: Double]).keys), ["Viettel"])
        }

        let bad = try CLI.run(["analyze", "--operators", "Viettel,Gtel", "--out", dir.appendingPathComponent("x").path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "covgap: --operators: no sector of operator \"Gtel\"; the sites have MobiFone, Vietnamobile, Viettel, VinaPhone\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path))
        let tech = try CLI.run(["analyze", "--without-tech", "6G"])
        XCTAssertEqual(tech.status, 2)
        XCTAssertTrue(tech.stderr.contains("--without-tech: unknown technology \"6G\"; use 2G, 3G, 4G or 5G"), tech.stderr)
    }
}
