import XCTest
import Geo
@testable import CoveragePlanner

/// The corridor graph on hand-drawn corridors in planar metres: shortest distances computed by
/// hand, the splits fibre makes, loose ends snapped within the tolerance, and targets no route reaches.
final class CorridorNetworkTests: XCTestCase {
    typealias XY = (Double, Double)

    func line(_ points: [XY]) -> [Coordinate] { points.map { Coordinate($0.0, $0.1) } }

    func network(_ corridors: [[XY]], fibre: [Geometry], snap: Double = 0, reach: Double) throws -> CorridorNetwork {
        try CorridorNetwork(corridors: corridors.map(line), fibre: fibre, snapTolerance: snap, accessReach: reach)
    }

    /// The length of a route's polyline.
    func polylineLength(_ points: [Coordinate]) -> Double {
        zip(points, points.dropFirst()).reduce(0) { $0 + hypot($1.1.x - $1.0.x, $1.1.y - $1.0.y) }
    }

    func assertPoints(_ got: [Coordinate], _ want: [XY], line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, "\(got)", line: line)
        for (g, w) in zip(got, want) {
            XCTAssertEqual(g.x, w.0, accuracy: 1e-6, line: line)
            XCTAssertEqual(g.y, w.1, accuracy: 1e-6, line: line)
        }
    }

    // MARK: A grid with a diagonal

    /// A 2 × 2 grid of 1 km blocks (lines x = 0, 1000, 2000 and y = 0, 1000, 2000, each drawn whole,
    /// so the crossings are not vertices of the input) and a diagonal from (0, 0) to (2000, 2000)
    /// through the centre crossing. The fibre is an access node 10 m below (0, 0).
    func grid() throws -> CorridorNetwork {
        var corridors: [[XY]] = []
        for k in [0.0, 1000, 2000] {
            corridors.append([(0, k), (2000, k)])
            corridors.append([(k, 0), (k, 2000)])
        }
        corridors.append([(0, 0), (2000, 2000)])
        return try network(corridors, fibre: [try Geometry.point(Coordinate(0, -10))], reach: 200)
    }

    func testGridIsNodedAtEveryCrossing() throws {
        let g = try grid()
        // Nine crossings; no other node.
        let nodes = Set(g.nodes.map { "\(Int($0.x.rounded())),\(Int($0.y.rounded()))" })
        XCTAssertEqual(g.nodes.count, 9)
        XCTAssertEqual(nodes, Set(["0,0", "1000,0", "2000,0", "0,1000", "1000,1000", "2000,1000", "0,2000", "1000,2000", "2000,2000"]))
    }

    func testShortestPathsAlongTheGrid() throws {
        let g = try grid()
        let d = 2000 * 2.0.squareRoot() / 2   // half the diagonal, (0, 0) to (1000, 1000): 1414.2136 m
        // Each target lies 50 m off a crossing (on no corridor): the route ends with a 50 m exit.
        // Distances to the crossings from the fibre, by hand: 10 m to (0, 0), then
        //   (2000, 0): 2000 along y = 0 (the diagonal way is 1414.2 + 1000 + 1000);
        //   (2000, 1000): 1414.2 + 1000 = 2414.2 (the grid way is 3000);
        //   (2000, 2000): 2 × 1414.2 = 2828.4 (the grid way is 4000);
        //   (0, 2000): 2000 up x = 0 (the diagonal way is 1414.2 + 1000 + 1000).
        let cases: [(target: XY, length: Double)] = [
            ((2050, 0), 10 + 2000 + 50),
            ((2050, 1000), 10 + d + 1000 + 50),
            ((2050, 2050), 10 + 2 * d + 50 * 2.0.squareRoot()),
            ((-50, 2000), 10 + 2000 + 50),
            ((0, -10), 20),  // at the access node: 10 m out to (0, 0) and 10 m back
        ]
        for c in cases {
            let route = try XCTUnwrap(try g.route(to: Coordinate(c.target.0, c.target.1)), "\(c.target)")
            XCTAssertEqual(route.length, c.length, accuracy: 1e-6, "\(c.target)")
            XCTAssertEqual(polylineLength(route.points), c.length, accuracy: 1e-6, "\(c.target)")
            XCTAssertEqual(route.points.first!.x, 0, accuracy: 1e-9)
            XCTAssertEqual(route.points.first!.y, -10, accuracy: 1e-9)
            XCTAssertEqual(route.points.last!, Coordinate(c.target.0, c.target.1))
        }
        // The route to (2050, 1000) is unique: from the access node up the diagonal to the centre, then east.
        assertPoints(try XCTUnwrap(try g.route(to: Coordinate(2050, 1000))).points,
                     [(0, -10), (0, 0), (1000, 1000), (2000, 1000), (2050, 1000)])
    }

    func testRouteLeavesACorridorBetweenCrossings() throws {
        let g = try grid()
        let d = 1000 * 2.0.squareRoot()
        // (1500, 2100) is 100 m above (1500, 2000) on the top row. Via (1000, 2000): 10 + 1414.2 + 1000
        // + 500; via (2000, 2000): 10 + 2828.4 + 500. The first is shorter; then 100 m out.
        let route = try XCTUnwrap(try g.route(to: Coordinate(1500, 2100)))
        XCTAssertEqual(route.length, 10 + d + 1000 + 500 + 100, accuracy: 1e-6)
        assertPoints(route.points, [(0, -10), (0, 0), (1000, 1000), (1000, 2000), (1500, 2000), (1500, 2100)])
        // A target on a corridor has no exit leg.
        let on = try XCTUnwrap(try g.route(to: Coordinate(1000, 500)))
        XCTAssertEqual(on.length, 10 + 1000 + 500, accuracy: 1e-6)
        assertPoints(on.points, [(0, -10), (0, 0), (1000, 0), (1000, 500)])
    }

    func testTargetsBeyondTheAccessReachOfEveryCorridorAreUnreachable() throws {
        let g = try grid()
        XCTAssertNil(try g.route(to: Coordinate(2201, 1000)))   // 201 m east of the grid; the reach is 200 m
        XCTAssertNotNil(try g.route(to: Coordinate(2200, 1000)))
        XCTAssertNil(try g.route(to: Coordinate(1000, -500)))
    }

    // MARK: Fibre splits corridors

    func testFibreCrossingACorridorSplitsIt() throws {
        // One straight corridor 4 km long; a fibre line crosses it at x = 1000. The crossing becomes
        // a node on the fibre (distance 0), so the route to (4000, 100) is 3000 + 100 m. Without the
        // split it would start at (0, 0), 1000 m from the fibre: 1000 + 4000 + 100 m.
        let fibre = try Geometry.lineString([Coordinate(1000, -500), Coordinate(1000, 500)])
        let g = try network([[(0, 0), (4000, 0)]], fibre: [fibre], reach: 1000)
        // The fibre's own segments follow no corridor and are left out of the graph.
        XCTAssertEqual(Set(g.nodes), Set([Coordinate(0, 0), Coordinate(1000, 0), Coordinate(4000, 0)]))
        let route = try XCTUnwrap(try g.route(to: Coordinate(4000, 100)))
        XCTAssertEqual(route.length, 3100, accuracy: 1e-9)
        assertPoints(route.points, [(1000, 0), (4000, 0), (4000, 100)])

        // The same corridor with the fibre as an access node at the same spot: no split, so the
        // network is entered at (0, 0), 1000 m from the node.
        let node = try network([[(0, 0), (4000, 0)]], fibre: [try Geometry.point(Coordinate(1000, 500))], reach: 1200)
        XCTAssertEqual(Set(node.nodes), Set([Coordinate(0, 0), Coordinate(4000, 0)]))
        let r = try XCTUnwrap(try node.route(to: Coordinate(4000, 100)))
        XCTAssertEqual(r.length, 1000 * 1.25.squareRoot() + 4000 + 100, accuracy: 1e-6)   // √(1000² + 500²) to (0, 0)
        assertPoints(r.points, [(1000, 500), (0, 0), (4000, 0), (4000, 100)])
    }

    func testCorridorsSharingAVertexMeet() throws {
        // Two corridors that only share the vertex (1000, 0) form one path.
        let g = try network([[(0, 0), (1000, 0)], [(1000, 0), (1000, 2000)]], fibre: [try Geometry.point(Coordinate(-20, 0))], reach: 100)
        XCTAssertEqual(g.nodes.count, 3)
        let r = try XCTUnwrap(try g.route(to: Coordinate(1000, 2000)))
        XCTAssertEqual(r.length, 20 + 1000 + 2000, accuracy: 1e-9)
    }

    // MARK: Snapping loose ends

    /// A road along y = 0 from (0, 0) to (2000, 0), and a track up x = 1000 from (1000, 30) to (1000, 1000)
    /// whose lower end stops 30 m short of the road. The fibre is an access node 50 m below (0, 0).
    func tee(snap: Double) throws -> CorridorNetwork {
        try network([[(0, 0), (2000, 0)], [(1000, 30), (1000, 1000)]], fibre: [try Geometry.point(Coordinate(0, -50))], snap: snap, reach: 100)
    }

    func testLooseEndWithinTheToleranceJoinsTheRoad() throws {
        let g = try tee(snap: 30)
        // The road is split at the foot of the join, (1000, 0).
        XCTAssertTrue(g.nodes.contains(Coordinate(1000, 0)))
        XCTAssertEqual(g.nodes.count, 5)
        // 50 to the road, 1000 along it, 30 across the join, 970 up the track, 40 out.
        let r = try XCTUnwrap(try g.route(to: Coordinate(1000, 1040)))
        XCTAssertEqual(r.length, 50 + 1000 + 30 + 970 + 40, accuracy: 1e-9)
        assertPoints(r.points, [(0, -50), (0, 0), (1000, 0), (1000, 30), (1000, 1000), (1000, 1040)])
    }

    func testLooseEndBeyondTheToleranceStaysApart() throws {
        let g = try tee(snap: 29.9)
        XCTAssertEqual(g.nodes.count, 4)
        XCTAssertNil(try g.route(to: Coordinate(1000, 1040)))
        // The road itself still leads from the fibre.
        XCTAssertEqual(try XCTUnwrap(try g.route(to: Coordinate(2000, 0))).length, 50 + 2000, accuracy: 1e-9)
    }

    func testLooseEndsFacingEachOtherJoinOnce() throws {
        // The road ends at (2000, 0); the track starts 30 m above that end. Each end is the other's
        // nearest point: one 30 m join, no split.
        let g = try network([[(0, 0), (2000, 0)], [(2000, 30), (2000, 1000)]], fibre: [try Geometry.point(Coordinate(0, -50))],
                            snap: 40, reach: 100)
        XCTAssertEqual(g.nodes.count, 4)
        let r = try XCTUnwrap(try g.route(to: Coordinate(2000, 1040)))
        XCTAssertEqual(r.length, 50 + 2000 + 30 + 970 + 40, accuracy: 1e-9)
        assertPoints(r.points, [(0, -50), (0, 0), (2000, 0), (2000, 30), (2000, 1000), (2000, 1040)])
    }

    // MARK: Unreachable

    func testCorridorsOutOfReachOfTheFibreLeadNowhere() throws {
        // A corridor whose nearest node is 150 m from the fibre with a 100 m reach: no node is a source.
        let g = try network([[(0, 0), (1000, 0)]], fibre: [try Geometry.point(Coordinate(-150, 0))], reach: 100)
        XCTAssertNil(try g.route(to: Coordinate(500, 50)))
        // A second, separate corridor near the target does not help either.
        let h = try network([[(0, 0), (1000, 0)], [(5000, 0), (6000, 0)]], fibre: [try Geometry.point(Coordinate(-50, 0))], reach: 100)
        XCTAssertEqual(try XCTUnwrap(try h.route(to: Coordinate(500, 50))).length, 50 + 500 + 50, accuracy: 1e-9)
        XCTAssertNil(try h.route(to: Coordinate(5500, 50)))
    }

    // MARK: Pieces

    func testClosestPointOnASegment() {
        let s = (Coordinate(0, 0), Coordinate(10, 0))
        XCTAssertEqual(CorridorNetwork.closestPoint(on: s, to: Coordinate(4, 3)), Coordinate(4, 0))
        XCTAssertEqual(CorridorNetwork.closestPoint(on: s, to: Coordinate(-4, 3)), Coordinate(0, 0))
        XCTAssertEqual(CorridorNetwork.closestPoint(on: s, to: Coordinate(14, -3)), Coordinate(10, 0))
        XCTAssertEqual(CorridorNetwork.closestPoint(on: (Coordinate(0, 0), Coordinate(10, 10)), to: Coordinate(0, 10)), Coordinate(5, 5))
        XCTAssertEqual(CorridorNetwork.closestPoint(on: (Coordinate(2, 2), Coordinate(2, 2)), to: Coordinate(9, 9)), Coordinate(2, 2))
    }

    func testMinHeapPopsSmallestKeyFirstThenSmallestNode() {
        var heap = MinHeap()
        for (k, n) in [(3.0, 5), (1.0, 2), (3.0, 1), (2.0, 9), (1.0, 7), (0.5, 4), (1.0, 0)] { heap.push(k, n) }
        var out: [String] = []
        while let (k, n) = heap.pop() { out.append("\(k):\(n)") }
        XCTAssertEqual(out, ["0.5:4", "1.0:0", "1.0:2", "1.0:7", "2.0:9", "3.0:1", "3.0:5"])
        XCTAssertNil(heap.pop())
    }

    func testMinHeapMatchesASortUnderInterleavedPushesAndPops() {
        // A fixed linear congruential sequence of keys with many repeats; pops interleaved with pushes.
        var heap = MinHeap()
        var reference: [(Double, Int)] = []
        var state: UInt64 = 12345
        var popped: [(Double, Int)] = [], expected: [(Double, Int)] = []
        for i in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let key = Double((state >> 33) % 50)
            heap.push(key, i)
            reference.append((key, i))
            if i % 3 == 2 {
                let (k, n) = heap.pop()!
                popped.append((k, n))
                let m = reference.indices.min { reference[$0] < reference[$1] }!
                expected.append(reference.remove(at: m))
            }
        }
        while let p = heap.pop() { popped.append(p) }
        expected += reference.sorted { $0 < $1 }
        XCTAssertEqual(popped.count, 2000)
        XCTAssertEqual(popped.map { "\($0.0):\($0.1)" }, expected.map { "\($0.0):\($0.1)" })
    }
}
