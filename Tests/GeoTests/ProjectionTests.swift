import TestSupport
import XCTest
@testable import Geo

final class ProjectionTests: XCTestCase {
    func testWGS84ToUTM49MatchesCs2cs() throws {
        // echo "13.7765 109.2194" | cs2cs -f "%.4f" EPSG:4326 EPSG:32649  →  307499.5801 1523721.0201
        let p = try Projection(from: "EPSG:4326", to: "EPSG:32649")
        let xy = try p.transform(Coordinate(109.2194, 13.7765))
        XCTAssertEqual(xy.x, 307499.5801, accuracy: 1e-3)
        XCTAssertEqual(xy.y, 1523721.0201, accuracy: 1e-3)
        let back = try p.transform(xy, inverse: true)
        XCTAssertEqual(back.x, 109.2194, accuracy: 1e-9)
        XCTAssertEqual(back.y, 13.7765, accuracy: 1e-9)
    }

    func testVN2000RoundTrip() throws {
        // echo "13.7765 109.2194" | cs2cs -f "%.4f" EPSG:4326 EPSG:9217  →  604627.6542 1523790.4127
        let p = try Projection(from: "EPSG:4326", to: "EPSG:9217")
        var pts = [Coordinate(109.2194, 13.7765), Coordinate(108.9, 14.5), Coordinate(108.65, 13.6)]
        let original = pts
        try p.transform(&pts)
        XCTAssertEqual(pts[0].x, 604627.6542, accuracy: 1e-3)
        XCTAssertEqual(pts[0].y, 1523790.4127, accuracy: 1e-3)
        try p.transform(&pts, inverse: true)
        for (a, b) in zip(pts, original) {
            XCTAssertEqual(a.x, b.x, accuracy: 1e-9)
            XCTAssertEqual(a.y, b.y, accuracy: 1e-9)
        }
    }

    /// The series against PROJ's own pipeline over a zone and the next three on each side, from
    /// 80° S to 84° N, in three zones (one across the antimeridian).
    func testUTMSeriesAgreesWithPROJ() throws {
        func worst(_ a: [Coordinate], _ b: [Coordinate]) -> Double {
            zip(a, b).reduce(0) { max($0, abs($1.0.x - $1.1.x), abs($1.0.y - $1.1.y)) }
        }
        for (crs, centralMeridian) in [("EPSG:32649", 111.0), ("EPSG:32719", -69.0), ("EPSG:32601", -177.0)] {
            let fast = try Projection(from: "EPSG:4326", to: crs)
            let proj = try Projection(from: "EPSG:4326", to: crs, series: false)
            var lonLat: [Coordinate] = []
            for i in 0...40 {
                for j in 0...41 {
                    var lon = centralMeridian - 19.5 + Double(i) * 0.975
                    if lon > 180 { lon -= 360 } else if lon < -180 { lon += 360 }
                    lonLat.append(Coordinate(lon, -80 + Double(j) * 4 + 0.123))
                }
            }
            let a = try fast.transformed(lonLat), b = try proj.transformed(lonLat)
            XCTAssertLessThan(worst(a, b), 1e-6, "\(crs) forward, metres from PROJ")
            XCTAssertGreaterThan(worst(a, b), 0, "\(crs): the series did not run")
            // Back by PROJ's inverse (the series only goes forward), and the other way round.
            XCTAssertLessThan(worst(try fast.transformed(a, inverse: true), lonLat), 1e-10, "\(crs) round trip, degrees")
            let reverse = try Projection(from: crs, to: "EPSG:4326")
            XCTAssertLessThan(worst(try reverse.transformed(a), lonLat), 1e-10, "\(crs) \u{2192} EPSG:4326, degrees")
            XCTAssertEqual(worst(try reverse.transformed(lonLat, inverse: true), a), 0, "\(crs): the reverse's inverse is the series")
            // A copy made by the series (`transformed`) and the positions changed in place are the same bits.
            var inPlace = lonLat
            try fast.transform(&inPlace)
            XCTAssertEqual(inPlace.map(\.x.bitPattern), a.map(\.x.bitPattern), crs)
            XCTAssertEqual(inPlace.map(\.y.bitPattern), a.map(\.y.bitPattern), crs)
        }
        XCTAssertEqual(try Projection(from: "EPSG:4326", to: "EPSG:32649").transformed([]), [])
    }

    /// An array holding a position the series does not take goes to PROJ whole: beyond 20° of the
    /// central meridian, a pole; positions PROJ cannot transform stay errors.
    func testUTMSeriesLeavesOtherPositionsToPROJ() throws {
        let fast = try Projection(from: "EPSG:4326", to: "EPSG:32649")
        let proj = try Projection(from: "EPSG:4326", to: "EPSG:32649", series: false)
        for odd in [Coordinate(140, 10), Coordinate(111, 90), Coordinate(80, -30)] {
            let points = [Coordinate(109.2194, 13.7765), odd]
            XCTAssertEqual(try fast.transformed(points), try proj.transformed(points))
        }
        XCTAssertThrowsError(try fast.transform(Coordinate(.nan, 14)))
        XCTAssertThrowsError(try fast.transform(Coordinate(109, 95)))
    }

    func testShapeTransformKeepsStructure() throws {
        let p = try Projection(from: "EPSG:4326", to: "EPSG:32649")
        let s = Shape.polygon([[Coordinate(109, 14), Coordinate(109.01, 14), Coordinate(109.01, 14.01), Coordinate(109, 14)]])
        guard case .polygon(let rings) = try p.transform(s) else { return XCTFail() }
        XCTAssertEqual(rings[0].count, 4)
        XCTAssertEqual(rings[0][0], rings[0][3])
    }

