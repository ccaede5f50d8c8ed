import XCTest
import Geo
import GeoIO
@testable import Coverage
@testable import CoverageReport

/// The text table, report.csv and report.json for a small hand-made analysis.
final class TextReportTests: XCTestCase {
    /// One hand-made village: where it is, its households, fractions (mobile, broadband, 2G, 3G, 4G, 5G),
    /// operator fractions (MobiFone, Viettel), fibre distance and whether it is within reach.
    struct Case {
        var name: String, district: String?, commune: String?, households: Double?
        var fractions: [Double], operators: [Double]
        var fibre: (distance: Double, available: Bool)
        var centre: Coordinate
    }

    /// Six villages, the fibre reach at 500 m:
    ///
    ///     V1 Thôn Một  Phù Cát / Cát Tiến     mobile 1 covered       fibre 250 m (available)
    ///     V2 Thôn Hai  Phù Cát / Cát Hải      mobile .5 partial      fibre 800 m (unavailable)
    ///     V3 Làng Ba   Tuy Phước / Phước Sơn  mobile .02 uncovered   fibre 10 m (available); repaired, one gap
    ///     V4 Thôn Bốn  Phù Cát / Cát Tiến     mobile .96 covered     fibre 1234.5 m (unavailable)
    ///     V5 Xóm Năm   no district or commune mobile .3 partial      fibre 100 m (available)
    ///     V6 Thôn Sáu  Tuy Phước / Phước Sơn  mobile 0 uncovered     fibre 25 km (unavailable)
    static let cases: [Case] = [
        Case(name: "Thôn Một", district: "Phù Cát", commune: "Cát Tiến", households: 100, fractions: [1, 1, 0, 0, 1, 0.96],
             operators: [1, 0.5], fibre: (250, true), centre: Coordinate(109.12345678, 14.00000049)),
        Case(name: "Thôn Hai", district: "Phù Cát", commune: "Cát Hải", households: 50, fractions: [0.5, 0.5, 0, 0, 0.5, 0],
             operators: [0.5, 0], fibre: (800, false), centre: Coordinate(109.2, 13.9)),
        Case(name: "Làng Ba", district: "Tuy Phước", commune: "Phước Sơn", households: nil, fractions: [0.02, 0, 0.02, 0, 0, 0],
             operators: [0.02, 0], fibre: (10, true), centre: Coordinate(109.3, 14.3)),
        Case(name: "Thôn Bốn", district: "Phù Cát", commune: "Cát Tiến", households: 30, fractions: [0.96, 0.96, 0, 0, 0.96, 0],
             operators: [0, 0.96], fibre: (1234.5, false), centre: Coordinate(109.4, 14.4)),
        Case(name: "Xóm Năm", district: nil, commune: nil, households: 20, fractions: [0.3, 0.3, 0, 0.3, 0, 0],
             operators: [0.3, 0], fibre: (100, true), centre: Coordinate(109.5, 14.5)),
        Case(name: "Thôn Sáu", district: "Tuy Phước", commune: "Phước Sơn", households: 0, fractions: [0, 0, 0, 0, 0, 0],
             operators: [0, 0], fibre: (25_000, false), centre: Coordinate(109.6, 14.6)),
    ]

    static let square = Shape.polygon([[Coordinate(109, 14), Coordinate(109.01, 14), Coordinate(109.01, 14.01), Coordinate(109, 14)]])

    /// The three targets of the plan's 2024 baseline, as a small targets file would give them.
    static let targets = PlanTargets(source: "targets.json", targets: [
        PlanTarget(id: "mobile_villages", label: "Mobile signal (villages covered)", figure: "mobile.covered_pct", goal: 99.9),
        PlanTarget(id: "fixed_villages", label: "Fixed broadband (villages with fibre)", figure: "fixed.available_pct", goal: 99.2),
        PlanTarget(id: "places_5g", label: "5G at priority places", figure: "places.5g_pct", goal: 100),
    ])

