import XCTest
import GeoIO
@testable import CoverageGate
import CoverageReport
import Coverage
#if canImport(FoundationXML)
import FoundationXML
#endif

final class ReportCheckTests: XCTestCase {
    static let v1 = VillageSpec(id: "V1", name: "Thôn 1", commune: "Xã An Vinh", district: "Huyện An Lão", households: 100,
                                mobile: 1, status: "covered", fixed: "available", distance: 300)
    static let v2 = VillageSpec(id: "V2", name: "Thôn 5 & <Suối \"Đá\">", commune: "Xã An Vinh", district: "Huyện An Lão",
                                households: 50, mobile: 0.6, status: "partial", fixed: "unavailable", distance: 4200)
    static let v3 = VillageSpec(id: "V3", name: "Làng O2", commune: "Xã Vĩnh Kim", district: "Huyện Vĩnh Thạnh", households: 40,
                                mobile: 0, status: "uncovered", fixed: "unavailable", distance: 3900)
    static let v4 = VillageSpec(id: "V4", name: "Làng Kon Trú", commune: "Xã Vĩnh Kim", district: "Huyện Vĩnh Thạnh", households: 60,
                                mobile: 0.97, status: "covered", fixed: "available", distance: 800)

    /// Four villages, hand-counted: 2 covered, 1 partial, 1 uncovered; fibre at 2 of 4; two places, one with 5G.
    static func sample(fibre: Bool = true) throws -> SavedReport {
        var summary = figures(villages: 4, covered: 2, partial: 1, uncovered: 1, available: fibre ? 2 : nil,
                              households: 250, mobileHouseholds: 160, fibreHouseholds: fibre ? 160 : nil)
        summary.append("places", ["total": 2, "with_5g": 1, "5g_pct": 50])
        let lao = figures(villages: 2, covered: 1, partial: 1, uncovered: 0, available: fibre ? 1 : nil,
                          households: 150, mobileHouseholds: 100, fibreHouseholds: fibre ? 100 : nil)
        let thanh = figures(villages: 2, covered: 1, partial: 0, uncovered: 1, available: fibre ? 1 : nil,
                            households: 100, mobileHouseholds: 60, fibreHouseholds: fibre ? 60 : nil)
        func named(_ name: String, district: String? = nil, _ f: JSONObject) -> JSONValue {
            var o: JSONObject = ["name": .string(name)]
            if let district { o.append("district", .string(district)) }
            for m in f { o.append(m.key, m.value) }
            return .object(o)
        }
        summary.append("districts", [named("Huyện An Lão", lao), named("Huyện Vĩnh Thạnh", thanh)])
        summary.append("communes", [named("Xã An Vinh", district: "Huyện An Lão", lao),
                                    named("Xã Vĩnh Kim", district: "Huyện Vĩnh Thạnh", thanh)])
        var villages = [v1, v2, v3, v4]
        if !fibre { for i in villages.indices { villages[i].fixed = nil } }
        let json = reportJSON(villages, summary: summary, places: [("P1", "Bệnh viện Đa khoa", true, nil), ("P2", "Trường THPT An Lão", false, nil)])
        return try SavedReport(json, source: "report.json")
    }

    // MARK: Parsing

    func testParsesFiguresScopesAndOperators() throws {
        let r = try Requirement(parsing: "mobile.covered_pct>=99.9")
        XCTAssertEqual(r.figure, ["mobile", "covered_pct"])
        XCTAssertEqual(r.comparison, .atLeast)
        XCTAssertEqual(r.limit, 99.9)
        XCTAssertEqual(r.scope, Requirement.Scope())

        let d = try Requirement(parsing: " district[Huyện An Lão] . fixed.available_pct >= 100 ")
        XCTAssertEqual(d.scope.district, "Huyện An Lão")
        XCTAssertNil(d.scope.commune)
        XCTAssertEqual(d.figureName, "fixed.available_pct")

        // Figure names are matched ignoring case and come back in the report's spelling.
        XCTAssertEqual(try Requirement(parsing: "4g.COVERED_PCT>95").figure, ["4G", "covered_pct"])
        XCTAssertEqual(try Requirement(parsing: "places.5g_pct==100").comparison, .equal)
        XCTAssertEqual(try Requirement(parsing: "mobile.uncovered!=2").comparison, .notEqual)
        XCTAssertEqual(try Requirement(parsing: "mobile.uncovered<1").comparison, .below)
        XCTAssertEqual(try Requirement(parsing: "mobile.uncovered<=1").comparison, .atMost)
        let both = try Requirement(parsing: "district[Vĩnh Thạnh].commune[vinh kim].mobile.uncovered==0")
        XCTAssertEqual(both.scope, Requirement.Scope(district: "Vĩnh Thạnh", commune: "vinh kim"))
        XCTAssertEqual(both.limit, 0)
    }

