import XCTest
import Geo
import GeoIO
@testable import CoverageGate
import CoverageReport
import Coverage

final class ReportDiffTests: XCTestCase {
    func spec(_ id: String, mobile: Double, status: String, fixed: String? = "available", viettel: Double = 0) -> VillageSpec {
        VillageSpec(id: id, name: "Thôn \(id)", commune: "Xã Canh Liên", district: "Huyện Vân Canh", households: 100,
                    mobile: mobile, viettel: viettel, status: status, fixed: fixed)
    }

    func report(_ villages: [VillageSpec], mobileHouseholds: Double, fibreHouseholds: Double,
                places: [(id: String, name: String, has5G: Bool, coverage: Double?)] = [], source: String) throws -> SavedReport {
        let summary = figures(villages: villages.count, covered: 0, partial: 0, uncovered: 0, available: 0,
                              households: 100 * Double(villages.count), mobileHouseholds: mobileHouseholds, fibreHouseholds: fibreHouseholds)
        return try SavedReport(reportJSON(villages, summary: summary, places: places), source: source)
    }

    /// A worse (covered → partial), a better (fibre arrives), a moved (Viettel 40 % → 60 %), one
    /// within tolerance, one added, one removed; a place that lost 5G and one whose 5G share moved.
    func pair() throws -> ReportDiff {
        let old = try report([
            spec("A", mobile: 1, status: "covered"),
            spec("B", mobile: 0.2, status: "partial", fixed: "unavailable"),
            spec("C", mobile: 0.5, status: "partial", viettel: 0.4),
            spec("D", mobile: 0.5, status: "partial"),
            spec("E", mobile: 1, status: "covered"),
        ], mobileHouseholds: 200, fibreHouseholds: 400,
           places: [("P1", "Bệnh viện Vân Canh", true, nil), ("P2", "Khu công nghiệp Nhơn Hội", false, 0.5)], source: "old.json")
        let new = try report([
            spec("A", mobile: 0.9, status: "partial"),
            spec("B", mobile: 0.2, status: "partial", fixed: "available"),
            spec("C", mobile: 0.6, status: "partial", viettel: 0.6),
            spec("D", mobile: 0.505, status: "partial"),
            spec("F", mobile: 0, status: "uncovered", fixed: "unavailable"),
        ], mobileHouseholds: 100, fibreHouseholds: 450,
           places: [("P1", "Bệnh viện Vân Canh", false, nil), ("P2", "Khu công nghiệp Nhơn Hội", false, 0.8)], source: "new.json")
        return ReportDiff(old: old, new: new, tolerance: 0.01)
    }

    func testVillagesAreGroupedWorseBetterMoved() throws {
        let d = try pair()
        XCTAssertEqual(d.villages(.worse).map(\.new.id), ["A"])
        XCTAssertEqual(d.villages(.better).map(\.new.id), ["B"])
        XCTAssertEqual(d.villages(.moved).map(\.new.id), ["C"])
        XCTAssertEqual(d.villages(.moved)[0].moves.map(\.name), ["mobile", "2G", "Viettel"])
        XCTAssertEqual(d.addedVillages.map(\.id), ["F"])
        XCTAssertEqual(d.removedVillages.map(\.id), ["E"])
        XCTAssertEqual(d.places(.worse).map(\.new.id), ["P1"])
        XCTAssertEqual(d.places(.moved).map(\.new.id), ["P2"])
        // With a tolerance of 0.25 the fraction-only moves are gone; the status changes stay.
        let coarse = ReportDiff(old: try report([spec("C", mobile: 0.5, status: "partial", viettel: 0.4)], mobileHouseholds: 0, fibreHouseholds: 0, source: "o"),
                                new: try report([spec("C", mobile: 0.6, status: "partial", viettel: 0.6)], mobileHouseholds: 0, fibreHouseholds: 0, source: "n"),
                                tolerance: 0.25)
        XCTAssertTrue(coarse.villages.isEmpty)
    }

