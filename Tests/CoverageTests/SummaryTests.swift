import XCTest
import Geo
import GeoIO
@testable import Coverage

/// The summary on hand-made village results: counts per class and status, percentages (0–100,
/// rounded to 4 decimals in report.json), household sums, district and commune groups in order of
/// first appearance, and priority places.
final class SummaryTests: XCTestCase {
    /// One hand-made village: its grouping, households, the fractions (mobile, broadband, 2G, 3G, 4G, 5G)
    /// and whether fibre is within reach (nil: no fibre layer).
    struct Case {
        var district: String?, commune: String?, households: Double?
        var fractions: [Double]
        var fibre: Bool?
    }

    /// Seven villages. Statuses at the default thresholds (covered ≥ 0.95, uncovered < 0.05):
    ///
    ///     village  district   commune    hh   mobile    broadband  2G        3G        4G        5G        fibre
    ///     V1       Phù Cát    Cát Tiến   100  1 cov     1 cov      0 unc     0 unc     1 cov     .5 part   yes
    ///     V2       Phù Cát    Cát Hải     50  .5 part   .5 part    .5 part   0 unc     .5 part   0 unc     no
    ///     V3       Tuy Phước  Phước Sơn    –  .95 cov   .94 part   .95 cov   .05 part  .0499 unc 0 unc     yes
    ///     V4       Phù Cát    Cát Tiến    30  0 unc     0 unc      0 unc     0 unc     0 unc     0 unc     no
    ///     V5       –          Cát Tiến    20  1 cov     1 cov      1 cov     1 cov     1 cov     1 cov     yes
    ///     V6       Tuy Phước  –            0  .2 part   .2 part    0 unc     .2 part   0 unc     0 unc     yes
    ///     V7       Tuy Phước  Cát Tiến    40  .96 cov   .96 cov    0 unc     0 unc     .96 cov   0 unc     no
    static let cases: [Case] = [
        Case(district: "Phù Cát", commune: "Cát Tiến", households: 100, fractions: [1, 1, 0, 0, 1, 0.5], fibre: true),
        Case(district: "Phù Cát", commune: "Cát Hải", households: 50, fractions: [0.5, 0.5, 0.5, 0, 0.5, 0], fibre: false),
        Case(district: "Tuy Phước", commune: "Phước Sơn", households: nil, fractions: [0.95, 0.94, 0.95, 0.05, 0.0499, 0], fibre: true),
        Case(district: "Phù Cát", commune: "Cát Tiến", households: 30, fractions: [0, 0, 0, 0, 0, 0], fibre: false),
        Case(district: nil, commune: "Cát Tiến", households: 20, fractions: [1, 1, 1, 1, 1, 1], fibre: true),
        Case(district: "Tuy Phước", commune: nil, households: 0, fractions: [0.2, 0.2, 0, 0.2, 0, 0], fibre: true),
        Case(district: "Tuy Phước", commune: "Cát Tiến", households: 40, fractions: [0.96, 0.96, 0, 0, 0.96, 0], fibre: false),
    ]

