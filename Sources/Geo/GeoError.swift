/// An error raised by the geometry or coordinate-system libraries, with their own message.
public enum GeoError: Error, Equatable, CustomStringConvertible, Sendable {
    /// GEOS reported an error (the message is GEOS's own).
    case geos(String)
    /// PROJ reported an error (the message is PROJ's own).
    case proj(String)
    /// GDAL reported an error (the message is GDAL's own).
    case gdal(String)
    /// A coordinate reference system that PROJ does not know.
    case unknownCRS(String, reason: String)
    /// Input that cannot make a geometry (too few points, a non-finite coordinate…).
    case invalidInput(String)

    public var description: String {
        switch self {
        case .geos(let m): return "geometry error: \(m)"
        case .proj(let m): return "coordinate transformation error: \(m)"
        case .gdal(let m): return "GDAL error: \(m)"
        case .unknownCRS(let crs, let reason): return "unknown coordinate reference system \(crs): \(reason)"
        case .invalidInput(let m): return m
        }
    }
}