    func syntaxError(_ text: String) -> RequirementSyntaxError? {
        do {
            _ = try Requirement(parsing: text)
            XCTFail("\(text) parsed")
            return nil
        } catch let e as RequirementSyntaxError {
            return e
        } catch {
            XCTFail("\(error)")
            return nil
        }
    }

    func testSyntaxErrorsShowTheExpressionAndColumn() {
        let e = syntaxError("mobile.covered_pct>>99")
        XCTAssertEqual(e?.column, 20)
        XCTAssertEqual(e?.description, """
            --require 'mobile.covered_pct>>99': expected a number at column 20
              mobile.covered_pct>>99
                                 ^
            """)
        XCTAssertEqual(syntaxError("mobile.covered_pct=99.9")?.message, "expected a comparison (>=, <=, >, <, ==, !=); use == for equality")
        XCTAssertEqual(syntaxError("mobile.covered_pct=99.9")?.column, 19)
        XCTAssertEqual(syntaxError("district[An Lão.fixed.available_pct>=1")?.message, "missing ] to close district[")
        XCTAssertEqual(syntaxError("district[An Lão.fixed.available_pct>=1")?.column, 9)
        XCTAssertEqual(syntaxError("region[x].mobile.covered>=1")?.column, 1)
        XCTAssertEqual(syntaxError("mobile.covered_pct>=99.9 %")?.message, "unexpected '%' after the number")
        XCTAssertEqual(syntaxError("mobile.covered_pct>=99.9 %")?.column, 26)
        XCTAssertEqual(syntaxError(">=99")?.message, "expected a figure such as mobile.covered_pct")
        XCTAssertEqual(syntaxError("mobile.>=1")?.column, 8)
        XCTAssertEqual(syntaxError("mobile.covered_pct>=")?.column, 21)
        XCTAssertEqual(syntaxError("mobile.covered_pct>=1.2.3")?.message, "expected a number")

        let unknown = syntaxError("mobile.coverd_pct>=99")
        XCTAssertEqual(unknown?.message, "unknown figure 'mobile.coverd_pct'")
        XCTAssertEqual(unknown?.column, 1)
        XCTAssertTrue(unknown?.description.contains("mobile|broadband|2G|3G|4G|5G.{covered,partial,uncovered,covered_pct,any_signal_pct}") ?? false)
        // Places have no district figures.
        let places = syntaxError("district[An Lão].places.5g_pct>=100")
        XCTAssertEqual(places?.column, 18)
        XCTAssertEqual(places?.message, "unknown figure 'places.5g_pct' (places figures exist only for the whole report)")
    }

    // MARK: Evaluation

    func outcome(_ text: String, _ report: SavedReport? = nil) throws -> RequirementOutcome {
        try ReportCheck(report: report ?? Self.sample(), requirements: [Requirement(parsing: text)]).outcomes[0]
    }

    func testRequirementThatHoldsHasNoOffenders() throws {
        let o = try outcome("mobile.covered_pct>=50")
        XCTAssertTrue(o.holds)
        XCTAssertEqual(o.actual, 50)
        XCTAssertEqual(o.offenders, [])
        XCTAssertTrue(try outcome("households.mobile_covered==160").holds)
    }

