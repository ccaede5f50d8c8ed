import Foundation
import TestSupport
import XCTest
@testable import Geo

final class SinCosTests: XCTestCase {
    /// Against the C library over a million arguments up to ±1,000 radians, the footprints' small
    /// angles, every multiple of π/4 up to ±200 quadrants, and the values beyond the reduced range.
    func testAgreesWithTheCLibrary() {
        var rng = SplitMix64(state: 11)
        var xs: [Double] = [0, -0.0, 1e-300, -1e-12, .pi / 4, -.pi / 4, .pi / 2, .pi, 1e6, -1e6, 1e6 + 1, 3e9, -7e15]
        for k in -800...800 { xs.append(Double(k) * .pi / 4) }
        for _ in 0..<1_000_000 { xs.append((rng.unit() - 0.5) * 2000) }
        for _ in 0..<100_000 { xs.append((rng.unit() - 0.5) * 0.02) }
        var worst = 0.0, differs = 0
        for x in xs {
            let (s, c) = sinCos(x)
            let ds = abs(s - sin(x)), dc = abs(c - cos(x))
            if ds > 0 || dc > 0 { differs += 1 }
            // Two units in the last place of the larger of the value and 2⁻¹⁰ (near a zero of sin
            // or cos the reduction's own rounding, a fraction of an ulp of π/2, is what is left).
            worst = max(worst, ds / max(sin(x).magnitude, 0x1p-10).ulp, dc / max(cos(x).magnitude, 0x1p-10).ulp)
        }
        XCTAssertLessThanOrEqual(worst, 2, "units in the last place")
        XCTAssertGreaterThan(differs, 0, "not the C library itself")
        XCTAssertEqual(sinCos(0).sin, 0)
        XCTAssertEqual(sinCos(0).cos, 1)
        XCTAssertTrue(sinCos(.nan).sin.isNaN)
        XCTAssertTrue(sinCos(.infinity).cos.isNaN)
        // Degrees: exact at the quadrants.
        for (d, s, c) in [(0.0, 0.0, 1.0), (90, 1, 0), (180, 0, -1), (-90, -1, 0), (270, -1, 0), (360, 0, 1), (-540, 0, -1)] {
            XCTAssertEqual(sinCosDegrees(d).sin, s, "\(d)°")
            XCTAssertEqual(sinCosDegrees(d).cos, c, "\(d)°")
        }
        XCTAssertEqual(sinCosDegrees(30).sin, 0.5, accuracy: 1e-16)
        XCTAssertTrue(sinCosDegrees(.nan).sin.isNaN && sinCosDegrees(-.infinity).cos.isNaN)
        XCTAssertEqual(sinCosDegrees(-135).cos, -0.5.squareRoot(), accuracy: 1e-16)
    }

    /// Below 0.78 in magnitude `sinCos` takes x as it is (no quarter turn, x + 0) where the
    /// reduction would give the same: the same bits, zeros' signs included.
    func testSmallArgumentsSkipTheReduction() {
        var rng = SplitMix64(state: 3)
        var xs: [Double] = [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e-300, -1e-17, 0.78.nextDown, -0.78.nextDown]
        for _ in 0..<200_000 { xs.append((rng.unit() - 0.5) * 1.56) }
        for _ in 0..<100_000 { xs.append((rng.unit() - 0.5) * 0.002) }
        for x in xs where x.magnitude < 0.78 {
            let (k, r) = quarterTurnsReduced(x)
            XCTAssertEqual(Int(k), 0, "\(x)")
            XCTAssertEqual(r.bitPattern, (x + 0).bitPattern, "\(x)")
        }
        // Degrees below 360 are their own remainder, and below 45 have no quarter turn.
        for d in [0, -0.0, 44.999999, -44.999999, 359.9, -359.9, 12.5, -0.001] {
            XCTAssertEqual(d.truncatingRemainder(dividingBy: 360).bitPattern, d.bitPattern, "\(d)")
            if d.magnitude < 45 { XCTAssertEqual((d / 90).rounded().bitPattern, Double(signOf: d, magnitudeOf: 0).bitPattern, "\(d)") }
        }
        XCTAssertEqual(sinCosDegrees(-0.0).sin.bitPattern, 0.0.bitPattern)
        XCTAssertEqual(sinCos(-0.0).sin.bitPattern, 0.0.bitPattern, "−0 goes in as +0, as the reduction made it")
    }
}