    static func report(_ cases: [Case] = cases, fibre: Bool = true, places: Bool = true) -> Report {
        var parameters = AnalysisParameters()
        parameters.fibreReach = 500
        var villages: [Village] = []
        var results: [VillageCoverage] = []
        for (k, c) in cases.enumerated() {
            villages.append(Village(id: "V\(k + 1)", name: c.name, commune: c.commune, district: c.district,
                                    households: c.households, shape: square))
            results.append(VillageCoverage(
                areaM2: k == 0 ? 1_234_567.891 : 1_000_000, fractions: c.fractions, operatorFractions: c.operators,
                mobileStatus: parameters.mobileStatus(c.fractions[0]),
                gaps: k == 2 ? [(shape: square, areaM2: 5000.123)] : [],
                fixed: fibre ? FixedAccess(status: c.fibre.available ? .available : .unavailable, distanceM: c.fibre.distance,
                                           nearest: Coordinate(109.1, 14.1)) : nil,
                centre: c.centre, repairedShape: k == 2 ? square : nil))
        }
        let placeList = [PriorityPlace(id: "P1", name: "Bệnh viện Phù Cát", category: "hospital", shape: square),
                         PriorityPlace(id: "P2", name: "Sân bay Phù Cát", category: "airport", shape: .point(Coordinate(109.05, 14.05)))]
        let input = AnalysisInput(villages: villages, sectors: [], fibre: fibre ? [] : nil, places: places ? placeList : nil)
        let result = AnalysisResult(
            parameters: parameters, crs: "EPSG:32649", operators: ["MobiFone", "Viettel"], villages: results,
            places: places ? [PlaceCoverage(has5G: false, coverage5G: 0.123456789), PlaceCoverage(has5G: true, coverage5G: nil)] : [],
            warnings: ["villages.geojson feature 2: the polygon was repaired"], timings: StageTimings())
        return Report(input: input, result: result,
                      files: [InputFileInfo(role: "villages", path: "villages.geojson", sha256: String(repeating: "ab", count: 32), count: 6)],
                      targets: targets)
    }

    // MARK: Text

    func testTextTable() {
        let expected = [
            "covgap — 6 villages, working CRS EPSG:32649",
            "",
            "Villages short of a target (5):",
            // Uncovered first (V3, V6), then partial (V2, V5), then the fibre-only gap (V4); districts
            // and communes in their order of first appearance in that list.
            "",
            "  Tuy Phước",
            "    Phước Sơn",
            "      Làng Ba   mobile uncovered (2.0 % covered)",
            "      Thôn Sáu  mobile uncovered (0.0 % covered); fibre 25.0 km away",
            "",
            "  Phù Cát",
            "    Cát Hải",
            "      Thôn Hai  mobile partial (50.0 % covered); fibre 800 m away",
            "    Cát Tiến",
            "      Thôn Bốn  fibre 1.2 km away",
            "",
            "  (no district)",
            "    (no commune)",
            "      Xóm Năm   mobile partial (30.0 % covered)",
            "",
            "Plan targets                              this run              goal       baseline",
            "  Mobile signal (villages covered)        33.3 % (2/6)          99.9 %     –              NOT MET: 4 villages",
            "    2 partly covered, 2 uncovered",
            "  Fixed broadband (villages with fibre)   50.0 % (3/6)          99.2 %     –              NOT MET: 3 villages (Thôn Hai, Thôn Bốn, Thôn Sáu)",
            "  5G at priority places                   50.0 % (1/2)          100.0 %    –              NOT MET: 1 place (Bệnh viện Phù Cát)",
            "Other figures",
            "  4G coverage (villages covered)          33.3 % (2/6)",
            "  5G coverage (villages covered)          16.7 % (1/6)",
            // Households: 100 + 50 + 30 + 20 + 0 (V3 unknown); covered V1 + V4 = 130; fibre V1 + V5 = 120.
            "  Households with mobile signal           65.0 % of 200",
            "  Households with fixed broadband         60.0 % of 200",
            "",
            "Priority places without 5G (1):",
            "  Bệnh viện Phù Cát                             hospital",
            "",
        ]
        let text = Self.report().text()
        XCTAssertEqual(text.components(separatedBy: "\n"), expected)
        XCTAssertEqual(text, expected.joined(separator: "\n"))
    }

