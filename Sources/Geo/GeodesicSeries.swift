import Foundation

/// The direct geodesic problem (from a point, an azimuth and a distance to the point reached) by
/// the series of C. F. F. Karney, "Algorithms for geodesics", Journal of Geodesy 87 (2013),
/// §§3–4: the geodesic is mapped onto a great circle of the auxiliary sphere, where the distance
/// becomes an arc length by eqs. (15)–(21) (ε to the sixth order) and the longitude follows by
/// eqs. (23)–(25) (to the fifth). For an ellipsoid as flat as the Earth's the truncation error is a
/// few nanometres at any distance. PROJ's `geod_direct` evaluates the same series; this one skips
/// its general set-up (its capability masks, a line structure made per azimuth, angle rounding)
/// and is what a footprint's arcs cost most. Valid for |f| ≤ 0.01, where the series need no Newton
/// correction.
struct GeodesicSeries: Sendable {
    private let f1: Double, b: Double, ep2: Double
    /// A3 as a polynomial in ε with n folded in: A3 = Σ a3[j] εʲ.
    private let a3: (Double, Double, Double, Double, Double, Double)
    /// C3_l as polynomials in ε (l = 1…5), coefficients of ε^l … ε⁵ with n folded in.
    private let c31: (Double, Double, Double, Double, Double)
    private let c32: (Double, Double, Double, Double)
    private let c33: (Double, Double, Double)
    private let c34: (Double, Double)
    private let c35: Double
    private let f: Double

    init?(equatorialRadius a: Double, flattening f: Double) {
        guard a > 0, a.isFinite, abs(f) <= 0.01 else { return nil }
        self.f = f
        f1 = 1 - f
        b = a * f1
        let e2 = f * (2 - f)
        ep2 = e2 / (f1 * f1)
        let n = f / (2 - f), n2 = n * n
        // Eq. (24).
        a3 = (1, -(0.5 - n / 2), -(0.25 + n / 8 - 3 * n2 / 8), -(1.0 / 16 + 3 * n / 16 + n2 / 16),
              -(3.0 / 64 + n / 32), -3.0 / 128)
        // Eq. (25).
        c31 = (0.25 - n / 4, 0.125 - n2 / 8, 3.0 / 64 + 3 * n / 64 - n2 / 64, 5.0 / 128 + n / 64, 3.0 / 128)
        c32 = (1.0 / 16 - 3 * n / 32 + n2 / 32, 3.0 / 64 - n / 32 - 3 * n2 / 64, 3.0 / 128 + n / 128, 5.0 / 256)
        c33 = (5.0 / 192 - 3 * n / 64 + 5 * n2 / 192, 3.0 / 128 - 5 * n / 192, 7.0 / 512)
        c34 = (7.0 / 512 - 7 * n / 256, 7.0 / 512)
        c35 = 21.0 / 2560
    }

    /// One azimuth's geodesic from one point, ready to be evaluated at any distance.
    struct Line {
        fileprivate let lon1: Double
        fileprivate let salp0: Double, calp0: Double
        fileprivate let ssig1: Double, csig1: Double, somg1: Double, comg1: Double
        fileprivate let b1: Double, b31: Double, a3c: Double, scale: Double
        fileprivate let stau1: Double, ctau1: Double
        fileprivate let c1p: Coefficients6, c3: Coefficients6
    }

    /// A start point for `line`: its longitude and its reduced latitude β's sine and cosine
    /// (tan β = (1 − f) tan φ).
    struct Start {
        fileprivate let lon: Double, sbet: Double, cbet: Double
    }

    func start(_ point: Coordinate) -> Start {
        // A latitude beyond a pole has no geodesics (NaN answers, as PROJ gives).
        let (s, c) = sinCosDegrees(abs(point.y) > 90 ? .nan : point.y)
        var sbet = f1 * s, cbet = c
        let r = (sbet * sbet + cbet * cbet).squareRoot()
        sbet /= r
        cbet /= r
        // A pole's geodesics start from a tiny positive cos β, so that their azimuth means something.
        return Start(lon: point.x, sbet: sbet, cbet: max(cbet, Self.tiny))
    }

