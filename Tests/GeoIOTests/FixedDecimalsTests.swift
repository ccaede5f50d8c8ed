import XCTest
@testable import GeoIO

/// Coordinates rounded to a number of decimals: the fast path must round exactly as the decimal
/// expansion does, ties included (7-decimal input written with 6 decimals is full of them).
final class FixedDecimalsTests: XCTestCase {
    func exact(_ v: Double, _ decimals: Int) -> String {
        var b: [UInt8] = []
        JSONWriter.appendFixedExact(v, decimals: decimals, to: &b)
        return String(decoding: b, as: UTF8.self)
    }

    func testNearTiesRoundLikeTheExactExpansion() {
        var generator = SystemRandomNumberGenerator()
        var ties = 0
        for _ in 0..<2_000 {
            // A 7-decimal number ending in 5: a tie at 6 decimals, on one side or the other in binary.
            let units = Int.random(in: -1_800_000_000...1_800_000_000, using: &generator) * 10 + 5
            let v = Double("\(units / 10_000_000).\(String(repeating: "0", count: 7 - String(abs(units % 10_000_000)).count))\(abs(units % 10_000_000))")!
            XCTAssertEqual(fixed(v, 6), exact(v, 6), "\(units)e-7")
            if fixed(v, 6) == exact(v, 6) { ties += 1 }
        }
        XCTAssertEqual(ties, 2_000)
    }

    func testKnownValues() {
        XCTAssertEqual(fixed(108.8123455, 6), exact(108.8123455, 6))
        XCTAssertEqual(fixed(0.5, 0), "1")
        XCTAssertEqual(fixed(-0.5, 0), "-1")
        XCTAssertEqual(fixed(2.5, 0), "3")
        XCTAssertEqual(fixed(0.125, 2), "0.13")        // exactly representable tie: away from zero
        XCTAssertEqual(fixed(1.0000005, 6), exact(1.0000005, 6))
        XCTAssertEqual(fixed(-0.0000004, 6), "0")
        XCTAssertEqual(fixed(14.305, 6), "14.305")
    }
}
