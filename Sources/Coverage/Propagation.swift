import Foundation
import Geo
import GeoIO

/// How a sector's footprint is drawn (docs/radio-model.md).
public enum PropagationMode: String, CaseIterable, Sendable {
    /// A flat wedge of the sector's radius (radius_m or the tech's radius): version one.
    case fixed
    /// Okumura–Hata / COST-231 Hata path loss against the link budget, on flat ground.
    case hata
    /// The Hata loss plus terrain diffraction over the DEM, relative to smooth earth.
    case terrain
    /// Line of sight over the DEM within the sector's radius.
    case los
}

/// The clutter class the Hata formulas are corrected for.
public enum Environment: String, CaseIterable, Sendable {
    case urban, suburban, rural, open
}

/// The receiver side and the defaults of the link budget (docs/radio-model.md).
public struct RadioParameters: Sendable {
    public var mode: PropagationMode = .fixed
    /// Receiver antenna height above ground, metres.
    public var rxHeight: Double = 1.5
    /// The environment of sites that give none.
    public var environment: Environment = .suburban
    /// Received level a sector must deliver, dBm, per tech.
    public var threshold: [Tech: Double] = Dictionary(uniqueKeysWithValues: Tech.allCases.map { ($0, $0.defaultThreshold) })
    /// The terrain (heights in metres); required by `terrain` and `los`.
    public var dem: Raster?
    /// The DEM file's SHA-256, for the report.
    public var demSHA256: String?
    /// Effective Earth radius, metres (4/3 of 6371 km).
    public var earthRadius: Double = 6_371_000 * 4 / 3

    public init() {}

    /// The link budget of `sector`: its own columns where given, else the tech's defaults.
    public func budget(for sector: Sector) -> LinkBudget {
        LinkBudget(height: sector.heightM ?? Tech.defaultAntennaHeight,
                   frequency: sector.frequencyMHz ?? sector.tech.defaultFrequency,
                   eirp: sector.eirpDBm ?? sector.tech.defaultEIRP,
                   environment: sector.environment ?? environment,
                   threshold: threshold[sector.tech] ?? sector.tech.defaultThreshold,
                   rxHeight: rxHeight)
    }
}

extension Tech {
    /// Antenna height above ground when a site gives no height_m, metres.
    public static let defaultAntennaHeight = 30.0

    /// Carrier frequency in MHz when a site gives no frequency_mhz (the bands most used in Vietnam).
    public var defaultFrequency: Double {
        switch self {
        case .g2: return 900
        case .g3: return 2100
        case .g4: return 1800
        case .g5: return 3500
        }
    }

    /// EIRP in dBm when a site gives no eirp_dbm: transmitter power plus antenna gain minus feeder loss.
    public var defaultEIRP: Double {
        switch self {
        case .g2: return 58  // 43 dBm + 18 dBi − 3 dB
        case .g3: return 58
        case .g4: return 58
        case .g5: return 64  // a 64-element array's gain
        }
    }

    /// The design level a village needs, dBm (outdoor level with the indoor and fade margins in it).
    public var defaultThreshold: Double {
        switch self {
        case .g2: return -87
        case .g3: return -87
        case .g4: return -87
        case .g5: return -78
        }
    }
}

/// A sector's radio parameters, resolved.
public struct LinkBudget: Sendable, Equatable {
    /// Antenna height above ground, metres.
    public var height: Double
    public var frequency: Double
    public var eirp: Double
    public var environment: Environment
    public var threshold: Double
    public var rxHeight: Double

    /// The maximum allowable path loss: EIRP minus the receiver threshold, dB.
    public var mapl: Double { eirp - threshold }

    /// The basic loss as `a + b·log10(d / 1 km)`.
    public var hata: Hata { Hata(frequency: frequency, baseHeight: height, mobileHeight: rxHeight, environment: environment) }
}

/// Okumura–Hata (150–1500 MHz) and COST-231 Hata (1500–2000 MHz), as `a + b·log10(d km)` for one
/// frequency, antenna heights and environment. Above 2000 MHz COST-231 is extrapolated with the
/// frequency; `validity` says so.
public struct Hata: Sendable {
    /// Loss at 1 km, dB.
    public let a: Double
    /// dB per decade of distance.
    public let b: Double
    /// "Okumura–Hata" or "COST-231 Hata".
    public let model: String
    /// Nil inside the model's frequency and height ranges, else what is outside.
    public let validity: String?

    public init(frequency f: Double, baseHeight hb: Double, mobileHeight hm: Double, environment: Environment) {
        let lf = log10(f), lhb = log10(max(hb, 1))
        // Small and medium city mobile antenna correction.
        let ahm = (1.1 * lf - 0.7) * hm - (1.56 * lf - 0.8)
        let urban: Double
        if f <= 1500 {
            model = "Okumura–Hata"
            urban = 69.55 + 26.16 * lf - 13.82 * lhb - ahm
        } else {
            model = "COST-231 Hata"
            urban = 46.3 + 33.9 * lf - 13.82 * lhb - ahm  // Cm = 0: medium city
        }
        // Okumura's corrections for the other classes, also applied to COST-231.
        let correction: Double
        switch environment {
        case .urban: correction = 0
        case .suburban: correction = -2 * pow(log10(f / 28), 2) - 5.4
        case .rural: correction = -4.78 * lf * lf + 18.33 * lf - 35.94
        case .open: correction = -4.78 * lf * lf + 18.33 * lf - 40.94
        }
        a = urban + correction
        b = 44.9 - 6.55 * lhb
        var outside: [String] = []
        if f < 150 { outside.append("\(plainNumber(f)) MHz is below Okumura–Hata's 150 MHz") }
        if f > 2000 { outside.append("\(plainNumber(f)) MHz is above COST-231 Hata's 2000 MHz (extrapolated)") }
        if hb < 30 || hb > 200 { outside.append("antenna height \(plainNumber(hb)) m is outside 30–200 m") }
        if hm < 1 || hm > 10 { outside.append("receiver height \(plainNumber(hm)) m is outside 1–10 m") }
        validity = outside.isEmpty ? nil : outside.joined(separator: "; ")
    }

    /// The basic loss at `distance` metres, dB.
    public func loss(distance: Double) -> Double { a + b * log10(max(distance, 1) / 1000) }

    /// The distance in metres at which the loss reaches `mapl`.
    public func radius(mapl: Double) -> Double { 1000 * pow(10, (mapl - a) / b) }

}

/// ITU-R P.526's knife-edge diffraction loss J(ν), dB (0 for ν ≤ −0.78).
public func knifeEdgeLoss(_ v: Double) -> Double {
    guard v > -0.78 else { return 0 }
    return 6.9 + 20 * log10(((v - 0.1) * (v - 0.1) + 1).squareRoot() + v - 0.1)
}

/// The ν at which J(ν) reaches `loss` dB (the inverse of `knifeEdgeLoss` above 0 dB; −0.78 at 0).
public func inverseKnifeEdgeLoss(_ loss: Double) -> Double {
    guard loss > 0 else { return -0.78 }
    // J = 6.9 + 20·log10(√(t² + 1) + t) with t = ν − 0.1, so √(t² + 1) + t = y and t = (y² − 1) / 2y.
    let y = pow(10, (loss - 6.9) / 20)
    return max(-0.78, (y * y - 1) / (2 * y) + 0.1)
}

