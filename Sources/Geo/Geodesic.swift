import CPROJ

/// The WGS 84 ellipsoid, shared by its geodesics, the UTM series and the rasters' cell sizes.
enum WGS84 {
    static let equatorialRadius = 6_378_137.0
    static let flattening = 1 / 298.257223563
}

/// Geodesics on the WGS 84 ellipsoid by Karney's algorithms: the direct problem by our own
/// evaluation of its series (`GeodesicSeries`), the inverse problem and areas by PROJ's
/// `geodesic.h`. Needs no context.
public struct Geodesic: @unchecked Sendable {
    private var g = geod_geodesic()
    /// The direct problem's series, for any ellipsoid they suit (|f| ≤ 0.01); PROJ's otherwise.
    private let series: GeodesicSeries?

    public static let wgs84 = Geodesic(equatorialRadius: WGS84.equatorialRadius, flattening: WGS84.flattening)

    public init(equatorialRadius a: Double, flattening f: Double) {
        self.init(equatorialRadius: a, flattening: f, series: true)
    }

    /// With `series` false, PROJ solves the direct problem too (to check the series against it).
    init(equatorialRadius a: Double, flattening f: Double, series: Bool) {
        geod_init(&g, a, f)
        self.series = series ? GeodesicSeries(equatorialRadius: a, flattening: f) : nil
    }

    /// The point `distance` metres from (`lon`, `lat`) along `azimuth` degrees clockwise from north.
    public func destination(from start: Coordinate, azimuth: Double, distance: Double) -> Coordinate {
        destinations(from: start, azimuths: [azimuth], distance: distance)[0]
    }

    /// The points at each of `azimuths` and `distance` metres from `start`, lon/lat.
    public func destinations(from start: Coordinate, azimuths: [Double], distance: Double) -> [Coordinate] {
        fan(from: start, azimuths: azimuths, distances: [distance])[0]
    }

    /// The points at each of `azimuths` and each of `distances` from `start`, lon/lat, as
    /// `fan[distance][azimuth]`: one geodesic line per azimuth, evaluated at every distance (each
    /// point the same bits whatever the other distances), so co-located sectors of one antenna
    /// direction share the set-up. `destination` and `destinations` are its single cases.
    public func fan(from start: Coordinate, azimuths: [Double], distances: [Double]) -> [[Coordinate]] {
        var out = distances.map { _ -> [Coordinate] in
            var a: [Coordinate] = []
            a.reserveCapacity(azimuths.count)
            return a
        }
        if let series {
            let from = series.start(start)
            for az in azimuths {
                let line = series.line(from: from, azimuth: az)
                for k in distances.indices { out[k].append(series.position(line, distance: distances[k])) }
            }
            return out
        }
        withUnsafePointer(to: g) { gp in
            let caps = UInt32(GEOD_LATITUDE.rawValue | GEOD_LONGITUDE.rawValue | GEOD_DISTANCE_IN.rawValue)
            for az in azimuths {
                var line = geod_geodesicline()
                geod_lineinit(&line, gp, start.y, start.x, az, caps)
                for k in distances.indices {
                    var lat2 = 0.0, lon2 = 0.0
                    geod_genposition(&line, UInt32(GEOD_NOFLAGS.rawValue), distances[k], &lat2, &lon2, nil, nil, nil, nil, nil, nil)
                    out[k].append(Coordinate(lon2, lat2))
                }
            }
        }
        return out
    }

    /// Distance in metres and the forward azimuths at both ends (the inverse problem).
    public func inverse(from a: Coordinate, to b: Coordinate) -> (distance: Double, azimuth1: Double, azimuth2: Double) {
        var s12 = 0.0, azi1 = 0.0, azi2 = 0.0
        withUnsafePointer(to: g) { geod_inverse($0, a.y, a.x, b.y, b.x, &s12, &azi1, &azi2) }
        return (s12, azi1, azi2)
    }

    public func distance(from a: Coordinate, to b: Coordinate) -> Double { inverse(from: a, to: b).distance }

    /// Area in m² (positive when counter-clockwise) and perimeter in metres of a lon/lat ring
    /// (the closing vertex may be repeated or not).
    public func polygonArea(_ ring: [Coordinate]) -> (area: Double, perimeter: Double) {
        var pts = ring
        if pts.count > 1, pts.first == pts.last { pts.removeLast() }
        var lats = pts.map(\.y), lons = pts.map(\.x)
        var area = 0.0, perimeter = 0.0
        withUnsafePointer(to: g) { geod_polygonarea($0, &lats, &lons, Int32(pts.count), &area, &perimeter) }
        return (area, perimeter)
    }
}