    func testTextWithoutFibrePlacesOrHouseholds() {
        // One village, fully covered, no fibre layer, no places, households unknown.
        var one = Self.cases[0]
        one.households = nil
        let text = Self.report([one], fibre: false, places: false).text()
        XCTAssertEqual(text.components(separatedBy: "\n"), [
            "covgap — 1 village, working CRS EPSG:32649",
            "",
            "No village is short of a target.",
            "",
            "Plan targets                              this run              goal       baseline",
            "  Mobile signal (villages covered)        100.0 % (1/1)         99.9 %     –              met",
            "  Fixed broadband (villages with fibre)   no data               99.2 %     –              no data",
            "  5G at priority places                   no data               100.0 %    –              no data",
            "Other figures",
            "  4G coverage (villages covered)          100.0 % (1/1)",
            "  5G coverage (villages covered)          100.0 % (1/1)",
            "",
        ])
    }

    func testPlanTargetMetExactlyAt99Point9() {
        // 999 of 1000 villages covered is 99.9 %: the target is met (not lost to rounding).
        var cases = Array(repeating: Self.cases[0], count: 1000)
        cases[500].fractions = [0.01, 0, 0, 0, 0, 0]
        cases[500].name = "Thôn Xa"
        let lines = Self.report(cases, fibre: false, places: false).text().components(separatedBy: "\n")
        XCTAssertEqual(lines[0], "covgap — 1000 villages, working CRS EPSG:32649")
        XCTAssertEqual(lines[2], "Villages short of a target (1):")
        XCTAssertEqual(lines[6], "      Thôn Xa  mobile uncovered (1.0 % covered)")
        XCTAssertTrue(lines.contains("  Mobile signal (villages covered)        99.9 % (999/1000)     99.9 %     –              met"), "\(lines)")
        XCTAssertFalse(lines.contains { $0.contains("partly covered") })   // printed only when some are partial
    }

    func testNumberFormats() {
        XCTAssertEqual(pct(33.333), "33.3 %")
        XCTAssertEqual(pct(100), "100.0 %")
        // A trace never reads as 0 % and a shortfall never as 100 %.
        XCTAssertEqual(pct(0.04), "0.04 %")
        XCTAssertEqual(pct(0), "0.0 %")
        XCTAssertEqual(pct(99.95), "99.95 %")
        XCTAssertEqual(pct(99.994), "99.99 %")
        XCTAssertEqual(pct(99.94), "99.9 %")
        XCTAssertEqual(km(999.4), "999 m")
        XCTAssertEqual(km(999.6), "1.0 km")
        XCTAssertEqual(km(1000), "1.0 km")
        XCTAssertEqual(km(1250), "1.2 km")   // 1.25 is held as 1.25 exactly; printf rounds half to even
        XCTAssertEqual(km(1260), "1.3 km")
        XCTAssertEqual(km(25_000), "25.0 km")
        XCTAssertEqual(pad("Làng Ba", 8), "Làng Ba ")
        XCTAssertEqual(pad("Thôn Sáu", 4), "Thôn Sáu")
    }

