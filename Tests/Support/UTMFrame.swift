import Geo
import Coverage

/// Test geometry drawn in UTM zone 49N metres around a point in Bình Định and handed to the
/// analysis in lon/lat, as the input files give it.
public protocol UTMFrame {}

extension UTMFrame {
    public var utm: String { "EPSG:32649" }
    /// A point in Bình Định, in UTM 49N.
    public var origin: Coordinate { Coordinate(300_000, 1_560_000) }

    /// The point (x, y) metres from the origin, in lon/lat.
    public func lonLat(_ x: Double, _ y: Double) throws -> Coordinate {
        try Projection.cached(from: "EPSG:4326", to: utm).transform(Coordinate(origin.x + x, origin.y + y), inverse: true)
    }

    /// A lon/lat point as metres from the origin.
    public func metres(_ c: Coordinate) throws -> Coordinate {
        let xy = try Projection.cached(from: "EPSG:4326", to: utm).transform(c)
        return Coordinate(xy.x - origin.x, xy.y - origin.y)
    }

    /// A square ring of side `side` metres with its lower-left corner at (x, y) metres from the origin, lon/lat.
    public func squareRing(_ x: Double, _ y: Double, _ side: Double, clockwise: Bool = false) throws -> [Coordinate] {
        let r = try [lonLat(x, y), lonLat(x + side, y), lonLat(x + side, y + side), lonLat(x, y + side), lonLat(x, y)]
        return clockwise ? r.reversed() : r
    }

    /// The default parameters, working in UTM 49N on `jobs` threads.
    public func parameters(jobs: Int = 1) -> AnalysisParameters {
        var p = AnalysisParameters()
        p.crs = utm
        p.jobs = jobs
        return p
    }
}
