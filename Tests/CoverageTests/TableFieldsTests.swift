import Foundation
import XCTest
@testable import Coverage

/// Numbers and columns of a sites table as the fast paths read them: the same Doubles as the
/// standard library's conversion, and the same columns as the header names them.
final class TableFieldsTests: XCTestCase {
    func testPlainDecimalsAreTheStandardLibrarysDoubles() {
        var texts = ["0", "-0", "+7", "5.", ".5", "-.25", "00012", "1.50", "13.774567", "-109.123456", "120",
                     "999999999999999", "0.00000000000001", "123456789.012345", "0.1", "0.3", "2.675", "1.005"]
        // Random decimals of up to 15 digits, with the point anywhere.
        var x: UInt64 = 0x1234_5678
        for _ in 0..<20_000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let digits = Int(x >> 60) % 15 + 1
            var s = String((x >> 8) % UInt64(pow(10, Double(digits))))
            while s.count < digits { s = "0" + s }
            let at = Int((x >> 4) % UInt64(digits + 1))
            if at < s.count { s.insert(".", at: s.index(s.startIndex, offsetBy: at)) }
            texts.append(((x & 1) == 0 ? "-" : "") + s)
        }
        for t in texts {
            let fast = InputLoader.plainDecimal(t)
            XCTAssertNotNil(fast, t)
            XCTAssertEqual(fast?.bitPattern, Double(t)?.bitPattern, t)
            XCTAssertEqual(InputLoader.number(t)?.bitPattern, Double(t)?.bitPattern, t)
        }
    }

    /// A field's surrounding spaces go, as Foundation trims them, whatever its ends are (a plain
    /// end is looked at in place; any other is Foundation's to trim).
    func testFieldsLoseTheirSurroundingSpacesOnly() {
        for (text, trimmed) in [("", ""), ("7", "7"), (" 7", "7"), ("7 ", "7"), ("\t a b \t", "a b"), ("a b", "a b"),
                                ("\u{00A0}x\u{00A0}", "x"), ("é", "é"), (" é ", "é"), ("\u{3000}Hà Nội\u{3000}", "Hà Nội"), ("~", "~"), ("!", "!")] {
            XCTAssertEqual(text.trimmedSpaces, trimmed, text)
            XCTAssertEqual(text.trimmedSpaces, text.trimmingCharacters(in: .whitespaces), text)
        }
    }

    func testOtherNumbersAreLeftToTheStandardLibrary() {
        // Not plain decimals: the slow path reads (or refuses) them as before.
        for t in ["", "-", "+", ".", "1.2.3", "--1", "1e5", "2.5E-3", "1234567890123456", "0.0000000000000001", "12,5", "nan", "inf", " 7"] {
            XCTAssertNil(InputLoader.plainDecimal(t), t)
        }
        XCTAssertEqual(InputLoader.number("1e5"), 100_000)
        XCTAssertEqual(InputLoader.number("2.5E-3"), 0.0025)
        XCTAssertEqual(InputLoader.number("1234567890123456"), 1_234_567_890_123_456)
        XCTAssertEqual(InputLoader.number(" 7 "), 7)
        XCTAssertNil(InputLoader.number("12,5"))
        XCTAssertNil(InputLoader.number("inf"))
        XCTAssertNil(InputLoader.number("1.2.3"))
    }

    func testColumnsAreFoundByNameInAnyOrder() {
        var columns = ColumnsInOrder(header: ["site_id", "lat", "lon", "operator", "lat"])
        // The first row sets the order; later rows in that order, then in another.
        for _ in 0..<3 {
            columns.startRow()
            XCTAssertEqual(columns.column("operator"), 3)
            XCTAssertEqual(columns.column("lat"), 1, "the first of a repeated name")
            XCTAssertNil(columns.column("azimuth"))
            XCTAssertEqual(columns.column("site_id"), 0)
        }
        columns.startRow()
        XCTAssertEqual(columns.column("site_id"), 0)
        XCTAssertNil(columns.column("azimuth"))
        XCTAssertEqual(columns.column("lon"), 2)
        XCTAssertEqual(columns.column("operator"), 3)
        XCTAssertEqual(columns.column("lat"), 1)
    }
}
