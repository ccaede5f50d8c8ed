import XCTest
@testable import Geo

final class GeometryTests: XCTestCase {
    func square(_ x: Double, _ y: Double, _ s: Double) throws -> Geometry {
        try .polygon([[Coordinate(x, y), Coordinate(x + s, y), Coordinate(x + s, y + s), Coordinate(x, y + s), Coordinate(x, y)]])
    }

    func testWKTRoundTrip() throws {
        let wkt = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))"
        let g = try Geometry(wkt: wkt)
        XCTAssertEqual(try g.type, .polygon)
        XCTAssertEqual(try g.wkt(), wkt)
        XCTAssertEqual(try g.area(), 96, accuracy: 1e-12)
        XCTAssertEqual(try g.length(), 48, accuracy: 1e-12)
    }

    func testWKBRoundTrip() throws {
        let g = try Geometry(wkt: "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 7 5, 7 7, 5 5)))")
        let wkb = try g.wkb()
        XCTAssertEqual(wkb.count, 1 + 4 + 4 + 2 * (1 + 4 + 4 + 4 + 4 * 16))
        XCTAssertEqual(wkb[0], 1, "little-endian")
        let back = try Geometry(wkb: wkb)
        XCTAssertTrue(try back.equalsExact(g))
        XCTAssertEqual(try back.area(), 0.5 + 2, accuracy: 1e-12)
    }

    func testBadWKTIsATypedErrorWithGEOSMessage() {
        XCTAssertThrowsError(try Geometry(wkt: "POLYGON ((0 0, 1 1")) { error in
            guard case GeoError.geos(let message) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(message.isEmpty)
        }
    }

    func testIntersectionAndDifferenceOfSquares() throws {
        let a = try square(0, 0, 10), b = try square(5, 5, 10)
        XCTAssertEqual(try a.intersection(b).area(), 25, accuracy: 1e-9)
        XCTAssertEqual(try a.difference(b).area(), 75, accuracy: 1e-9)
        XCTAssertEqual(try a.union(b).area(), 175, accuracy: 1e-9)
        XCTAssertEqual(try Geometry.unaryUnion([a, b, try square(20, 0, 1)]).area(), 176, accuracy: 1e-9)
        XCTAssertTrue(try a.intersects(b))
        XCTAssertFalse(try a.contains(b))
        XCTAssertTrue(try a.covers(try square(0, 0, 10)), "covers includes the boundary")
        XCTAssertFalse(try a.contains(try Geometry.point(Coordinate(10, 5))), "a boundary point is not contained")
        XCTAssertTrue(try a.covers(try Geometry.point(Coordinate(10, 5))))
    }

    func testHalfPlaneWedgeHalvesASquare() throws {
        // A triangle wedge whose edge runs along x = 1 through a 2×2 square: half of it is inside.
        let village = try square(0, 0, 2)
        let wedge = try Geometry.polygon([[Coordinate(1, -10), Coordinate(100, -10), Coordinate(100, 12), Coordinate(1, 12), Coordinate(1, -10)]])
        XCTAssertEqual(try village.intersection(wedge).area() / village.area(), 0.5, accuracy: 1e-12)
    }

    func testBowTieIsRepairedToBothTriangles() throws {
        let bowTie = try Geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))")
        XCTAssertFalse(try bowTie.isValid)
        XCTAssertTrue(try bowTie.validityReason().hasPrefix("Self-intersection"))
        let fixed = try bowTie.makeValid()
        XCTAssertTrue(try fixed.isValid)
        XCTAssertEqual(try fixed.type, .multiPolygon)
        XCTAssertEqual(try fixed.area(), 2, accuracy: 1e-12)  // two triangles of area 1
        XCTAssertEqual(try fixed.polygons().count, 2)
    }

    func testShapeRoundTripKeepsHolesAndMembers() throws {
        let shape = Shape.multiPolygon([
            [[Coordinate(0, 0), Coordinate(4, 0), Coordinate(4, 4), Coordinate(0, 4), Coordinate(0, 0)],
             [Coordinate(1, 1), Coordinate(1, 2), Coordinate(2, 2), Coordinate(2, 1), Coordinate(1, 1)]],
            [[Coordinate(10, 10), Coordinate(11, 10), Coordinate(11, 11), Coordinate(10, 10)]],
        ])
        let g = try Geometry(shape)
        XCTAssertEqual(try g.area(), 16 - 1 + 0.5, accuracy: 1e-12)
        XCTAssertEqual(try g.shape(), shape)
        XCTAssertEqual(try g.memberCount, 2)
        let first = try g.member(0)
        XCTAssertEqual(try first.area(), 15, accuracy: 1e-12)
        XCTAssertEqual(try g.coordinateCount, 14)
        let line = Shape.lineString([Coordinate(0, 0), Coordinate(3, 4)])
        XCTAssertEqual(try Geometry(line).shape(), line)
        XCTAssertEqual(try Geometry(line).length(), 5, accuracy: 1e-12)
    }

    func testMemberOutlivesItsLocalCollectionReference() throws {
        // The member keeps its parent alive: no use after free when the collection variable goes away.
        var member: Geometry?
        do {
            let g = try Geometry(wkt: "MULTIPOINT ((1 2), (3 4))")
            member = try g.member(1)
        }
        XCTAssertEqual(try member!.pointCoordinate(), Coordinate(3, 4))
    }

    func testRingValidationBeforeGEOS() {
        XCTAssertThrowsError(try Geometry.polygon([[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1)]])) {
            XCTAssertEqual($0 as? GeoError, .invalidInput("polygon ring 0 is not closed (its first and last positions differ)"))
        }
        XCTAssertThrowsError(try Geometry.polygon([[Coordinate(0, 0), Coordinate(1, 0), Coordinate(0, 0)]]))
        XCTAssertThrowsError(try Geometry.polygon([[Coordinate(0, 0), Coordinate(.nan, 0), Coordinate(1, 1), Coordinate(0, 0)]]))
    }

    func testDistanceNearestPointsAndConstructions() throws {
        let line = try Geometry.lineString([Coordinate(0, 0), Coordinate(10, 0)])
        let p = try Geometry.point(Coordinate(3, 1234))
        XCTAssertEqual(try p.distance(to: line), 1234, accuracy: 1e-9)
        let (onLine, onPoint) = try line.nearestPoints(to: p)
        XCTAssertEqual(onLine, Coordinate(3, 0))
        XCTAssertEqual(onPoint, Coordinate(3, 1234))
        let sq = try square(0, 0, 2)
        XCTAssertTrue(try sq.covers(try sq.pointOnSurface()))
        XCTAssertEqual(try sq.centroid().pointCoordinate(), Coordinate(1, 1))
        XCTAssertEqual(try sq.bounds, Bounds(minX: 0, minY: 0, maxX: 2, maxY: 2))
        let disc = try Geometry.point(Coordinate(0, 0)).buffer(10, quadrantSegments: 64)
        XCTAssertEqual(try disc.area(), Double.pi * 100, accuracy: 0.2)
        let wiggly = try Geometry.lineString([Coordinate(0, 0), Coordinate(1, 0.01), Coordinate(2, 0)])
        XCTAssertEqual(try wiggly.simplified(tolerance: 0.1).coordinateCount, 2)
        let n = try Geometry(wkt: "POLYGON ((0 0, 0 1, 1 1, 1 0, 0 0))").normalized()
        XCTAssertTrue(try n.equalsExact(try Geometry(wkt: "POLYGON ((0 0, 0 1, 1 1, 1 0, 0 0))").normalized()))
    }

    func testPreparedPredicates() throws {
        let sq = try PreparedGeometry(try square(0, 0, 10))
        XCTAssertTrue(try sq.contains(try Geometry.point(Coordinate(5, 5))))
        XCTAssertFalse(try sq.containsProperly(try Geometry.point(Coordinate(10, 5))))
        XCTAssertTrue(try sq.covers(try Geometry.point(Coordinate(10, 5))))
        XCTAssertTrue(try sq.intersects(try square(9, 9, 5)))
        XCTAssertFalse(try sq.intersects(try square(11, 11, 5)))
        XCTAssertTrue(try sq.coveredBy(try square(-1, -1, 12)))
    }
}
