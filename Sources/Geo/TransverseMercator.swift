import Foundation

/// WGS 84 / UTM (EPSG:326zz north, 327zz south) computed by Krüger's series to sixth order in
/// the third flattening, as C. F. F. Karney writes it in "Transverse Mercator with an accuracy
/// of a few nanometers", J. Geodesy 85 (2011) 475–485. It is the same transformation PROJ's
/// `utm` computes (its default algorithm uses the same series) and agrees with it to a few
/// nanometres within `maxLongitudeOffset` of the central meridian.
///
/// `Projection` uses it for the working CRS's hot path, the villages' and footprints' millions
/// of vertices projected from longitude/latitude: the series costs about 105 ns a position here
/// against about 200 ns through PROJ's pipeline. Positions it does not take (not finite, a pole,
/// beyond `maxLongitudeOffset` of the central meridian) make `forward` return `false`, and the
/// caller hands the whole array to PROJ instead. The inverse stays with PROJ: solving for the
/// latitude by Newton's method made the series no faster than PROJ there.
struct UTMSeries {
    /// UTM's scale on the central meridian and false easting.
    static let k0 = 0.9996
    static let falseEasting = 500_000.0
    /// How far from the central meridian (degrees) positions are taken: adjacent zones and more;
    /// the series stays within nanometres of the exact projection far beyond this.
    static let maxLongitudeOffset = 20.0

    let centralMeridian: Double
    let falseNorthing: Double
    private let e: Double
    /// `k0 · A`, the rectifying radius scaled to the central meridian.
    private let scale: Double
    private let alpha: (Double, Double, Double, Double, Double, Double)

    /// The series for a WGS 84 / UTM CRS as `canonicalCRS` writes it ("EPSG:32649"), nil for any other.
    init?(crs: String) {
        guard crs.hasPrefix("EPSG:"), let epsg = Int(crs.dropFirst(5)) else { return nil }
        let zone: Int
        switch epsg {
        case 32601...32660: zone = epsg - 32600; falseNorthing = 0
        case 32701...32760: zone = epsg - 32700; falseNorthing = 10_000_000
        default: return nil
        }
        centralMeridian = Double(6 * zone - 183)
        let f = WGS84.flattening
        let e2 = f * (2 - f)
        e = e2.squareRoot()
        let n = f / (2 - f)
        let n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n
        scale = Self.k0 * WGS84.equatorialRadius / (1 + n) * (1 + n2 / 4 + n4 / 64 + n6 / 256)
        alpha = (n / 2 - 2 * n2 / 3 + 5 * n3 / 16 + 41 * n4 / 180 - 127 * n5 / 288 + 7891 * n6 / 37800,
                 13 * n2 / 48 - 3 * n3 / 5 + 557 * n4 / 1440 + 281 * n5 / 630 - 1983433 * n6 / 1935360,
                 61 * n3 / 240 - 103 * n4 / 140 + 15061 * n5 / 26880 + 167603 * n6 / 181440,
                 49561 * n4 / 161280 - 179 * n5 / 168 + 6601661 * n6 / 7257600,
                 34729 * n5 / 80640 - 3418889 * n6 / 1995840,
                 212378941 * n6 / 319334400)
    }

    /// Longitude/latitude (degrees) to easting/northing in place; `false`, with nothing changed,
    /// when any position is one the series does not take.
    func forward(_ points: UnsafeMutableBufferPointer<Coordinate>) -> Bool {
        guard points.allSatisfy(takes) else { return false }
        for i in points.indices { points[i] = projected(points[i]) }
        return true
    }

    /// `points` projected into a new array; nil when any position is one the series does not take.
    func forwarded(_ points: [Coordinate]) -> [Coordinate]? {
        points.allSatisfy(takes) ? points.map(projected) : nil
    }

    /// One position the series takes (`takes`), projected.
    @inline(__always) private func projected(_ p: Coordinate) -> Coordinate {
        forward(lonOffset: Self.wrapped(p.x - centralMeridian), lat: p.y)
    }

