import XCTest
import GeoIO
@testable import CoverageGate
import CoverageReport
import Coverage

/// `diff` on measured speeds and commune centres.
final class PlanDiffTests: XCTestCase {
    func report(quality4G: (String, Double), centreMobile: Bool, belowCount: Double) throws -> SavedReport {
        var json = reportJSON([VillageSpec(id: "V1", name: "Thôn 1", commune: "Xã A", district: "Huyện B", households: 100,
                                           mobile: 1, status: "covered", fixed: "available")],
                              summary: figures(villages: 1, covered: 1, partial: 0, uncovered: 0, available: 1, households: 100,
                                               mobileHouseholds: 100, fibreHouseholds: 100))
        guard case .object(var root) = json, case .array(var villages)? = root["villages"], case .object(var v) = villages[0],
              case .object(var summary)? = root["summary"] else { throw XCTSkip("fixture shape") }
        v["quality"] = ["4G": ["mean_mbps": .number(quality4G.1), "tests": 20, "share_at_floor": 0.5, "status": .string(quality4G.0)]]
        villages[0] = .object(v)
        root["villages"] = .array(villages)
        root["priority_places"] = [["id": "CC1", "name": "UBND xã A", "category": "commune_centre", "has_5g": false,
                                    "coverage_5g": nil, "mobile_covered": .bool(centreMobile), "fixed_available": true]]
        summary["commune_centres"] = ["total": 1, "mobile_covered": centreMobile ? 1 : 0, "mobile_pct": centreMobile ? 100 : 0,
                                      "fixed_available": 1, "fixed_pct": 100]
        summary["quality"] = ["4G": ["below": .number(belowCount), "mean_mbps": .number(quality4G.1)]]
        root["summary"] = .object(summary)
        json = .object(root)
        return try SavedReport(json, source: "r.json")
    }

    func testSpeedAndCentreChangesAreListed() throws {
        let old = try report(quality4G: ("meets", 52.5), centreMobile: true, belowCount: 0)
        let new = try report(quality4G: ("below", 31.25), centreMobile: false, belowCount: 1)
        let d = ReportDiff(old: old, new: new)
        XCTAssertEqual(d.plan.quality.count, 1)
        XCTAssertTrue(d.plan.quality[0].worse)
        XCTAssertEqual(d.plan.centres.map(\.aspect), ["mobile"])
        XCTAssertEqual(d.plan.figures.map(\.figure), ["commune_centres.mobile_pct", "quality.4G.below", "quality.4G.mean_mbps"])
        let text = d.text()
        XCTAssertTrue(text.contains("\nPlan figures:\n  commune_centres.mobile_pct: 100 → 0\n  quality.4G.below: 0 → 1\n  quality.4G.mean_mbps: 52.5 → 31.25\n"), text)
        XCTAssertTrue(text.contains("\nCommune centres (1):\n  CC1  UBND xã A: mobile signal yes → no\n"), text)
        XCTAssertTrue(text.contains("\nMeasured speed (1):\n  V1  Thôn 1 (Xã A, Huyện B): 4G meets (52.5 Mb/s) → below (31.2 Mb/s)\n"), text)
        // The same report twice: nothing to say.
        XCTAssertTrue(ReportDiff(old: old, new: old).plan.isEmpty)
        XCTAssertNil(ReportDiff(old: old, new: old).json()["plan"])
    }
}
