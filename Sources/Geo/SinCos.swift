import Foundation

/// sin x and cos x together, within two units in the last place of glibc's, for the series that
/// project and walk the footprints' millions of vertices (each vertex takes about a dozen sines
/// and cosines, and Swift on Linux has no `sincos`). x is reduced by π/2 in three parts (Cody and
/// Waite, with fused multiply–adds) to r in [−π/4, π/4] and a quadrant; sin r and cos r are their
/// Taylor series to r¹⁷ and r¹⁸, whose first omitted terms are below 10⁻¹⁹ there. Arguments beyond
/// ±10⁶ (and NaN, ±∞) go to the C library.
@inline(__always)
func sinCos(_ x: Double) -> (sin: Double, cos: Double) {
    guard x.magnitude <= 1_000_000 else { return (sin(x), cos(x)) }
    // Within ±0.78 (less than π/4) the quadrant is 0 and there is nothing to take away: the
    // rounding and the three fused multiply–adds (calls into the C library on x86-64's baseline)
    // would give x back, a zero made +0 (as `+ 0` does). Most of the footprints' angles are there.
    let (k, r) = x.magnitude < 0.78 ? (0, x + 0) : quarterTurnsReduced(x)
    let r2 = r * r
    let s = r + r * r2 * SinCosConstants.sinTail(r2)
    let c = 1 + r2 * SinCosConstants.cosTail(r2)
    return turned(s, c, quarterTurns: Int(k))
}

/// x as k quarter turns and r in [−π/4, π/4] (Cody and Waite: π/2 in three parts, fused
/// multiply–adds).
@inline(__always)
func quarterTurnsReduced(_ x: Double) -> (k: Double, r: Double) {
    let k = (x * (2 / Double.pi)).rounded()
    return (k, x.addingProduct(-k, SinCosConstants.halfPi1).addingProduct(-k, SinCosConstants.halfPi2)
        .addingProduct(-k, SinCosConstants.halfPi3))
}

/// sin and cos of θ + n·90° from those of θ: swaps and signs.
@inline(__always)
func turned(_ s: Double, _ c: Double, quarterTurns n: Int) -> (sin: Double, cos: Double) {
    switch n & 3 {
    case 0: return (s, c)
    case 1: return (c, -s)
    case 2: return (-s, -c)
    default: return (-c, s)
    }
}

enum SinCosConstants {
    /// π/2 as the sum of three doubles.
    static let halfPi1 = 1.5707963267948966
    static let halfPi2 = 6.123233995736766e-17
    static let halfPi3 = -1.4973849048591698e-33

    /// (sin r − r) / r³ as a polynomial in r²: −1/3! + r²/5! − … + r¹⁴/17!.
    @inline(__always)
    static func sinTail(_ z: Double) -> Double {
        let s8 = 1.0 / 355_687_428_096_000
        let s7 = -1.0 / 1_307_674_368_000
        let s6 = 1.0 / 6_227_020_800
        let s5 = -1.0 / 39_916_800
        let s4 = 1.0 / 362_880
        let s3 = -1.0 / 5040
        let s2 = 1.0 / 120
        let s1 = -1.0 / 6
        return s1 + z * (s2 + z * (s3 + z * (s4 + z * (s5 + z * (s6 + z * (s7 + z * s8))))))
    }

    /// (cos r − 1) / r² as a polynomial in r²: −1/2! + r²/4! − … − r¹⁶/18!.
    @inline(__always)
    static func cosTail(_ z: Double) -> Double {
        let c9 = -1.0 / 6_402_373_705_728_000
        let c8 = 1.0 / 20_922_789_888_000
        let c7 = -1.0 / 87_178_291_200
        let c6 = 1.0 / 479_001_600
        let c5 = -1.0 / 3_628_800
        let c4 = 1.0 / 40320
        let c3 = -1.0 / 720
        let c2 = 1.0 / 24
        let c1 = -0.5
        return c1 + z * (c2 + z * (c3 + z * (c4 + z * (c5 + z * (c6 + z * (c7 + z * (c8 + z * c9)))))))
    }
}