    static func make(_ cases: [Case], places: [Bool]? = nil, withFibre: Bool = true) -> (AnalysisInput, AnalysisResult) {
        let parameters = AnalysisParameters()
        let square = Shape.polygon([[Coordinate(109, 14), Coordinate(109.01, 14), Coordinate(109.01, 14.01), Coordinate(109, 14)]])
        var villages: [Village] = []
        var results: [VillageCoverage] = []
        for (k, c) in cases.enumerated() {
            villages.append(Village(id: "V\(k + 1)", name: "Thôn \(k + 1)", commune: c.commune, district: c.district,
                                    households: c.households, shape: square))
            let fixed = withFibre ? c.fibre.map { FixedAccess(status: $0 ? .available : .unavailable, distanceM: $0 ? 100 : 5000,
                                                               nearest: Coordinate(109, 14)) } : nil
            results.append(VillageCoverage(areaM2: 1_000_000, fractions: c.fractions, operatorFractions: [],
                                           mobileStatus: parameters.mobileStatus(c.fractions[0]), gaps: [], fixed: fixed,
                                           centre: Coordinate(109.005, 14.005), repairedShape: nil))
        }
        let placeList = places.map { $0.enumerated().map { PriorityPlace(id: "P\($0.offset)", name: "P\($0.offset)", category: "school",
                                                                          shape: .point(Coordinate(109, 14))) } }
        let input = AnalysisInput(villages: villages, sectors: [], fibre: withFibre ? [] : nil, places: placeList)
        let result = AnalysisResult(parameters: parameters, crs: "EPSG:32649", operators: [], villages: results,
                                    places: (places ?? []).map { PlaceCoverage(has5G: $0, coverage5G: nil) },
                                    warnings: [], timings: StageTimings())
        return (input, result)
    }

    static func summary(places: [Bool]? = nil, withFibre: Bool = true) -> Summary {
        let (input, result) = make(cases, places: places, withFibre: withFibre)
        return Summary(input: input, result: result)
    }

    /// covered/partial/uncovered of one class.
    func counts(_ g: GroupFigures, _ c: CoverageClass) -> [Int] {
        let f = g.figures(c)
        return [f.covered, f.partial, f.uncovered]
    }

    // MARK: The whole set

    func testCountsPerClass() {
        let all = Self.summary().all
        XCTAssertEqual(all.villages, 7)
        XCTAssertEqual(counts(all, .mobile), [4, 2, 1])
        XCTAssertEqual(counts(all, .broadband), [3, 3, 1])
        XCTAssertEqual(counts(all, .g2), [2, 1, 4])
        XCTAssertEqual(counts(all, .g3), [1, 2, 4])
        XCTAssertEqual(counts(all, .g4), [3, 1, 3])
        XCTAssertEqual(counts(all, .g5), [1, 1, 5])
    }

    func testPercentages() {
        let all = Self.summary().all
        // Unrounded in the figures: 4 of 7 is 57.142857…
        XCTAssertEqual(all.figures(.mobile).coveredPct, 400.0 / 7)
        XCTAssertEqual(all.figures(.mobile).anySignalPct, 600.0 / 7)
        XCTAssertEqual(all.fixedAvailablePct, 400.0 / 7)
        // Rounded to 4 decimals in report.json.
        let json = all.json()
        let expected: [(String, Double, Double)] = [
            ("mobile", 57.1429, 85.7143), ("broadband", 42.8571, 85.7143), ("2G", 28.5714, 42.8571),
            ("3G", 14.2857, 42.8571), ("4G", 42.8571, 57.1429), ("5G", 14.2857, 28.5714),
        ]
        XCTAssertEqual(json.keys, ["villages", "mobile", "broadband", "2G", "3G", "4G", "5G", "fixed", "households"])
        XCTAssertEqual(json["villages"], .number(7))
        for (c, covered, any) in expected {
            XCTAssertEqual(json[c]?.objectValue?.keys, ["covered", "partial", "uncovered", "covered_pct", "any_signal_pct"])
            XCTAssertEqual(json[c]?["covered_pct"], .number(covered), c)
            XCTAssertEqual(json[c]?["any_signal_pct"], .number(any), c)
        }
        XCTAssertEqual(json["mobile"]?["covered"], .number(4))
        XCTAssertEqual(json["mobile"]?["partial"], .number(2))
        XCTAssertEqual(json["mobile"]?["uncovered"], .number(1))
    }

    func testRoundingHalfAwayFromZeroAndEmptyGroups() {
        // 1 of 128 is 0.78125 %: the fifth decimal is a 5, rounded up.
        XCTAssertEqual(round4(percent(1, 128)), 0.7813)
        XCTAssertEqual(round4(-0.78125), -0.7813)
        XCTAssertEqual(round4(99.90029910269193), 99.9003)
        XCTAssertEqual(percent(3, 0), 0)
        XCTAssertEqual(percent(2, 2), 100)
    }