    func testFailingRequirementsListTheirOffenders() throws {
        let mobile = try outcome("mobile.covered_pct>=99.9")
        XCTAssertFalse(mobile.holds)
        XCTAssertEqual(mobile.actual, 50)
        XCTAssertEqual(mobile.summaryLine, "mobile.covered_pct = 50 (needs >= 99.9)")
        XCTAssertEqual(mobile.offenders.map(\.line), [
            "village V2 Thôn 5 & <Suối \"Đá\"> (Xã An Vinh, Huyện An Lão): mobile partial (60.0 % covered)",
            "village V3 Làng O2 (Xã Vĩnh Kim, Huyện Vĩnh Thạnh): mobile uncovered (0.0 % covered)",
        ])
        XCTAssertEqual(try outcome("mobile.uncovered<=0").offenders.map(\.id), ["V3"])
        XCTAssertEqual(try outcome("mobile.partial==0").offenders.map(\.id), ["V2"])
        XCTAssertEqual(try outcome("fixed.available_pct>=100").offenders.map(\.detail), ["no fibre (4.2 km away)", "no fibre (3.9 km away)"])
        let places = try outcome("places.5g_pct>=100")
        XCTAssertEqual(places.offenders.map(\.line), ["place P2 Trường THPT An Lão: no 5G (hospital)"])
    }

    func testDistrictAndCommuneScopesMatchIgnoringDiacritics() throws {
        let d = try outcome("district[huyen an lao].mobile.covered_pct>=100")
        XCTAssertEqual(d.scopeName, "Huyện An Lão")
        XCTAssertEqual(d.actual, 50)
        XCTAssertEqual(d.offenders.map(\.id), ["V2"])
        let c = try outcome("commune[vinh kim].fixed.unavailable==0")
        XCTAssertEqual(c.scopeName, "Xã Vĩnh Kim, Huyện Vĩnh Thạnh")
        XCTAssertEqual(c.actual, 1)
        XCTAssertEqual(c.offenders.map(\.id), ["V3"])
        XCTAssertTrue(try outcome("district[Huyện Vĩnh Thạnh].commune[Xã Vĩnh Kim].mobile.uncovered==1").holds)

        XCTAssertThrowsError(try outcome("commune[xa].mobile.uncovered==0")) { e in
            XCTAssertEqual("\(e)", "report.json: --require 'commune[xa].mobile.uncovered==0': \"xa\" matches 2 communes: Xã An Vinh, Huyện An Lão; Xã Vĩnh Kim, Huyện Vĩnh Thạnh; add district[…] before commune[…]")
        }
        XCTAssertThrowsError(try outcome("district[Tây Sơn].mobile.uncovered==0")) { e in
            XCTAssertEqual("\(e)", "report.json: --require 'district[Tây Sơn].mobile.uncovered==0': no district is named \"Tây Sơn\" (the report has 2: Huyện An Lão, Huyện Vĩnh Thạnh)")
        }
        // Whole words only: "an" is not found inside "Thạnh".
        XCTAssertEqual(try outcome("district[an].villages==2").scopeName, "Huyện An Lão")
    }

    func testFigureMissingFromTheReportIsAnInputError() throws {
        XCTAssertThrowsError(try outcome("fixed.available_pct>=100", Self.sample(fibre: false))) { e in
            XCTAssertTrue(e is InputError)
            XCTAssertEqual("\(e)", "report.json: --require 'fixed.available_pct>=100': the report has no fixed.available_pct (the analysis had no fibre layer)")
        }
    }

    func testNotAReportIsRefused() {
        XCTAssertThrowsError(try SavedReport(["type": "FeatureCollection", "features": []], source: "x.geojson")) { e in
            XCTAssertEqual("\(e)", "x.geojson: not a covgap report.json (no schema_version and summary)")
        }
    }

    // MARK: Baseline