    /// Whether the series takes `p`: finite, within `maxLongitudeOffset` of the central
    /// meridian, off the poles.
    @inline(__always) private func takes(_ p: Coordinate) -> Bool {
        let d = Self.wrapped(p.x - centralMeridian)
        return d.isFinite && abs(d) <= Self.maxLongitudeOffset && abs(p.y) < 90
    }

    /// `degrees` in [-180, 180].
    private static func wrapped(_ degrees: Double) -> Double {
        degrees > 180 ? degrees - 360 : degrees < -180 ? degrees + 360 : degrees
    }

    private func forward(lonOffset: Double, lat: Double) -> Coordinate {
        let lambda = lonOffset * (Double.pi / 180), phi = lat * (Double.pi / 180)
        let (sinPhi, cosPhi) = sinCos(phi), (sinLambda, cosLambda) = sinCos(lambda)
        // The conformal latitude's tangent τ′ from τ = tan φ.
        let tau = sinPhi / cosPhi
        let sigma = sigma(sinPhi)
        let tauPrime = tau * (1 + sigma * sigma).squareRoot() - sigma * (1 + tau * tau).squareRoot()
        // The Gauss–Schreiber coordinates ξ′, η′; e^η′ is also e^(asinh z). cos λ > 0
        // within `maxLongitudeOffset`, so atan of the quotient is atan2.
        let inverseR = 1 / (tauPrime * tauPrime + cosLambda * cosLambda).squareRoot()
        let xiPrime = atan(tauPrime / cosLambda)
        let z = sinLambda * inverseR
        let expEta = z + (1 + z * z).squareRoot()
        let etaPrime = log(expEta)
        // sin and cos of 2ξ′ from ξ′'s own sine and cosine; sinh and cosh of 2η′ from e^2η′.
        let s = tauPrime * inverseR, c = cosLambda * inverseR
        let sin2 = 2 * s * c, cos2 = (c - s) * (c + s)
        let exp2 = expEta * expEta, inverseExp2 = 1 / exp2
        let sinh2 = (exp2 - inverseExp2) / 2, cosh2 = (exp2 + inverseExp2) / 2
        let (dXi, dEta) = Self.clenshaw(alpha, sin2: sin2, cos2: cos2, sinh2: sinh2, cosh2: cosh2)
        return Coordinate(Self.falseEasting + scale * (etaPrime + dEta), falseNorthing + scale * (xiPrime + dXi))
    }

    /// σ = sinh(e · atanh(e · sin φ)), as (q − 1/q) / 2 for q = ((1 + e sin φ) / (1 − e sin φ))^(e/2).
    @inline(__always) private func sigma(_ sinPhi: Double) -> Double {
        let es = e * sinPhi
        let q = exp(e / 2 * log1p(2 * es / (1 - es)))
        return (q - 1 / q) / 2
    }

    /// Σ c_j sin(2jζ) for ζ = ξ + iη, by Clenshaw's recurrence in complex arithmetic: the real part
    /// is Σ c_j sin 2jξ cosh 2jη, the imaginary part Σ c_j cos 2jξ sinh 2jη.
    private static func clenshaw(_ c: (Double, Double, Double, Double, Double, Double),
                                 sin2: Double, cos2: Double, sinh2: Double, cosh2: Double) -> (Double, Double) {
        // 2 cos 2ζ = 2 (cos 2ξ cosh 2η − i sin 2ξ sinh 2η)
        let ar = 2 * cos2 * cosh2, ai = -2 * sin2 * sinh2
        var yr0 = 0.0, yi0 = 0.0, yr1 = 0.0, yi1 = 0.0
        @inline(__always) func step(_ k: Double) {
            let tr = ar * yr0 - ai * yi0 - yr1 + k
            let ti = ar * yi0 + ai * yr0 - yi1
            yr1 = yr0; yi1 = yi0; yr0 = tr; yi0 = ti
        }
        step(c.5); step(c.4); step(c.3); step(c.2); step(c.1); step(c.0)
        // sin 2ζ = sin 2ξ cosh 2η + i cos 2ξ sinh 2η, times y₀
        let sr = sin2 * cosh2, si = cos2 * sinh2
        return (sr * yr0 - si * yi0, sr * yi0 + si * yr0)
    }
}
