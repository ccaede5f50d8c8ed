import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `covgap check` on the bundled Bình Định report (1,000 villages; Làng O2 without mobile signal,
/// eight villages without fibre, 22 of 33 priority places with 5G).
final class CheckCommandTests: XCTestCase {
    static let noFibre = ["21619-01", "21619-05", "21631-06", "21790-01", "21997-01", "21997-02", "21997-04", "22000-01"]

    func testRequirementsThatHoldExitZero() throws {
        let r = try CLI.run(["check", try BundledReport.reportPath(), "--require", "mobile.covered_pct>=99.9",
                             "--require", "mobile.uncovered<=1", "--require", "fixed.unavailable==8",
                             "--require", "commune[vinh kim].mobile.uncovered==1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("  ok   mobile.covered_pct>=99.9: mobile.covered_pct = 99.9\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  ok   commune[vinh kim].mobile.uncovered==1: mobile.uncovered in Xã Vĩnh Kim, Huyện Vĩnh Thạnh = 1\n"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("All 4 checks hold.\n"))
        XCTAssertEqual(r.stderr, "")
    }

    func testFailingRequirementExitsOneAndListsTheOffenders() throws {
        let r = try CLI.run(["check", try BundledReport.reportPath(), "--require", "fixed.available_pct>=100",
                             "--require", "mobile.covered_pct>=99"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("  FAIL fixed.available_pct>=100: fixed.available_pct = 99.2 (needs >= 100)\n"), r.stdout)
        let listed = r.stdout.split(separator: "\n").filter { $0.hasPrefix("         village ") }
            .map { $0.split(separator: " ")[1] }.map(String.init)
        XCTAssertEqual(listed, Self.noFibre)
        XCTAssertTrue(r.stdout.contains("village 21790-01 Làng O2 (Xã Vĩnh Kim, Huyện Vĩnh Thạnh): no fibre"))
        XCTAssertTrue(r.stdout.hasSuffix("1 of 2 checks failed.\n"))
        XCTAssertEqual(r.stderr, "covgap: check failed: fixed.available_pct>=100 (fixed.available_pct = 99.2 (needs >= 100))\n")
    }

    func testDistrictRequirementListsOnlyItsVillages() throws {
        let r = try CLI.run(["check", try BundledReport.reportPath(), "--require", "district[huyen an lao].fixed.available_pct>=100",
                             "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let req = (json["requirements"] as! [[String: Any]])[0]
        XCTAssertEqual(req["scope"] as? String, "Huyện An Lão")
        XCTAssertEqual(req["holds"] as? Bool, false)
        XCTAssertEqual((req["offenders"] as! [[String: Any]]).map { $0["id"] as! String }, ["21619-01", "21619-05", "21631-06"])
    }

    func testMalformedExpressionExitsTwoShowingTheColumn() throws {
        let r = try CLI.run(["check", try BundledReport.reportPath(), "--require", "mobile.covered_pct>>99"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, """
            covgap: --require 'mobile.covered_pct>>99': expected a number at column 20
              mobile.covered_pct>>99
                                 ^

            """)
    }

    func testUnknownFigureExitsTwoListingTheValidNames() throws {
        let r = try CLI.run(["check", try BundledReport.reportPath(), "--require", "mobile.coverage>=99"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("covgap: --require 'mobile.coverage>=99': unknown figure 'mobile.coverage' at column 1\n"), r.stderr)
        XCTAssertTrue(r.stderr.contains("fixed.{available,unavailable,available_pct}"))
        XCTAssertTrue(r.stderr.contains("places.{total,with_5g,5g_pct}"))
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try CLI.run(["check", try BundledReport.reportPath()]).status, 2)
        let missing = try CLI.run(["check", "/nonexistent/report.json", "--require", "mobile.covered_pct>=1"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "covgap: /nonexistent/report.json: cannot open: No such file or directory\n")
        let notReport = try CLI.run(["check", "GeoData/binh-dinh/places.geojson", "--require", "mobile.covered_pct>=1"])
        XCTAssertEqual(notReport.status, 2)
        XCTAssertEqual(notReport.stderr, "covgap: GeoData/binh-dinh/places.geojson: not a covgap report.json (no schema_version and summary)\n")
    }

    /// The bundled report with Khu phố 1 (21609-01) dropped to partial and Làng O2 (21790-01) covered.
    static func editedReport(in folder: URL) throws -> String {
        var report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: try BundledReport.reportPath()))) as! [String: Any]
        var villages = report["villages"] as! [[String: Any]]
        for i in villages.indices {
            var coverage = villages[i]["coverage"] as! [String: Any]
            switch villages[i]["id"] as! String {
            case "21609-01": villages[i]["mobile_status"] = "partial"; coverage["mobile"] = 0.6
            case "21790-01": villages[i]["mobile_status"] = "covered"; coverage["mobile"] = 1.0
            default: continue
            }
            villages[i]["coverage"] = coverage
        }
        report["villages"] = villages
        let path = folder.appendingPathComponent("edited.json").path
        try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testBaselineListsExactlyTheVillageThatGotWorse() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let edited = try Self.editedReport(in: tmp)
        let r = try CLI.run(["check", edited, "--baseline", try BundledReport.reportPath()])
        XCTAssertEqual(r.status, 1)
        let offenders = r.stdout.split(separator: "\n").filter { $0.hasPrefix("         ") }
        XCTAssertEqual(offenders, ["         village 21609-01 Khu phố 1 (Thị trấn An Lão, Huyện An Lão): mobile: covered → partial"])
        XCTAssertTrue(r.stderr.hasPrefix("covgap: check failed: 1 regression from "), r.stderr)
        // The other way round the edited report is the baseline: only Làng O2 lost signal.
        let back = try CLI.run(["check", try BundledReport.reportPath(), "--baseline", edited])
        XCTAssertEqual(back.status, 1)
        XCTAssertTrue(back.stdout.contains("village 21790-01 Làng O2 (Xã Vĩnh Kim, Huyện Vĩnh Thạnh): mobile: covered → uncovered\n"))
        XCTAssertFalse(back.stdout.contains("21609-01"))
        // A report is never worse than itself.
        XCTAssertEqual(try CLI.run(["check", edited, "--baseline", edited]).status, 0)
    }

    func testJUnitOutputParsesWithTheRightCounts() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let edited = try Self.editedReport(in: tmp)
        let r = try CLI.run(["check", edited, "--baseline", try BundledReport.reportPath(), "--format", "junit",
                             "--require", "mobile.covered_pct>=99.9", "--require", "fixed.available_pct>=100",
                             "--require", "places.5g_pct>=100"])
        XCTAssertEqual(r.status, 1)
        let doc = try XMLDocument(data: Data(r.stdout.utf8))
        let suites = try doc.nodes(forXPath: "//testsuite") as! [XMLElement]
        XCTAssertEqual(suites.count, 1)
        XCTAssertEqual(suites[0].attribute(forName: "tests")?.stringValue, "4")
        XCTAssertEqual(suites[0].attribute(forName: "failures")?.stringValue, "3")
        let cases = suites[0].elements(forName: "testcase")
        XCTAssertEqual(cases.count, 4)
        XCTAssertEqual(cases.map { $0.elements(forName: "failure").count }, [0, 1, 1, 1])
        let baseline = cases[3].elements(forName: "failure")[0]
        XCTAssertEqual(baseline.attribute(forName: "message")?.stringValue, "1 regression from the baseline")
        XCTAssertEqual(baseline.stringValue, "village 21609-01 Khu phố 1 (Thị trấn An Lão, Huyện An Lão): mobile: covered → partial\n")
        let places = cases[2].elements(forName: "failure")[0]
        XCTAssertEqual(places.attribute(forName: "message")?.stringValue, "places.5g_pct = 66.6667 (needs >= 100)")
        XCTAssertEqual(places.stringValue?.split(separator: "\n").count, 11)
    }
}
