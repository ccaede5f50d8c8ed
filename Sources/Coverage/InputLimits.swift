import Foundation
import Geo
import GeoIO

/// The bounds every value read from an input must respect, and why (README, "Hostile and
/// oversized input"). Each refusal is an `InputError` naming file, feature or row, and field.
public enum InputLimits {
    /// Largest `radius_m` (and `--radius-*`), metres: beyond any real cell (the longest-range
    /// macro cells reach about 35 km, GSM's timing-advance limit), and small enough that a
    /// footprint stays within one UTM zone's accurate band and never wraps round the globe.
    public static let maxRadius = 100_000.0
    /// Largest `households` or `population` of one village: more than any city; it keeps every
    /// sum over a national dataset exact in a Double and far inside Int64.
    public static let maxCount = 100_000_000.0
    /// Widest and tallest village or priority polygon, degrees (about 330 km): no planar CRS
    /// measures a bigger one accurately, and a real village is a few kilometres across.
    public static let maxSpanDegrees = 3.0
    /// The latitudes UTM zones cover; beyond them (the poles) a zone cannot measure.
    public static let latitudes = -80.0...84.0

    /// Whether a lon/lat polygon with the bounds `b` can be measured in a UTM zone.
    static func isMeasurable(_ b: Bounds) -> Bool {
        b.maxX - b.minX <= maxSpanDegrees && b.maxY - b.minY <= maxSpanDegrees
            && latitudes.contains(b.minY) && latitudes.contains(b.maxY)
    }

    /// Throws when a lon/lat polygon cannot be measured in a UTM zone: too wide, too tall, or polar.
    static func checkMeasurable(_ shape: Shape, _ fail: (String?, String) -> InputError) throws {
        guard let b = shape.bounds, !isMeasurable(b) else { return }
        let width = b.maxX - b.minX, height = b.maxY - b.minY
        if width > maxSpanDegrees || height > maxSpanDegrees {
            throw fail("geometry", "the polygon spans \(degrees(width))° of longitude and \(degrees(height))° of latitude; "
                + "no planar CRS measures one wider or taller than \(degrees(maxSpanDegrees))° (about 330 km) accurately")
        }
        if !latitudes.contains(b.minY) || !latitudes.contains(b.maxY) {
            let lat = b.maxY > latitudes.upperBound ? b.maxY : b.minY
            throw fail("geometry", "the polygon reaches latitude \(degrees(lat))°; areas are measured in UTM zones, "
                + "which cover 80°S to 84°N only")
        }
    }

    static func degrees(_ d: Double) -> String { String(format: "%.1f", d) }
}

extension InputLimits {
    /// Throws when a name, id, operator… holds a control character (a NUL, ESC, CR, LF, tab):
    /// such text would forge lines on a terminal and in report.csv, and no real name holds one.
    static func checkPlainText(_ value: String?, _ refuse: (String) -> InputError) throws {
        guard let value, let (scalar, offset) = firstControlCharacter(value) else { return }
        let code = "U+" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
            + String(scalar.value, radix: 16, uppercase: true)
        throw refuse("holds the control character \(code) at character \(offset + 1); names and ids must be plain text")
    }
}