    func testFixedAndHouseholds() {
        let all = Self.summary().all
        XCTAssertTrue(all.hasFixed)
        XCTAssertEqual(all.fixedAvailable, 4)     // V1, V3, V5, V6
        XCTAssertEqual(all.fixedUnavailable, 3)   // V2, V4, V7
        XCTAssertTrue(all.householdsKnown)
        XCTAssertEqual(all.households, 240)                  // 100 + 50 + 30 + 20 + 0 + 40 (V3 unknown)
        XCTAssertEqual(all.householdsMobileCovered, 160)     // V1 100 + V5 20 + V7 40
        XCTAssertEqual(all.householdsFixedAvailable, 120)    // V1 100 + V5 20 + V6 0
        let json = all.json()
        XCTAssertEqual(json["fixed"], ["available": 4, "unavailable": 3, "available_pct": 57.1429])
        XCTAssertEqual(json["households"], ["total": 240, "mobile_covered": 160, "fixed_available": 120,
                                             "mobile_pct": 66.6667, "fixed_available_pct": 50, "source": "villages"])
    }

    func testWithoutFibreFixedIsNull() {
        let all = Self.summary(withFibre: false).all
        XCTAssertFalse(all.hasFixed)
        XCTAssertEqual(all.fixedAvailable, 0)
        XCTAssertEqual(all.fixedUnavailable, 0)
        XCTAssertEqual(all.householdsFixedAvailable, 0)
        let json = all.json()
        XCTAssertEqual(json["fixed"], .null)
        XCTAssertEqual(json["households"], ["total": 240, "mobile_covered": 160, "fixed_available": nil,
                                             "mobile_pct": 66.6667, "fixed_available_pct": nil, "source": "villages"])
    }

    func testWithoutHouseholdsTheyAreNull() {
        var cases = Self.cases
        for k in cases.indices { cases[k].households = nil }
        let (input, result) = Self.make(cases)
        let all = Summary(input: input, result: result).all
        XCTAssertFalse(all.householdsKnown)
        XCTAssertEqual(all.json()["households"], .null)
    }

    // MARK: Groups

    func testDistrictsInOrderOfFirstAppearance() {
        let s = Self.summary()
        // V5 has no district and is in no district group.
        XCTAssertEqual(s.districts.map(\.name), ["Phù Cát", "Tuy Phước"])
        let phuCat = s.districts[0].figures, tuyPhuoc = s.districts[1].figures
        XCTAssertEqual(phuCat.villages, 3)           // V1, V2, V4
        XCTAssertEqual(counts(phuCat, .mobile), [1, 1, 1])
        XCTAssertEqual(round4(phuCat.figures(.mobile).coveredPct), 33.3333)
        XCTAssertEqual(round4(phuCat.figures(.mobile).anySignalPct), 66.6667)
        XCTAssertEqual([phuCat.fixedAvailable, phuCat.fixedUnavailable], [1, 2])
        XCTAssertEqual([phuCat.households, phuCat.householdsMobileCovered, phuCat.householdsFixedAvailable], [180, 100, 100])
        XCTAssertEqual(tuyPhuoc.villages, 3)         // V3, V6, V7
        XCTAssertEqual(counts(tuyPhuoc, .mobile), [2, 1, 0])
        XCTAssertEqual(counts(tuyPhuoc, .g4), [1, 0, 2])
        XCTAssertEqual([tuyPhuoc.fixedAvailable, tuyPhuoc.fixedUnavailable], [2, 1])
        XCTAssertEqual([tuyPhuoc.households, tuyPhuoc.householdsMobileCovered, tuyPhuoc.householdsFixedAvailable], [40, 40, 0])
    }

