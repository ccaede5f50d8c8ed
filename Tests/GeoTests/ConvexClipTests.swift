import XCTest
@testable import Geo

final class ConvexClipTests: XCTestCase {
    func ring(_ points: [(Double, Double)]) -> [Coordinate] {
        let r = points.map { Coordinate($0.0, $0.1) }
        return r + [r[0]]
    }

    func testSquareWithAHoleClippedByAHalfPlaneWindow() {
        // 10×10 square with a 2×2 hole at (4…6, 4…6); the window keeps x ≤ 5 (a big rectangle).
        let square = ring([(0, 0), (10, 0), (10, 10), (0, 10)])
        let hole = ring([(4, 4), (4, 6), (6, 6), (6, 4)])
        let rings = ClippedRings(polygons: [[square, hole]])
        XCTAssertEqual(rings.area, 96, accuracy: 1e-12)
        let window = ConvexWindow(ring: ring([(-100, -100), (5, -100), (5, 100), (-100, 100)]))
        XCTAssertEqual(rings.clipped(by: window).area, 50 - 2, accuracy: 1e-12)
    }

    func testNonConvexRingClippedByATriangle() {
        // An L: the 4×4 square less its upper-right 2×2 quarter (area 12), clockwise.
        let l = ring([(0, 0), (0, 4), (2, 4), (2, 2), (4, 2), (4, 0)])
        // The triangle below the line x + y = 4: it holds the lower-left half of the square.
        let triangle = ConvexWindow(ring: ring([(0, 0), (4, 0), (0, 4)]))
        let clipped = ClippedRings(polygons: [[l]]).clipped(by: triangle)
        XCTAssertEqual(clipped.area, 8, accuracy: 1e-12)
        // The same through GEOS.
        let geos = try? Geometry(.polygon([l])).intersection(Geometry(.polygon([triangle.ring]))).area()
        XCTAssertEqual(clipped.area, geos ?? -1, accuracy: 1e-9)
    }

    func testWindowAroundTheBoxKeepsEverythingAndAWindowAwayKeepsNothing() {
        let rings = ClippedRings(polygons: [[ring([(0, 0), (3, 0), (3, 1), (0, 1)])]])
        let around = ConvexWindow(ring: ring([(-50, -50), (50, -50), (50, 50), (-50, 50)]))
        XCTAssertEqual(rings.clipped(by: around).area, 3, accuracy: 1e-12)
        // Its bounding box overlaps the rings' box, but no edge touches it and it lies beside it.
        let beside = ConvexWindow(ring: ring([(2.5, 1.2), (4, 1.2), (4, 3)]))
        XCTAssertEqual(rings.clipped(by: beside).area, 0)
    }

    func testTwoClipsGiveTheIntersectionOfBothWindows() {
        let rings = ClippedRings(polygons: [[ring([(0, 0), (10, 0), (10, 10), (0, 10)])]])
        let a = ConvexWindow(ring: ring([(0, 0), (6, 0), (6, 10), (0, 10)]))
        let b = ConvexWindow(ring: ring([(4, 0), (10, 0), (10, 10), (4, 10)]))
        XCTAssertEqual(rings.clipped(by: a).clipped(by: b).area, 20, accuracy: 1e-12)
    }
}
