import TestSupport
import XCTest
@testable import Geo

final class NearestGridTests: XCTestCase {
    /// Routes of 2–7 vertices and access points, as a zone's fibre is, in metres.
    func network(_ n: Int, seed: UInt64, span: Double = 100_000) -> [Shape] {
        var rng = SplitMix64(state: seed)
        return (0..<n).map { i in
            let x = 500_000 + rng.unit() * span, y = 1_500_000 + rng.unit() * span
            switch i % 5 {
            case 0: return .point(Coordinate(x, y))
            case 1: return .multiLineString([[Coordinate(x, y), Coordinate(x + 300, y)], [Coordinate(x, y + 50), Coordinate(x, y + 800)]])
            default:
                var line = [Coordinate(x, y)]
                for _ in 0..<(1 + Int(rng.unit() * 6)) {
                    line.append(Coordinate(line.last!.x + (rng.unit() - 0.5) * 3000, line.last!.y + (rng.unit() - 0.5) * 3000))
                }
                return .lineString(line)
            }
        }
    }

    /// GEOS's distance from `p` to each feature, and the first feature at the least.
    func bruteForce(_ shapes: [Shape], _ geometries: [Geometry], _ p: Coordinate) throws -> (Int, Double)? {
        let point = try Geometry.point(p)
        var best: (Int, Double)?
        for (i, g) in geometries.enumerated() where !shapes[i].isEmptyShape {
            let d = try g.distance(to: point)
            if best == nil || d < best!.1 { best = (i, d) }
        }
        return best
    }

    /// The feature and the distance are GEOS's to the bit: queries inside the network, on its
    /// vertices, between and far outside, against every feature's distance and the STRtree's answer.
    func testNearestIsGEOSsNearest() throws {
        let shapes = network(3000, seed: 11)
        let geometries = try shapes.map { try Geometry($0) }
        let grid = NearestGrid(shapes)
        let tree = try SpatialIndex(geometries)
        var rng = SplitMix64(state: 12)
        var queries: [Coordinate] = (0..<1500).map { _ in Coordinate(480_000 + rng.unit() * 140_000, 1_480_000 + rng.unit() * 140_000) }
        queries += [Coordinate(-2e6, 9e6), Coordinate(5e6, 1.55e6), Coordinate(550_000, -4e6)]
        if case .lineString(let line) = shapes[2] { queries += line }
        for p in queries {
            let found = try XCTUnwrap(grid.nearest(to: p))
            let expected = try XCTUnwrap(bruteForce(shapes, geometries, p))
            XCTAssertEqual(found.feature, expected.0, "\(p)")
            XCTAssertEqual(found.distance.bitPattern, expected.1.bitPattern, "\(p)")
            let fromTree = try XCTUnwrap(try tree.nearest(to: try Geometry.point(p)))
            XCTAssertEqual(try geometries[fromTree].distance(to: try Geometry.point(p)).bitPattern, expected.1.bitPattern)
        }
    }

    /// Features at the same distance: the first is found, wherever the cells put them.
    func testTiesGoToTheFirstFeature() throws {
        let same: [Shape] = [.lineString([Coordinate(10, 0), Coordinate(10, 10)]), .point(Coordinate(-5, 5)),
                             .lineString([Coordinate(0, 10), Coordinate(0, 0)]), .lineString([Coordinate(0, 0), Coordinate(0, 10)])]
        let grid = NearestGrid(same)
        XCTAssertEqual(grid.nearest(to: Coordinate(5, 5))?.feature, 0)
        XCTAssertEqual(grid.nearest(to: Coordinate(5, 5))?.distance, 5)
        XCTAssertEqual(grid.nearest(to: Coordinate(-1, 5))?.feature, 2)
        XCTAssertEqual(grid.nearest(to: Coordinate(-1, 5))?.distance, 1)
        XCTAssertEqual(NearestGrid([.point(Coordinate(3, 4)), .point(Coordinate(3, 4))]).nearest(to: Coordinate(0, 0))?.feature, 0)
        XCTAssertEqual(NearestGrid([.point(Coordinate(3, 4)), .point(Coordinate(3, 4))]).nearest(to: Coordinate(0, 0))?.distance, 5)
    }

    /// A few lines across the whole area among many short ones (cells made larger so that the long
    /// lines are not listed in every cell), one line alone, nothing, and points that are not finite.
    func testLongLinesOneLineAndNothing() throws {
        var shapes = network(2000, seed: 5)
        for k in 0..<40 {
            let y = 1_500_000 + Double(k) * 2500
            shapes.append(.lineString([Coordinate(500_000, y), Coordinate(600_000, y + 100_000 - Double(k) * 5000)]))
        }
        let geometries = try shapes.map { try Geometry($0) }
        // As built, and with the cells' lists held to the segments' count (cells four to sixteen
        // times as large): the same answers.
        let grids = [NearestGrid(shapes), NearestGrid(shapes, perSegment: 1, extra: 0)]
        XCTAssertGreaterThan(grids[1].cellSide, 3 * grids[0].cellSide)
        var rng = SplitMix64(state: 6)
        for _ in 0..<600 {
            let p = Coordinate(490_000 + rng.unit() * 120_000, 1_490_000 + rng.unit() * 120_000)
            let expected = try XCTUnwrap(bruteForce(shapes, geometries, p))
            for grid in grids {
                let found = try XCTUnwrap(grid.nearest(to: p))
                XCTAssertEqual(found.feature, expected.0, "\(p)")
                XCTAssertEqual(found.distance.bitPattern, expected.1.bitPattern, "\(p)")
            }
        }
        let one = NearestGrid([.lineString([Coordinate(0, 0), Coordinate(3, 4)])])
        XCTAssertEqual(one.nearest(to: Coordinate(0, 0))?.distance, 0)
        XCTAssertEqual(one.nearest(to: Coordinate(6, 8))?.distance, 5)
        XCTAssertEqual(one.nearest(to: Coordinate(4, -3))?.distance, 5)
        XCTAssertNil(NearestGrid([]).nearest(to: Coordinate(0, 0)))
        XCTAssertNil(NearestGrid([.lineString([Coordinate(.nan, 0), Coordinate(1, .infinity)])]).nearest(to: Coordinate(0, 0)))
        XCTAssertNil(one.nearest(to: Coordinate(.nan, 0)))
        // Coordinates whose extent overflows: no trap, the first of two at an infinite distance.
        XCTAssertEqual(NearestGrid([.point(Coordinate(1e308, 0)), .point(Coordinate(-1e308, 0))]).nearest(to: Coordinate(0, 0))?.feature, 0)
        // A horizontal and a vertical line, and a point where they meet.
        let cross = NearestGrid([.lineString([Coordinate(-100, 0), Coordinate(100, 0)]), .lineString([Coordinate(0, -100), Coordinate(0, 100)]),
                                 .point(Coordinate(0, 0))])
        XCTAssertEqual(cross.nearest(to: Coordinate(50, 7))?.feature, 0)
        XCTAssertEqual(cross.nearest(to: Coordinate(7, 50))?.feature, 1)
        XCTAssertEqual(cross.nearest(to: Coordinate(0, 0))?.feature, 0)
        XCTAssertEqual(cross.nearest(to: Coordinate(250, 0))?.distance, 150)
    }
}

private extension Shape {
    var isEmptyShape: Bool { bounds == nil }
}
