import ArgumentParser
import Coverage
import GeoIO

/// The range of every numeric option, with the reason for each bound; `check` refuses a value
/// outside it (NaN and infinities included) with a message that gives the range.
enum OptionRanges {
    /// Below 0.1° a circle has over 3,600 vertices and memory grows without bound; 90° is a square.
    static let arcStep = NumberRange(0.1, 90, unit: "degrees")
    /// As `radius_m` in the sites file.
    static let radius = NumberRange(0, InputLimits.maxRadius, includesLower: false, unit: "metres")
    /// Fixed broadband reaches a few kilometres from fibre; beyond 50 km distances are found by
    /// another method when villages span UTM zones.
    static let fibreReach = NumberRange(0, WorkingZones.fibreSearchRadius, unit: "metres")
    static let fraction = NumberRange(0, 1)
    /// A province is about 6,000 km² (6e9 m²).
    static let area = NumberRange(0, 1e12, unit: "square metres")
    static let jobs = NumberRange(1, 1024)
    /// A trillion VND per km is ten thousand times the usual figure, and keeps every total exact.
    static let fibreCost = NumberRange(0, 1e12, unit: "VND per km")
    static let snapTolerance = NumberRange(0, 10_000, unit: "metres")
    /// Each proposed site is one greedy pass over the candidates.
    static let newSites = NumberRange(0, 10_000)
    static let tolerance = NumberRange(0, 1)

    /// Throws "--NAME must be at least … and at most …, got …" when `value` is outside `range`.
    static func check(_ name: String, _ value: Double, _ range: NumberRange) throws {
        if let why = range.refusal(value) { throw ValidationError("--\(name) \(why)") }
    }
}
