import TestSupport
import XCTest
@testable import Geo

final class LayeredCoverageTests: XCTestCase {
    func ring(_ points: [(Double, Double)]) -> [Coordinate] {
        let r = points.map { Coordinate($0.0, $0.1) }
        return r + [r[0]]
    }

    let square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]

    func cover(_ points: [(Double, Double)], _ layers: UInt64) -> LayeredCoverage.Cover {
        LayeredCoverage.Cover(ring: ring(points), layers: layers)
    }

    func testSquareHalfCoveredByAHalfPlaneWedge() {
        // A wedge from far away whose near edge is the line x = 5 over the whole square.
        let wedge = cover([(-1000, -1000), (5, -1000), (5, 1000), (-1000, 1000)], 1)
        let (region, covered) = LayeredCoverage.areas(region: [ring(square)], covers: [wedge], layerCount: 1)
        XCTAssertEqual(region, 100, accuracy: 1e-9)
        XCTAssertEqual(covered[0] / region, 0.5, accuracy: 1e-12)
    }

    func testOverlappingCoversCountOncePerLayer() {
        let left = cover([(0, 0), (6, 0), (6, 10), (0, 10)], 0b101)
        let right = cover([(4, 0), (10, 0), (10, 10), (4, 10)], 0b110)
        let (region, covered) = LayeredCoverage.areas(region: [ring(square)], covers: [left, right], layerCount: 3)
        XCTAssertEqual(covered[0], 60, accuracy: 1e-9)
        XCTAssertEqual(covered[1], 60, accuracy: 1e-9)
        // Both together cover the square: exactly its area, not 120.
        XCTAssertEqual(covered[2], region)
    }

    /// 300 covers open at once in one layer, nested: the layer is covered where any of them is.
    func testManyCoversOpenAtOnce() {
        let covers = (0..<300).map { i in
            cover([(0, -1 - Double(i) * 0.01), (5, -1 - Double(i) * 0.01), (5, 11 + Double(i) * 0.01), (0, 11 + Double(i) * 0.01)], 0b1)
        }
        let (region, covered) = LayeredCoverage.areas(region: [ring(square)], covers: covers, layerCount: 1)
        XCTAssertEqual(region, 100)
        XCTAssertEqual(covered[0], 50, accuracy: 1e-9)
    }

    func testCrossingEdgesMakeEvents() {
        // Below x + y = 10 and above y = x: the diagonals cross at (5, 5); the overlap is the
        // triangle (0,0) (5,5) (0,10) of area 25, so the union is 50 + 50 − 25.
        let below = cover([(0, 0), (10, 0), (0, 10)], 0b01)
        let above = cover([(0, 0), (10, 10), (0, 10)], 0b10)
        let (_, union) = LayeredCoverage.areas(region: [ring(square)], covers: [below, above].map {
            LayeredCoverage.Cover(ring: $0.ring, layers: 1)
        }, layerCount: 1)
        XCTAssertEqual(union[0], 75, accuracy: 1e-9)
        let (_, apart) = LayeredCoverage.areas(region: [ring(square)], covers: [below, above], layerCount: 2)
        XCTAssertEqual(apart[0], 50, accuracy: 1e-9)
        XCTAssertEqual(apart[1], 50, accuracy: 1e-9)
    }

    func testRegionWithAHoleAndANonConvexCover() throws {
        // 10×10 with a 2×2 hole at (2…4, 2…4): area 96.
        let holed = [ring(square), ring([(2, 2), (2, 4), (4, 4), (4, 2)])]
        let strip = cover([(0, -5), (3, -5), (3, 15), (0, 15)], 1)
        // An L: the square less its upper-right quarter (5…10, 5…10), clockwise.
        let l = cover([(0, 0), (0, 10), (5, 10), (5, 5), (10, 5), (10, 0)], 2)
        let (region, covered) = LayeredCoverage.areas(region: holed, covers: [strip, l], layerCount: 2)
        XCTAssertEqual(region, 96, accuracy: 1e-9)
        XCTAssertEqual(covered[0], 30 - 2, accuracy: 1e-9)  // the strip less the hole's 1×2 part
        XCTAssertEqual(covered[1], 75 - 4, accuracy: 1e-9)  // the L less the whole hole
        // The same through GEOS.
        let geos = try Geometry(.polygon(holed)).intersection(Geometry(.polygon([l.ring]))).area()
        XCTAssertEqual(covered[1], geos, accuracy: 1e-9)
    }

    func testMultiPolygonRegionAndCoversAwayOrMissing() {
        let twoSquares = [ring([(0, 0), (1, 0), (1, 1), (0, 1)]), ring([(3, 0), (4, 0), (4, 1), (3, 1)])]
        let bridge = cover([(0.5, -1), (3.5, -1), (3.5, 2), (0.5, 2)], 1)
        let away = cover([(100, 100), (101, 100), (101, 101)], 2)
        let (region, covered) = LayeredCoverage.areas(region: twoSquares, covers: [bridge, away], layerCount: 3)
        XCTAssertEqual(region, 2, accuracy: 1e-12)
        XCTAssertEqual(covered, [1, 0, 0])
    }

    func testARegionInsideACoverIsCoveredExactly() {
        let region = [ring([(0, 0), (7, 1), (9, 8), (3, 9.5), (1, 6)])]
        let big = cover([(-50, -50), (50, -50), (50, 50), (-50, 50)], 1)
        let (area, covered) = LayeredCoverage.areas(region: region, covers: [big], layerCount: 1)
        XCTAssertEqual(covered[0], area)
        XCTAssertEqual(area, abs(signedArea2(region[0])) / 2, accuracy: 1e-9)
    }

    /// Enough edges for the crossings to be looked for strip by strip: a 240-gon and seven stars
    /// whose spikes cross one another at every height and reach from the box's bottom strip to its
    /// top, in three layers; each layer's area is GEOS's.
    func testStarsCrossingAtEveryHeightAgreeWithGEOS() throws {
        let region = (0..<240).map { k -> (Double, Double) in
            let t = Double(k) * 2 * .pi / 240
            return (10 * cos(t) + 0.3 * cos(7 * t), 10 * sin(t))
        }
        func star(_ cx: Double, _ cy: Double, _ outer: Double, _ turn: Double) -> [(Double, Double)] {
            (0..<22).map { k in
                let t = turn + Double(k) * .pi / 11, r = k % 2 == 0 ? outer : outer / 4
                return (cx + r * cos(t), cy + r * sin(t))
            }
        }
        let stars = [star(-6, -5, 9, 0.1), star(5, -6, 8, 0.5), star(0, 0, 12, 0.2), star(-4, 6, 7, 0.9),
                     star(7, 5, 10, 1.3), star(12, 0, 6, 0.4), star(-11, 1, 5, 2.0)]
        let masks: [UInt64] = [0b001, 0b011, 0b110, 0b101, 0b010, 0b100, 0b111]
        let covers = zip(stars, masks).map { cover($0, $1) }
        let (area, covered) = LayeredCoverage.areas(region: [ring(region)], covers: covers, layerCount: 3)
        let regionGeometry = try Geometry(.polygon([ring(region)]))
        XCTAssertEqual(area, try regionGeometry.area(), accuracy: 1e-9)
        for l in 0..<3 {
            let parts = try zip(covers, masks).filter { $1 & (1 << UInt64(l)) != 0 }.map { try Geometry(.polygon([$0.0.ring])) }
            let geos = try regionGeometry.intersection(Geometry.unaryUnion(parts)).area()
            XCTAssertEqual(covered[l], geos, accuracy: 1e-9, "layer \(l)")
            XCTAssertGreaterThan(covered[l], 0.2 * area, "layer \(l)")
            XCTAssertLessThan(covered[l], area, "layer \(l)")
        }
    }

    func testOrientationAndOrderDoNotMatter() {
        let a = cover([(1, 1), (8, 2), (6, 9)], 1)
        let b = cover([(4, -2), (12, 4), (3, 7)], 1)
        let reversed = { (c: LayeredCoverage.Cover) in LayeredCoverage.Cover(ring: c.ring.reversed(), layers: c.layers) }
        let one = LayeredCoverage.areas(region: [ring(square)], covers: [a, b], layerCount: 1).covered[0]
        let two = LayeredCoverage.areas(region: [ring(square).reversed()], covers: [reversed(b), reversed(a)], layerCount: 1).covered[0]
        XCTAssertEqual(one, two, accuracy: 1e-9)
        let geos = try! Geometry(.polygon([ring(square)]))
            .intersection(Geometry(.polygon([a.ring])).union(Geometry(.polygon([b.ring])))).area()
        XCTAssertEqual(one, geos, accuracy: 1e-9)
    }

    func testWindowTests() {
        let w = ConvexWindow(ring: ring([(0, 0), (4, 0), (0, 4)]))
        XCTAssertTrue(w.holdsAll([Coordinate(1, 1), Coordinate(2, 2), Coordinate(0, 0)]))
        XCTAssertFalse(w.holdsAll([Coordinate(1, 1), Coordinate(3, 3)]))
        XCTAssertTrue(w.separates([Coordinate(3, 3), Coordinate(5, 1), Coordinate(1, 5)]))
        XCTAssertFalse(w.separates([Coordinate(3, 3), Coordinate(1, 1)]))
    }

    /// The tests given the points' bounds look at the box's corners first: they must answer as
    /// the point-by-point tests do, down to points a rounding error from an edge.
    func testWindowTestsWithinABoxAnswerAsThePointByPointTests() {
        var rng = SplitMix64(state: 18)
        var answers = [String: Int]()
        for trial in 0..<3000 {
            // A wedge or a disc of 0.5–8 km in UTM-sized coordinates, either way round.
            let cx = 600_000 + Double.random(in: -5e4...5e4, using: &rng), cy = 1_550_000 + Double.random(in: -5e4...5e4, using: &rng)
            let r = Double.random(in: 500...8000, using: &rng)
            let start = Double.random(in: 0..<(2 * .pi), using: &rng)
            let wedge = trial % 2 == 0
            let span = wedge ? Double.random(in: 0.3...3.1, using: &rng) : 2 * .pi
            let steps = wedge ? 24 : 72
            var ring = wedge ? [Coordinate(cx, cy)] : []
            for k in 0...(wedge ? steps : steps - 1) {
                let t = start + span * Double(k) / Double(steps)
                ring.append(Coordinate(cx + r * cos(t), cy + r * sin(t)))
            }
            ring.append(ring[0])
            if trial % 4 >= 2 { ring.reverse() }
            let w = ConvexWindow(ring: ring)
            // A cluster of points around a spot near the window; some exactly on an edge's line
            // or a hair beside it, where only the rounded cross product decides.
            let sx = cx + Double.random(in: -1.3...1.3, using: &rng) * r, sy = cy + Double.random(in: -1.3...1.3, using: &rng) * r
            let spread = Double.random(in: 10...3000, using: &rng)
            var points: [Coordinate] = []
            for _ in 0..<Int.random(in: 1...60, using: &rng) {
                let dx = Double.random(in: -spread...spread, using: &rng), dy = Double.random(in: -spread...spread, using: &rng)
                points.append(Coordinate(sx + dx, sy + dy))
            }
            if trial % 3 == 0 {
                let k = Int.random(in: 0..<(ring.count - 1), using: &rng)
                let (a, b) = (ring[k], ring[k + 1])
                for _ in 0..<4 {
                    let t = Double.random(in: 0.0...1.0, using: &rng)
                    let nudge = Double.random(in: -2e-9...2e-9, using: &rng)
                    points.append(Coordinate(a.x + t * (b.x - a.x) + nudge, a.y + t * (b.y - a.y) - nudge))
                }
            }
            let box = Bounds(of: points)!
            let holds = w.holdsAll(points), separates = w.separates(points)
            XCTAssertEqual(w.holdsAll(points, within: box), holds, "trial \(trial)")
            XCTAssertEqual(w.separates(points, within: box), separates, "trial \(trial)")
            answers["holds \(holds)", default: 0] += 1
            answers["separates \(separates)", default: 0] += 1
        }
        // Each answer came up often enough to be tested.
        for key in ["holds true", "holds false", "separates true", "separates false"] {
            XCTAssertGreaterThan(answers[key] ?? 0, 200, key)
        }
    }
}