    func testCommunesAreKeyedByDistrictAndName() {
        let s = Self.summary()
        // "Cát Tiến" in Phù Cát, without a district, and in Tuy Phước are three communes; V6 has no commune.
        XCTAssertEqual(s.communes.map(\.name), ["Cát Tiến", "Cát Hải", "Phước Sơn", "Cát Tiến", "Cát Tiến"])
        guard s.communes.count == 5 else { return }
        XCTAssertEqual(s.communes.map(\.district), ["Phù Cát", "Phù Cát", "Tuy Phước", nil, "Tuy Phước"])
        XCTAssertEqual(s.communes.map(\.figures.villages), [2, 1, 1, 1, 1])
        XCTAssertEqual(counts(s.communes[0].figures, .mobile), [1, 0, 1])   // V1 covered, V4 uncovered
        XCTAssertEqual(s.communes[0].figures.households, 130)
        XCTAssertEqual(s.communes[0].figures.householdsMobileCovered, 100)
        XCTAssertFalse(s.communes[2].figures.householdsKnown)               // V3 alone, households unknown
    }

    func testGroupsInReportJSON() throws {
        let json = Self.summary().json(hasPlaces: false)
        XCTAssertEqual(json.keys, ["villages", "mobile", "broadband", "2G", "3G", "4G", "5G", "fixed", "households",
                                   "places", "districts", "communes"])
        XCTAssertEqual(json["places"], .null)
        let districts = try XCTUnwrap(json["districts"]?.arrayValue)
        XCTAssertEqual(districts.map { $0["name"] }, [.string("Phù Cát"), .string("Tuy Phước")])
        XCTAssertEqual(districts[0].objectValue?.keys.first, "name")
        XCTAssertEqual(districts[0]["mobile"]?["covered_pct"], .number(33.3333))
        XCTAssertEqual(districts[1]["mobile"]?["any_signal_pct"], .number(100))
        let communes = try XCTUnwrap(json["communes"]?.arrayValue)
        guard communes.count == 5 else { return XCTFail("\(communes.count) communes") }
        XCTAssertEqual(communes[0].objectValue?.keys.prefix(3), ["name", "district", "villages"])
        XCTAssertEqual(communes[3]["district"], .null)
        // The whole entry for Phước Sơn (V3 alone): covered mobile and 2G, partial broadband and 3G.
        var w = JSONWriter()
        w.value(communes[2])
        XCTAssertEqual(w.text, #"""
        {"name":"Phước Sơn","district":"Tuy Phước","villages":1,\#
        "mobile":{"covered":1,"partial":0,"uncovered":0,"covered_pct":100,"any_signal_pct":100},\#
        "broadband":{"covered":0,"partial":1,"uncovered":0,"covered_pct":0,"any_signal_pct":100},\#
        "2G":{"covered":1,"partial":0,"uncovered":0,"covered_pct":100,"any_signal_pct":100},\#
        "3G":{"covered":0,"partial":1,"uncovered":0,"covered_pct":0,"any_signal_pct":100},\#
        "4G":{"covered":0,"partial":0,"uncovered":1,"covered_pct":0,"any_signal_pct":0},\#
        "5G":{"covered":0,"partial":0,"uncovered":1,"covered_pct":0,"any_signal_pct":0},\#
        "fixed":{"available":1,"unavailable":0,"available_pct":100},"households":null}
        """#)
    }

    // MARK: Places

    func testPlaces() {
        let s = Self.summary(places: [true, false, true])
        XCTAssertEqual(s.placesTotal, 3)
        XCTAssertEqual(s.placesWith5G, 2)
        XCTAssertEqual(s.places5GPct, 200.0 / 3)
        XCTAssertEqual(s.json(hasPlaces: true)["places"], ["total": 3, "with_5g": 2, "5g_pct": 66.6667])
        // A places layer with no places: 0 of 0 is 0 %.
        let none = Self.summary(places: [])
        XCTAssertEqual(none.json(hasPlaces: true)["places"], ["total": 0, "with_5g": 0, "5g_pct": 0])
    }
}