    func line(from start: Start, azimuth: Double) -> Line {
        let (salp1, calp1) = sinCosDegrees(azimuth)
        let sbet1 = start.sbet, cbet1 = start.cbet
        // α0, the azimuth at the node (eq. 5); σ1 and ω1 on the auxiliary sphere (eqs. 10, 11).
        let salp0 = salp1 * cbet1
        let calp0 = (calp1 * calp1 + (salp1 * sbet1) * (salp1 * sbet1)).squareRoot()
        var ssig1 = sbet1, csig1 = sbet1 != 0 || calp1 != 0 ? cbet1 * calp1 : 1
        // tan ω1 = sin α0 tan σ1: ω1's sine and cosine as they are, σ1's normalised.
        let somg1 = salp0 * sbet1, comg1 = csig1
        let r = (ssig1 * ssig1 + csig1 * csig1).squareRoot()
        ssig1 /= r
        csig1 /= r
        // k² and ε (eqs. 9, 16).
        let k2 = calp0 * calp0 * ep2
        let eps = k2 / (2 * (1 + (1 + k2).squareRoot()) + k2)
        let e2 = eps * eps
        // A1 − 1 (eq. 17), C1_l (eq. 18), C′1_l (eq. 21).
        let a1m1 = (e2 * (e2 * (e2 + 4) + 64) / 256 + eps) / (1 - eps)
        var c1 = Coefficients6()
        var e = eps
        c1.c1 = e * (e2 * (6 - e2) - 16) / 32; e *= eps
        c1.c2 = e * (e2 * (64 - 9 * e2) - 128) / 2048; e *= eps
        c1.c3 = e * (9 * e2 - 16) / 768; e *= eps
        c1.c4 = e * (3 * e2 - 5) / 512; e *= eps
        c1.c5 = -7 * e / 1280; e *= eps
        c1.c6 = -7 * e / 2048
        var c1p = Coefficients6()
        e = eps
        c1p.c1 = e * (e2 * (205 * e2 - 432) + 768) / 1536; e *= eps
        c1p.c2 = e * (e2 * (4005 * e2 - 4736) + 3840) / 12288; e *= eps
        c1p.c3 = e * (116 - 225 * e2) / 384; e *= eps
        c1p.c4 = e * (2695 - 7173 * e2) / 7680; e *= eps
        c1p.c5 = 3467 * e / 7680; e *= eps
        c1p.c6 = 38081 * e / 61440
        // A3 and C3_l (eqs. 24, 25).
        let a3v = a3.0 + eps * (a3.1 + eps * (a3.2 + eps * (a3.3 + eps * (a3.4 + eps * a3.5))))
        var c3 = Coefficients6()
        c3.c1 = eps * (c31.0 + eps * (c31.1 + eps * (c31.2 + eps * (c31.3 + eps * c31.4))))
        c3.c2 = e2 * (c32.0 + eps * (c32.1 + eps * (c32.2 + eps * c32.3)))
        c3.c3 = e2 * eps * (c33.0 + eps * (c33.1 + eps * c33.2))
        c3.c4 = e2 * e2 * (c34.0 + eps * c34.1)
        c3.c5 = e2 * e2 * eps * c35
        let b11 = c1.sinSum(ssig1, csig1)
        let (sb, cb) = sinCos(b11)
        return Line(lon1: start.lon, salp0: salp0, calp0: calp0, ssig1: ssig1, csig1: csig1,
                    somg1: somg1, comg1: comg1, b1: b11, b31: c3.sinSum(ssig1, csig1),
                    a3c: -f * salp0 * a3v, scale: 1 / (b * (1 + a1m1)),
                    stau1: ssig1 * cb + csig1 * sb, ctau1: csig1 * cb - ssig1 * sb, c1p: c1p, c3: c3)
    }

    /// The point `distance` metres along `line`, lon/lat in degrees (longitude in [−180, 180]).
    func position(_ line: Line, distance: Double) -> Coordinate {
        // τ12 = s12 / (b A1) (eq. 7), turned into σ12 by the reverted series (eq. 20).
        let tau12 = distance * line.scale
        let (st, ct) = sinCos(tau12)
        let b12 = -line.c1p.sinSum(line.stau1 * ct + line.ctau1 * st, line.ctau1 * ct - line.stau1 * st)
        let sig12 = tau12 - (b12 - line.b1)
        let (ssig12, csig12) = sinCos(sig12)
        let ssig2 = line.ssig1 * csig12 + line.csig1 * ssig12
        let csig2 = line.csig1 * csig12 - line.ssig1 * ssig12
        // β2 (eq. 13) and ω12 (eq. 12), then λ12 (eq. 8 with eq. 23).
        let sbet2 = line.calp0 * ssig2
        var cbet2 = (line.salp0 * line.salp0 + (line.calp0 * csig2) * (line.calp0 * csig2)).squareRoot()
        if cbet2 == 0 { cbet2 = Self.tiny }
        let somg2 = line.salp0 * ssig2, comg2 = csig2
        let omg12 = atan2(somg2 * line.comg1 - comg2 * line.somg1, comg2 * line.comg1 + somg2 * line.somg1)
        let lam12 = omg12 + line.a3c * (sig12 + (line.c3.sinSum(ssig2, csig2) - line.b31))
        var lon2 = line.lon1 + lam12 * (180 / Double.pi)
        if lon2 > 180 { lon2 -= 360 } else if lon2 < -180 { lon2 += 360 }
        let lat2 = atan2(sbet2, f1 * cbet2) * (180 / Double.pi)
        return Coordinate(lon2, lat2)
    }

    private static let tiny = Double.leastNormalMagnitude.squareRoot()
}

/// Six coefficients of a Fourier sine series in 2σ (unused ones zero).
struct Coefficients6 {
    var c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0, c5 = 0.0, c6 = 0.0

    /// Σ c_l sin(2lσ) for σ given by its sine and cosine, by Clenshaw's recurrence.
    func sinSum(_ s: Double, _ c: Double) -> Double {
        let ar = 2 * (c - s) * (c + s)  // 2 cos 2σ
        var y1 = ar * c6 + c5
        var y0 = ar * y1 - c6 + c4
        y1 = ar * y0 - y1 + c3
        y0 = ar * y1 - y0 + c2
        y1 = ar * y0 - y1 + c1
        return 2 * s * c * y1  // sin 2σ · y
    }
}

/// sin and cos of an angle in degrees, exact at multiples of 90° (the angle is first reduced to
/// [−45°, 45°] exactly and its quadrant applied by swaps and signs).
func sinCosDegrees(_ degrees: Double) -> (sin: Double, cos: Double) {
    guard degrees.isFinite else { return (.nan, .nan) }
    // Below 360° the remainder is the angle itself, and below 45° the quadrant is a zero of the
    // angle's sign: neither needs its call into the C library (`fmod`, `round`).
    var r = degrees.magnitude < 360 ? degrees : degrees.truncatingRemainder(dividingBy: 360)
    let q = r.magnitude < 45 ? Double(signOf: r, magnitudeOf: 0) : (r / 90).rounded()
    r -= 90 * q
    let x = r * (Double.pi / 180)
    let (s, c) = sinCos(x)
    let sc = turned(s, c, quarterTurns: Int(q))
    // +0 rather than −0, so that the signs of exact zeros do not depend on the quadrant.
    return (sc.sin + 0, sc.cos + 0)
}