    /// The fixed-decimal text is C's printf's, byte for byte: on halves held exactly (ties to the
    /// even digit), on numbers a hair either side of a half, on negatives and zero, and on random
    /// numbers of every size the reports print.
    func testFixedPointTextIsPrintfs() {
        var cases: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 0.35, 2.5, 3.5, 0.125, 0.375, 99.95, 99.995, 1.0005, 12_345.678_9, -0.01, -2.5,
                               1e-300, 0x1p39, 1e12, .infinity, -.infinity, .nan]
        for k in 0..<2_000 {
            let half = (Double(k) + 0.5) / 16
            cases += [half, half.nextUp, half.nextDown]
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: -3...7, using: &random)
            cases.append(pow(10, magnitude) * (Bool.random(using: &random) ? 1 : -1))
            cases.append((Double(Int.random(in: 0...2_000_000, using: &random)) + 0.5) / 10_000)
        }
        for x in cases {
            for decimals in 0...4 {
                XCTAssertEqual(FixedPoint.text(x, decimals: decimals), String(format: "%.\(decimals)f", x), "\(x) with \(decimals) decimals")
            }
        }
        XCTAssertEqual(pct(99.999_94), "99.9999 %")
        XCTAssertEqual(pct(99.999_96), "100.0000 %")   // four decimals at most
        XCTAssertEqual(pct(-3), "-3.0 %")
        XCTAssertEqual(pct(1e-9), "0.0000 %")
        XCTAssertEqual(pct(.nan), "nan %")
    }

    // MARK: report.csv

    func testCSV() {
        // A byte-order mark for Excel; each fraction beside its percentage (two decimals), the area
        // in m² beside its hectares, centres at the report's precision.
        let csv = String(decoding: Self.report().csv(), as: UTF8.self)
        XCTAssertEqual(csv.components(separatedBy: "\n"), [
            "\u{FEFF}id,name,commune,district,households,area_m2,area_ha,mobile,mobile_pct,broadband,broadband_pct,2G,2G_pct,3G,3G_pct,4G,4G_pct,5G,5G_pct,MobiFone,MobiFone_pct,Viettel,Viettel_pct,mobile_status,fixed_status,fibre_distance_m,center_lon,center_lat",
            "V1,Thôn Một,Cát Tiến,Phù Cát,100,1234567.89,123.4568,1,100,1,100,0,0,0,0,1,100,0.96,96,1,100,0.5,50,covered,available,250,109.123457,14",
            "V2,Thôn Hai,Cát Hải,Phù Cát,50,1000000,100,0.5,50,0.5,50,0,0,0,0,0.5,50,0,0,0.5,50,0,0,partial,unavailable,800,109.2,13.9",
            "V3,Làng Ba,Phước Sơn,Tuy Phước,,1000000,100,0.02,2,0,0,0.02,2,0,0,0,0,0,0,0.02,2,0,0,uncovered,available,10,109.3,14.3",
            "V4,Thôn Bốn,Cát Tiến,Phù Cát,30,1000000,100,0.96,96,0.96,96,0,0,0,0,0.96,96,0,0,0,0,0.96,96,covered,unavailable,1234.5,109.4,14.4",
            "V5,Xóm Năm,,,20,1000000,100,0.3,30,0.3,30,0,0,0.3,30,0,0,0,0,0.3,30,0,0,partial,available,100,109.5,14.5",
            "V6,Thôn Sáu,Phước Sơn,Tuy Phước,0,1000000,100,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,uncovered,unavailable,25000,109.6,14.6",
            "",
        ])
        // Without a fibre layer the fixed columns are empty.
        let noFibre = String(decoding: Self.report(fibre: false).csv(), as: UTF8.self).components(separatedBy: "\n")
        XCTAssertEqual(noFibre[2], "V2,Thôn Hai,Cát Hải,Phù Cát,50,1000000,100,0.5,50,0.5,50,0,0,0,0,0.5,50,0,0,0.5,50,0,0,partial,,,109.2,13.9")
    }

    // MARK: report.json

    func text(_ v: JSONValue?) -> String {
        var w = JSONWriter()
        w.value(v ?? .null)
        return w.text
    }

    func testJSONSummaryParametersAndInputs() throws {
        let json = Self.report().json()
        XCTAssertEqual(json.objectValue?.keys, ["schema_version", "generated_by", "inputs", "parameters", "summary", "targets",
                                                "villages", "gaps", "priority_places", "warnings"])
        XCTAssertEqual(json["schema_version"], 1)
        XCTAssertEqual(json["generated_by"], "covgap 1.0")
        XCTAssertEqual(text(json["inputs"]), #"{"villages":{"path":"villages.geojson","sha256":"\#(String(repeating: "ab", count: 32))","count":6}}"#)
        XCTAssertEqual(json["parameters"]?["fibre_reach_m"], 500)
        XCTAssertEqual(json["parameters"]?["crs"], "EPSG:32649")
        XCTAssertEqual(json["parameters"]?["crs_from"], "utm_zone_of_villages")
        XCTAssertEqual(json["parameters"]?["precision"], 6)
        let summary = try XCTUnwrap(json["summary"])
        XCTAssertEqual(text(summary["mobile"]), #"{"covered":2,"partial":2,"uncovered":2,"covered_pct":33.3333,"any_signal_pct":66.6667}"#)
        XCTAssertEqual(text(summary["5G"]), #"{"covered":1,"partial":0,"uncovered":5,"covered_pct":16.6667,"any_signal_pct":16.6667}"#)
        XCTAssertEqual(text(summary["fixed"]), #"{"available":3,"unavailable":3,"available_pct":50}"#)
        XCTAssertEqual(text(summary["households"]), #"{"total":200,"mobile_covered":130,"fixed_available":120,"mobile_pct":65,"fixed_available_pct":60,"source":"villages"}"#)
        XCTAssertEqual(text(summary["places"]), #"{"total":2,"with_5g":1,"5g_pct":50}"#)
        XCTAssertEqual(summary["districts"]?.arrayValue?.map { $0["name"]?.stringValue }, ["Phù Cát", "Tuy Phước"])
        XCTAssertEqual(summary["communes"]?.arrayValue?.map { $0["name"]?.stringValue }, ["Cát Tiến", "Cát Hải", "Phước Sơn"])
        XCTAssertEqual(json["warnings"], ["villages.geojson feature 2: the polygon was repaired"])
    }

    func testJSONVillages() throws {
        let villages = try XCTUnwrap(Self.report().json()["villages"]?.arrayValue)
        XCTAssertEqual(villages.count, 6)
        XCTAssertEqual(text(villages[0]), #"""
        {"id":"V1","name":"Thôn Một","commune":"Cát Tiến","district":"Phù Cát","households":100,"area_m2":1234567.89,\#
        "center":[109.123457,14],"coverage":{"mobile":1,"broadband":1,"2G":0,"3G":0,"4G":1,"5G":0.96},\#
        "operators":{"MobiFone":1,"Viettel":0.5},"mobile_status":"covered","gap_area_m2":0,\#
        "fixed":{"status":"available","distance_m":250,"nearest":[109.1,14.1]}}
        """#)
        // The repaired village with a gap; households unknown.
        XCTAssertEqual(text(villages[2]), #"""
        {"id":"V3","name":"Làng Ba","commune":"Phước Sơn","district":"Tuy Phước","households":null,"area_m2":1000000,\#
        "center":[109.3,14.3],"coverage":{"mobile":0.02,"broadband":0,"2G":0.02,"3G":0,"4G":0,"5G":0},\#
        "operators":{"MobiFone":0.02,"Viettel":0},"mobile_status":"uncovered","gap_area_m2":5000.12,\#
        "fixed":{"status":"available","distance_m":10,"nearest":[109.1,14.1]},"repaired":true}
        """#)
        XCTAssertEqual(villages[4]["commune"], .null)
        XCTAssertEqual(villages[4]["district"], .null)
        // Without a fibre layer, fixed is null.
        XCTAssertEqual(Self.report(fibre: false).json()["villages"]?[0]?["fixed"], .null)
    }

    func testJSONGapsAndPlaces() throws {
        let json = Self.report().json()
        let gaps = try XCTUnwrap(json["gaps"]?.arrayValue)
        XCTAssertEqual(gaps.map { $0["id"]?.stringValue }, ["V3", "V6", "V2", "V5", "V4"])
        XCTAssertEqual(text(gaps[1]), #"""
        {"id":"V6","name":"Thôn Sáu","commune":"Phước Sơn","district":"Tuy Phước","mobile_status":"uncovered",\#
        "mobile_coverage":0,"fixed_status":"unavailable","fibre_distance_m":25000,"short":["mobile_uncovered","fixed_unavailable"]}
        """#)
        XCTAssertEqual(gaps.map { text($0["short"]) }, [
            #"["mobile_uncovered"]"#, #"["mobile_uncovered","fixed_unavailable"]"#, #"["mobile_partial","fixed_unavailable"]"#,
            #"["mobile_partial"]"#, #"["fixed_unavailable"]"#,
        ])
        XCTAssertEqual(text(gaps[4]["mobile_coverage"]), "0.96")
        XCTAssertEqual(text(json["priority_places"]), #"""
        [{"id":"P1","name":"Bệnh viện Phù Cát","category":"hospital","has_5g":false,"coverage_5g":0.123457,"requires_5g":true},\#
        {"id":"P2","name":"Sân bay Phù Cát","category":"airport","has_5g":true,"coverage_5g":null,"requires_5g":true}]
        """#)
        // Without a places layer, the summary's places are null and the list is empty.
        let bare = Self.report(places: false).json()
        XCTAssertEqual(bare["summary"]?["places"], .null)
        XCTAssertEqual(bare["priority_places"], [])
    }

    /// Gap entries are in the order of a stable sort by mobile status, worst first: uncovered,
    /// partial, then covered villages short of fixed broadband, each in village order.
    func testGapEntriesAreInTheOrderOfAStableSortByStatus() {
        var generator = SystemRandomNumberGenerator()
        let statuses: [MobileStatus] = [.covered, .partial, .uncovered]
        let villages = (0..<5_000).map { _ in (statuses.randomElement(using: &generator)!, Bool.random(using: &generator)) }
        let entries = Report.gapEntries(count: villages.count) { villages[$0] }
        let expected = villages.indices.filter { villages[$0].0 != .covered || villages[$0].1 }
            .sorted { a, b in villages[a].0 != villages[b].0 ? villages[a].0 > villages[b].0 : a < b }
        XCTAssertEqual(entries.map(\.index), expected)
        XCTAssertEqual(entries.map(\.mobile), expected.map { villages[$0].0 })
        XCTAssertEqual(entries.map(\.fixedUnavailable), expected.map { villages[$0].1 })
        XCTAssertTrue(Report.gapEntries(count: 3) { _ in (.covered, false) }.isEmpty)
    }
}

/// The same hand-made report in Vietnamese: the words change, the names, numbers and order do not.
final class TextReportVietnameseTests: XCTestCase {
    func testTextTableInVietnamese() {
        var report = TextReportTests.report()
        report.language = .vi
        let lines = report.text().components(separatedBy: "\n")
        XCTAssertEqual(Array(lines.prefix(20)), [
            "covgap — 6 thôn/làng, hệ tọa độ làm việc EPSG:32649",
            "",
            "Thôn/làng chưa đạt chỉ tiêu (5):",
            "",
            "  Tuy Phước",
            "    Phước Sơn",
            "      Làng Ba   di động chưa phủ sóng (phủ sóng 2.0 %)",
            "      Thôn Sáu  di động chưa phủ sóng (phủ sóng 0.0 %); cáp quang cách 25.0 km",
            "",
            "  Phù Cát",
            "    Cát Hải",
            "      Thôn Hai  di động phủ sóng một phần (phủ sóng 50.0 %); cáp quang cách 800 m",
            "    Cát Tiến",
            "      Thôn Bốn  cáp quang cách 1.2 km",
            "",
            "  (không rõ huyện)",
            "    (không rõ xã/phường)",
            "      Xóm Năm   di động phủ sóng một phần (phủ sóng 30.0 %)",
            "",
            "Chỉ tiêu kế hoạch                         lần chạy này          mục tiêu        hiện trạng",
        ])
        let text = lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("    2 phủ sóng một phần, 2 chưa phủ sóng\n"))
        XCTAssertTrue(text.contains("CHƯA ĐẠT: 3 thôn/làng (Thôn Hai, Thôn Bốn, Thôn Sáu)\n"))
        XCTAssertTrue(text.contains("CHƯA ĐẠT: 1 điểm ưu tiên (Bệnh viện Phù Cát)\n"))
        XCTAssertTrue(text.contains("Số liệu khác\n  Phủ sóng 4G (thôn/làng được phủ)        33.3 % (2/6)\n"))
        XCTAssertTrue(text.contains("  Hộ gia đình có sóng di động             65.0 % trên 200\n"))
        XCTAssertTrue(text.contains("Điểm ưu tiên chưa có 5G (1):\n  Bệnh viện Phù Cát                             bệnh viện\n"))
    }

    func testCSVHeaderInVietnameseAndRowsUnchanged() {
        var report = TextReportTests.report()
        let english = String(decoding: report.csv(), as: UTF8.self).components(separatedBy: "\n")
        report.language = .vi
        let vietnamese = String(decoding: report.csv(), as: UTF8.self).components(separatedBy: "\n")
        XCTAssertTrue(vietnamese[0].hasPrefix("\u{FEFF}mã,thôn/làng,xã/phường,huyện,số hộ,diện tích (m²),diện tích (ha),phủ sóng di động,"), vietnamese[0])
        XCTAssertEqual(vietnamese[0].split(separator: ",").count, english[0].split(separator: ",").count)
        XCTAssertEqual(Array(vietnamese.dropFirst()), Array(english.dropFirst()))
    }
}
