import Foundation

/// Defaults applied while reading, counted so that report.json says how much of the answer rests
/// on them: a sector without radius_m takes its technology's radius, a sector with an azimuth and
/// no beamwidth takes 120°, a village without a centre is measured from a point inside its polygon.
struct DefaultCounts {
    var beamwidth = 0
}

extension InputLoader {
    /// One warning per default applied to a file's sectors, with the count.
    mutating func reportDefaults(_ sectors: [Sector], file: String) {
        let radius = sectors.reduce(0) { $0 + ($1.radius == nil ? 1 : 0) }
        if radius > 0 {
            warn("\(file): \(Self.counted(radius, of: sectors.count, "sector")) no radius_m; each took its technology's radius (--radius-2g … --radius-5g)")
        }
        if defaults.beamwidth > 0 {
            warn("\(file): \(Self.counted(defaults.beamwidth, of: sectors.count, "sector")) an azimuth and no beamwidth; each took 120°")
        }
        defaults = DefaultCounts()
    }

    /// The warning for villages without a centre, when there are any.
    public static func centreWarning(_ villages: [Village], file: String) -> String? {
        let missing = villages.reduce(0) { $0 + ($1.center == nil ? 1 : 0) }
        guard missing > 0 else { return nil }
        return "\(file): \(counted(missing, of: villages.count, "village")) no centre; fibre reach is measured from a point inside each polygon (give --centres, or a center property)"
    }

    /// "3 of 10 sectors have" / "1 of 10 sectors has".
    static func counted(_ n: Int, of total: Int, _ noun: String) -> String {
        "\(n) of \(total) \(noun)\(total == 1 ? "" : "s") \(n == 1 ? "has" : "have")"
    }
}
