import Foundation

/// `d` rounded to the nearest integer and clamped into ±Int.max (NaN gives 0): converting a
/// figure for printing or drawing never traps, whatever a file held.
public func clampedInt(_ d: Double) -> Int {
    guard !d.isNaN else { return 0 }
    let r = d.rounded()
    if r >= 9.2e18 { return Int.max }
    if r <= -9.2e18 { return -Int.max }
    return Int(r)
}

/// "150,000,000" for 1.5e8: the integer nearest `d` with thousands separators, for any finite
/// `d` (no conversion to a fixed-width integer, so 1e25 prints rather than traps).
public func groupedDigits(_ d: Double) -> String {
    guard d.isFinite else { return "\(d)" }
    let digits = String(format: "%.0f", d.rounded())
    let negative = digits.hasPrefix("-")
    var out = ""
    for (k, ch) in digits.drop(while: { $0 == "-" }).reversed().enumerated() {
        if k > 0 && k % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (negative && digits != "-0" ? "-" : "") + String(out.reversed())
}

/// A range a number read from a file or an option must lie in, with the reason for the bounds.
public struct NumberRange: Sendable {
    public var lower: Double
    public var upper: Double
    /// Whether `lower` itself is allowed (a radius must be above 0, a distance may be 0).
    public var includesLower: Bool
    /// "metres", "degrees", "VND"…; empty for a plain number.
    public var unit: String

    public init(_ lower: Double, _ upper: Double, includesLower: Bool = true, unit: String = "") {
        self.lower = lower; self.upper = upper; self.includesLower = includesLower; self.unit = unit
    }

    public func contains(_ v: Double) -> Bool {
        v.isFinite && (includesLower ? v >= lower : v > lower) && v <= upper
    }

    /// "must be more than 0 and at most 100000 metres, got -1"; nil when `v` is in range.
    public func refusal(_ v: Double) -> String? {
        if contains(v) { return nil }
        let u = unit.isEmpty ? "" : " " + unit
        let low = includesLower ? "at least \(Self.format(lower))" : "more than \(Self.format(lower))"
        return "must be \(low) and at most \(Self.format(upper))\(u), got \(Self.format(v))"
    }

    static func format(_ d: Double) -> String { d.isNaN ? "nan" : plainNumber(d) }
}

/// A number as people write it: whole numbers without ".0" (below 10¹⁵), others as Swift prints them.
public func plainNumber(_ d: Double) -> String {
    d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
}
