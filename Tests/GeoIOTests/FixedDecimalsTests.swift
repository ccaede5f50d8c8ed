import Geo
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

    /// The shortcut through a double product gives what the 128-bit product gives: coordinates,
    /// ties and near-ties at every decimal count, tiny and huge values.
    func testTheShortcutRoundsAsTheExactProduct() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.5, 1.5, 2.5, 0.125, 1e-300, .leastNonzeroMagnitude, 0x1p50, 0x1p52, 1e15, 1e19, 9.2e18, 108.123_456_5, 14.305]
        for _ in 0..<30_000 {
            values.append(Double.random(in: 100...120, using: &generator))
            values.append(Double.random(in: 0...1, using: &generator))
            values.append(Double.random(in: 0...1e12, using: &generator))
            // A decimal tie at 5 or 6 decimals, and its neighbours one ulp away.
            let tie = Double(Int.random(in: 0...200_000_000, using: &generator)) / 1e6 + 5e-7
            values += [tie, tie.nextUp, tie.nextDown, (tie * 10).rounded() / 10 + 5e-6]
        }
        var shortcuts = 0
        for v in values {
            for d in [0, 1, 2, 5, 6, 7, 9, 12, 15, 19] {
                let exact = JSONWriter.exactlyRoundedScaled(v, decimals: d)
                XCTAssertEqual(JSONWriter.roundedScaled(v, decimals: d), exact, "\(v) with \(d) decimals")
                if exact != nil && v * JSONScanner.powerOfTen(d) < 0x1p50 { shortcuts += 1 }
            }
        }
        XCTAssertGreaterThan(shortcuts, values.count * 5)
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
        // The widest texts the fast path writes: 20 digits, and 19 decimals behind a zero.
        XCTAssertEqual(fixed(1.8e19, 0), "18000000000000000000")
        XCTAssertEqual(fixed(-5e-19, 19), "-0.0000000000000000005")
        XCTAssertEqual(fixed(1.25, 19), "1.25")
        XCTAssertEqual(fixed(1e20, 0), "100000000000000000000")   // beyond 64 bits: the exact path
        XCTAssertEqual(fixed(.infinity, 2), "null")
    }

    /// `writtenValue` is the number the text reads back as, without making the text.
    func testWrittenValueIsTheTextReadBack() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.5, -0.5, 2.5, 0.125, 1e-7, -4e-7, 5e-7, 108.8123455, 14.305, 1e15, -3.3e17,
                                9_007_199_254.740993, 1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .nan, .infinity]
        for _ in 0..<5_000 {
            values.append(Double.random(in: -180...180, using: &generator))
            values.append(Double(Int.random(in: -1_800_000_000...1_800_000_000, using: &generator) * 10 + 5) / 1e7)
            values.append(Double.random(in: -1e4...1e4, using: &generator) * 1e-9)
        }
        // Any bit pattern (huge and tiny ones go through the exact expansion: a few suffice).
        for _ in 0..<40 { values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))) }
        var compared = 0
        for v in values {
            for d in [0, 1, 2, 5, 6, 7, 9, 12, 15] {
                let read = Double(fixed(v, d))
                let fast = writtenValue(v, d)
                if let read {
                    XCTAssertEqual(fast.bitPattern, read.bitPattern, "\(v) at \(d) decimals: \(fast) against \(fixed(v, d))")
                    compared += 1
                } else {
                    XCTAssertEqual(fast.bitPattern, v.bitPattern, "\(v): NaN and infinities stay as they are")
                }
            }
        }
        XCTAssertGreaterThan(compared, 130_000)
    }

    /// `writtenShape` gives every coordinate `writtenValue`'s bits, in every kind of shape, and
    /// keeps a ring none of whose numbers change (the same storage, not a copy).
    func testWrittenShapeIsWrittenValueOfEveryCoordinate() {
        var generator = SystemRandomNumberGenerator()
        func value() -> Double {
            // Any bit pattern now and then (huge ones take the exact path through the text, slowly).
            switch Int.random(in: 0..<100, using: &generator) {
            case 0..<2: return [0, -0.0, 2.5e-7, -4e-7, 1e15, -3.3e17, .nan, .infinity][Int.random(in: 0..<8, using: &generator)]
            case 2: return Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
            case 3..<20: return Double(Int.random(in: -1_800_000_000...1_800_000_000, using: &generator) * 10 + 5) / 1e7   // ties at 6 decimals
            case 20..<60: return Double.random(in: -180...180, using: &generator)
            default: return Double(Int.random(in: -180_000_000...180_000_000, using: &generator)) / 1e6   // already 6 decimals
            }
        }
        func ring(_ n: Int) -> [Coordinate] { (0..<n).map { _ in Coordinate(value(), value()) } }
        func bits(_ s: Shape) -> [UInt64] {
            var out: [UInt64] = []
            s.forEachCoordinate { out += [$0.x.bitPattern, $0.y.bitPattern] }
            return out
        }
        let shapes: [Shape] = [.point(Coordinate(value(), value())), .multiPoint(ring(7)), .lineString(ring(80)),
                               .multiLineString([ring(5), ring(40)]), .polygon([ring(120), ring(9)]),
                               .multiPolygon([[ring(60)], [ring(30), ring(4)]]),
                               .geometryCollection([.lineString(ring(11)), .point(Coordinate(value(), value()))])]
        for shape in shapes {
            for d in [0, 3, 6, 7, 19, 20] {
                let expected = shape.mapCoordinates { Coordinate(writtenValue($0.x, d), writtenValue($0.y, d)) }
                let got = bits(writtenShape(shape, d)), want = bits(expected), given = bits(shape)
                for k in got.indices where got[k] != want[k] {
                    XCTFail("\(Double(bitPattern: given[k])) at \(d) decimals: \(Double(bitPattern: got[k])) against \(Double(bitPattern: want[k]))")
                    break
                }
            }
        }
        // Six decimals already: the ring comes back as it was, its storage shared.
        let six = (0..<100).map { i in Coordinate(104.5 + Double(i) / 1e6, 10.25 - Double(i * 7) / 1e6) }
        guard case .lineString(let back) = writtenShape(.lineString(six), 6) else { return XCTFail("not a line") }
        XCTAssertEqual(back, six)
        XCTAssertEqual(back.withUnsafeBufferPointer { $0.baseAddress }, six.withUnsafeBufferPointer { $0.baseAddress })
    }
}