    func testStatusDropWinsOverAnImprovement() throws {
        let old = try report([spec("A", mobile: 1, status: "covered", fixed: "unavailable")], mobileHouseholds: 0, fibreHouseholds: 0, source: "o")
        let new = try report([spec("A", mobile: 0.5, status: "partial", fixed: "available")], mobileHouseholds: 0, fibreHouseholds: 0, source: "n")
        XCTAssertEqual(ReportDiff(old: old, new: new).villages.map(\.direction), [.worse])
    }

    func testTextShowsHouseholdChangesAndEachGroup() throws {
        XCTAssertEqual(try pair().text(), """
            covgap diff old.json → new.json (tolerance 0.01)
            Villages: 1 worse, 1 better, 1 moved, 1 added, 1 removed
            Priority places: 1 lost 5G, 0 gained 5G, 1 moved, 0 added, 0 removed
            Households with mobile signal: 200 → 100 (−100)
            Households with fibre in reach: 400 → 450 (+50)

            Worse (1):
              A  Thôn A (Xã Canh Liên, Huyện Vân Canh): mobile covered → partial; mobile 100.0 % → 90.0 %; 2G 100.0 % → 90.0 %

            Priority places, worse (1):
              P1  Bệnh viện Vân Canh (hospital): 5G yes → no

            Better (1):
              B  Thôn B (Xã Canh Liên, Huyện Vân Canh): fixed unavailable → available

            Moved (1):
              C  Thôn C (Xã Canh Liên, Huyện Vân Canh): mobile 50.0 % → 60.0 %; 2G 50.0 % → 60.0 %; Viettel 40.0 % → 60.0 %

            Priority places, moved (1):
              P2  Khu công nghiệp Nhơn Hội (hospital): 5G share 50.0 % → 80.0 %

            Added villages (1):
              F  Thôn F (Xã Canh Liên, Huyện Vân Canh): mobile uncovered, fixed unavailable

            Removed villages (1):
              E  Thôn E (Xã Canh Liên, Huyện Vân Canh): mobile covered, fixed available

            """)
    }

    func testJSON() throws {
        let j = try pair().json()
        XCTAssertEqual(j["households"]?["mobile_covered"]?["change"], -100)
        XCTAssertEqual(j["households"]?["fixed_available"]?["change"], 50)
        XCTAssertEqual(j["villages"]?["worse"]?[0]?["id"], "A")
        XCTAssertEqual(j["villages"]?["worse"]?[0]?["old"]?["mobile_status"], "covered")
        XCTAssertEqual(j["villages"]?["worse"]?[0]?["new"]?["mobile_status"], "partial")
        XCTAssertEqual(j["villages"]?["better"]?[0]?["new"]?["fixed_status"], "available")
        XCTAssertEqual(j["villages"]?["moved"]?[0]?["moves"]?[2]?["name"], "Viettel")
        XCTAssertEqual(j["villages"]?["added"]?.arrayValue?.count, 1)
        XCTAssertEqual(j["priority_places"]?["worse"]?[0]?["new"]?["has_5g"], false)
    }

    func testGeoJSONFeaturesOfChangedVillages() throws {
        let square = Shape.polygon([[Coordinate(109, 14), Coordinate(109.01, 14), Coordinate(109.01, 14.01), Coordinate(109, 14)]])
        let shapes = ["A", "B", "D", "E"].map { Village(id: $0, name: "Thôn \($0)", shape: square) }
        let (features, missing) = try pair().geojsonFeatures(shapes: shapes)
        XCTAssertEqual(features.map { $0.properties["id"] }, ["A", "B"])
        XCTAssertEqual(features.map { $0.properties["change"] }, ["worse", "better"])
        XCTAssertEqual(features[0].properties["old_status"], "covered")
        XCTAssertEqual(features[0].properties["new_status"], "partial")
        XCTAssertEqual(features[1].properties["old_fixed"], "unavailable")
        XCTAssertEqual(features[1].properties["new_fixed"], "available")
        XCTAssertEqual(missing, ["C"])
    }
}
