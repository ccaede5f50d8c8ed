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

    /// Throws when a lon/lat polygon cannot be measured in a UTM zone: too wide, too tall, or polar.
    static func checkMeasurable(_ shape: Shape, _ fail: (String?, String) -> InputError) throws {
        guard let b = shape.bounds else { return }
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