    func testUnknownCRSIsAClearError() {
        XCTAssertThrowsError(try Projection(from: "EPSG:4326", to: "EPSG:999999")) { error in
            guard case GeoError.unknownCRS(let crs, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(crs, "EPSG:999999")
            XCTAssertTrue("\(error)".contains("EPSG:999999"))
        }
        XCTAssertFalse(try Projection.isKnown("EPSG:999999"))
        XCTAssertTrue(try Projection.isKnown("EPSG:9217"))
    }

    func testUTMZone() {
        XCTAssertEqual(Projection.utmEPSG(lon: 108.98, lat: 14.1), 32649)
        XCTAssertEqual(Projection.utmEPSG(lon: 105.8, lat: 21.0), 32648)
        XCTAssertEqual(Projection.utmEPSG(lon: -73.8, lat: -40), 32718)
        XCTAssertEqual(Projection.utmEPSG(lon: 180, lat: 0), 32660)
    }

    func testGeodesicAgainstGeographicLib() {
        let g = Geodesic.wgs84
        // geod +ellps=WGS84: 40.64 -73.78 45 10000000 → 32.62110046 49.05248709
        let d = g.destination(from: Coordinate(-73.78, 40.64), azimuth: 45, distance: 10_000_000)
        XCTAssertEqual(d.y, 32.62110046, accuracy: 1e-8)
        XCTAssertEqual(d.x, 49.05248709, accuracy: 1e-8)
        // geod -I: JFK → Singapore Changi 15347512.941 m, azimuth 3.305773
        let inv = g.inverse(from: Coordinate(-73.78, 40.64), to: Coordinate(103.99, 1.36))
        XCTAssertEqual(inv.distance, 15_347_512.941, accuracy: 1e-3)
        XCTAssertEqual(inv.azimuth1, 3.305773, accuracy: 1e-6)
        XCTAssertEqual(inv.azimuth2, 177.48784, accuracy: 1e-5)
    }

    /// The direct problem's series against PROJ's `geod_direct` (the same series in PROJ's own
    /// evaluation): random starts from pole to pole, every azimuth, distances from a metre to
    /// half the globe, and the special cases (a pole, due north and south, the equator, zero).
    func testGeodesicSeriesAgreesWithPROJ() {
        let fast = Geodesic.wgs84
        let proj = Geodesic(equatorialRadius: WGS84.equatorialRadius, flattening: WGS84.flattening, series: false)
        var rng = SplitMix64(state: 7)
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * rng.unit() }
        var cases: [(Coordinate, Double, Double)] = []
        for _ in 0..<20_000 {
            let lat = uniform(-90, 90), lon = uniform(-180, 180), az = uniform(-360, 360)
            let d = rng.next() % 2 == 0 ? uniform(1, 60_000) : uniform(1, 20_000_000)
            cases.append((Coordinate(lon, lat), az, d))
        }
        for lat in [-90.0, 0, 14, 90] {
            for az in [0.0, 90, 180, -90, 270, 45, 360] {
                for d in [0.0, 1, 30_000, 10_001_965.729] { cases.append((Coordinate(108.9, lat), az, d)) }
            }
        }
        var worst = 0.0, differs = 0
        for (p, az, d) in cases {
            let a = fast.destination(from: p, azimuth: az, distance: d)
            let b = proj.destination(from: p, azimuth: az, distance: d)
            if a != b { differs += 1 }
            // Metres between the two answers (a pole's longitude means nothing).
            let dLon = abs(b.y) > 89.999_999 ? 0 : abs((a.x - b.x + 540).truncatingRemainder(dividingBy: 360) - 180)
            let metres = max(abs(a.y - b.y), dLon * cos(b.y * .pi / 180)) * 111_320
            worst = max(worst, metres)
        }
        XCTAssertLessThan(worst, 5e-8, "metres from PROJ")
        XCTAssertGreaterThan(differs, 0, "the series did not run")
        let beyond = fast.destination(from: Coordinate(108, 91), azimuth: 10, distance: 1000)
        XCTAssertTrue(beyond.x.isNaN && beyond.y.isNaN, "\(beyond)")
        let proj91 = proj.destination(from: Coordinate(108, 91), azimuth: 10, distance: 1000)
        XCTAssertTrue(proj91.y.isNaN, "PROJ: \(proj91)")
        // One geodesic line evaluated at several distances gives what one destination each gives.
        let start = Coordinate(109.2194, 13.7765), azimuths = [0.0, 33.3, 181, 359.5], distances = [500.0, 7_000, 35_000]
        let fan = fast.fan(from: start, azimuths: azimuths, distances: distances)
        for (k, d) in distances.enumerated() {
            XCTAssertEqual(fan[k], fast.destinations(from: start, azimuths: azimuths, distance: d))
            XCTAssertEqual(fan[k], azimuths.map { fast.destination(from: start, azimuth: $0, distance: d) })
        }
    }

    func testGeodesicAreaOfOneDegreeCell() {
        let g = Geodesic.wgs84
        let cell = [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1), Coordinate(0, 0)]
        let (area, perimeter) = g.polygonArea(cell)
        XCTAssertEqual(area, 12_308_778_361.469, accuracy: 1)  // m², pyproj.Geod(ellps="WGS84")
        XCTAssertEqual(perimeter, 443_770.917, accuracy: 1e-2)
        XCTAssertEqual(g.polygonArea(cell.reversed()).area, -area, accuracy: 1)
        let bd = g.polygonArea([Coordinate(108, 14), Coordinate(109, 14), Coordinate(109, 15), Coordinate(108, 15)])
        XCTAssertEqual(bd.area, 11_927_107_109.652, accuracy: 1)
    }
}