    func testBaselineListsExactlyTheVillageThatGotWorse() throws {
        let old = try Self.sample()
        var v1 = Self.v1, v3 = Self.v3
        v1.mobile = 0.5; v1.status = "partial"        // worse
        v3.mobile = 1; v3.status = "covered"          // better
        let v5 = VillageSpec(id: "V5", name: "Làng mới", commune: "Xã Vĩnh Kim", district: "Huyện Vĩnh Thạnh", households: 10,
                             mobile: 0, status: "uncovered", fixed: "unavailable")
        let newJSON = reportJSON([v1, Self.v2, v3, v5], summary: old.summary,
                                 places: [("P1", "Bệnh viện Đa khoa", true, nil), ("P2", "Trường THPT An Lão", false, nil)])
        let new = try SavedReport(newJSON, source: "new.json")
        let b = BaselineComparison(old: old, new: new)
        XCTAssertFalse(b.holds)
        XCTAssertEqual(b.worse.map(\.line), ["village V1 Thôn 1 (Xã An Vinh, Huyện An Lão): mobile: covered → partial"])
        // A new uncovered village and a removed one are listed, and do not fail the comparison.
        XCTAssertEqual(b.added.map(\.id), ["V5"])
        XCTAssertEqual(b.removed.map(\.id), ["V4"])

        let check = try ReportCheck(report: new, requirements: [], baseline: old)
        XCTAssertFalse(check.holds)
        XCTAssertEqual(check.failureCount, 1)
    }

    func testBaselineCountsLostFibreAndLost5G() throws {
        let old = try Self.sample()
        var v1 = Self.v1
        v1.fixed = "unavailable"
        let new = try SavedReport(reportJSON([v1, Self.v2, Self.v3, Self.v4], summary: old.summary,
                                             places: [("P1", "Bệnh viện Đa khoa", false, nil), ("P2", "Trường THPT An Lão", false, nil)]),
                                  source: "new.json")
        let b = BaselineComparison(old: old, new: new)
        XCTAssertEqual(b.worse.map(\.detail), ["fixed: available → unavailable", "5G: yes → no"])
        XCTAssertTrue(b.added.isEmpty && b.removed.isEmpty)
        XCTAssertTrue(BaselineComparison(old: old, new: old).holds)
    }

    // MARK: Output

    func testJUnitIsValidXMLWithOneTestCasePerRequirement() throws {
        let report = try Self.sample()
        let requirements = try ["mobile.covered_pct>=50", "fixed.available_pct>=100", "mobile.uncovered<=0"].map(Requirement.init(parsing:))
        let check = try ReportCheck(report: report, requirements: requirements, baseline: report)
        let doc = try XMLDocument(data: Data(check.junit().utf8))
        let suites = try doc.nodes(forXPath: "/testsuites/testsuite") as! [XMLElement]
        XCTAssertEqual(suites.count, 1)
        XCTAssertEqual(suites[0].attribute(forName: "tests")?.stringValue, "4")
        XCTAssertEqual(suites[0].attribute(forName: "failures")?.stringValue, "2")
        let cases = suites[0].elements(forName: "testcase")
        XCTAssertEqual(cases.map { $0.attribute(forName: "name")?.stringValue ?? "" },
                       ["mobile.covered_pct>=50", "fixed.available_pct>=100", "mobile.uncovered<=0",
                        "no village or place worse than report.json"])
        XCTAssertEqual(cases.map { $0.elements(forName: "failure").count }, [0, 1, 1, 0])
        let failure = cases[1].elements(forName: "failure")[0]
        XCTAssertEqual(failure.attribute(forName: "message")?.stringValue, "fixed.available_pct = 50 (needs >= 100)")
        // The Vietnamese name with markup characters comes back unchanged.
        XCTAssertEqual(failure.stringValue, """
            village V2 Thôn 5 & <Suối "Đá"> (Xã An Vinh, Huyện An Lão): no fibre (4.2 km away)
            village V3 Làng O2 (Xã Vĩnh Kim, Huyện Vĩnh Thạnh): no fibre (3.9 km away)

            """)
    }

    func testXMLEscape() {
        XCTAssertEqual(xmlEscape("Làng \"A\" & <B> 'c'\u{1}"), "Làng &quot;A&quot; &amp; &lt;B&gt; &apos;c&apos;\u{FFFD}")
    }

    func testJSONResult() throws {
        let check = try ReportCheck(report: Self.sample(), requirements: [Requirement(parsing: "mobile.uncovered<=0")])
        let json = check.json()
        XCTAssertEqual(json["holds"], false)
        XCTAssertEqual(json["requirements"]?[0]?["actual"], 1)
        XCTAssertEqual(json["requirements"]?[0]?["offenders"]?[0]?["id"], "V3")
        XCTAssertEqual(json["baseline"], .null)
    }
}
