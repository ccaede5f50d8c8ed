import XCTest
@testable import CoverageMap
import Coverage

/// The map's Vietnamese interface: every fragment it replaces is in the page's resources, and the
/// English page is the resources untouched.
final class MapWordsTests: XCTestCase {
    func testEveryFragmentOccursInTheResources() {
        let html = MapPage.template.before + MapPage.template.between + MapPage.template.after
        let words = MapWords.fragments(.vi)
        XCTAssertEqual(MapWords.apply(words.html, to: html).missing, [])
        XCTAssertEqual(MapWords.apply(words.script, to: MapPage.script).missing, [])
        XCTAssertGreaterThan(words.html.count + words.script.count, 70)
    }

    func testEnglishIsTheResourcesAndVietnameseReplacesTheirWords() {
        let payload = MapPageTests.payload
        XCTAssertEqual(MapPage.html(payloadJSON: payload), MapPage.html(payloadJSON: payload, language: .en))
        let en = MapPage.html(payloadJSON: payload), vi = MapPage.html(payloadJSON: payload, language: .vi)
        XCTAssertTrue(en.contains(#"kpi("Mobile signal", "#) && en.contains("<h2>View</h2>"))
        XCTAssertFalse(vi.contains(#"kpi("Mobile signal", "#) || vi.contains("<h2>View</h2>") || vi.contains(#""Gap villages""#))
        XCTAssertTrue(vi.contains("<h2>Hiển thị</h2>") && vi.contains(#""Kết quả tìm kiếm" : "Thôn/làng chưa đạt""#))
        // The palette's placeholders are filled after the words: the thresholds read 5 and 95 %.
        XCTAssertTrue(vi.contains(#"{ label: "Chưa phủ sóng (< 5 %)""#))
        XCTAssertFalse(vi.contains("@uncovered_pct@"))
    }

    /// Replacement is literal, left to right and without overlaps, as the page's words need it.
    func testReplacingIsLiteralLeftToRightWithoutOverlaps() {
        func r(_ from: String, _ to: String, _ text: String) -> String? {
            MapWords.replacing(Array(from.utf8), with: Array(to.utf8), in: Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
        }
        XCTAssertEqual(r("@a@", "1", "@a@x@a@@a@"), "1x11")
        XCTAssertEqual(r("aa", "b", "aaa"), "ba")
        XCTAssertEqual(r("Thôn", "Làng", "Thôn Thôn."), "Làng Làng.")
        XCTAssertEqual(r("x", "", "axbx"), "ab")
        XCTAssertEqual(r("whole", "part", "whole"), "part")
        XCTAssertNil(r("absent", "y", "text"))
        XCTAssertNil(r("", "y", "text"))
        XCTAssertNil(r("longer than the text", "y", "text"))
        // Fragments apply one after another, each to what the ones before left.
        let (text, missing) = MapWords.apply([("cat", "dog"), ("dog", "fox"), ("owl", "bat")], to: "cat dog")
        XCTAssertEqual(text, "fox fox")
        XCTAssertEqual(missing, ["owl"])
    }
}
