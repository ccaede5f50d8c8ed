import TestSupport
import XCTest
@testable import Geo

final class SpatialIndexTests: XCTestCase {
    func randomBoxes(_ n: Int, seed: UInt64) -> [Bounds] {
        var rng = SplitMix64(state: seed)
        return (0..<n).map { _ in
            let x = rng.unit() * 1000, y = rng.unit() * 1000
            return Bounds(minX: x, minY: y, maxX: x + 1 + rng.unit() * 60, maxY: y + 1 + rng.unit() * 60)
        }
    }

    func testBulkQueryEqualsBruteForce() throws {
        let boxes = randomBoxes(400, seed: 7)
        let index = try SpatialIndex(boxes.map { try Geometry.rectangle($0) })
        let queries = randomBoxes(300, seed: 99)
        let results = try index.query(envelopesOf: try queries.map { try Geometry.rectangle($0) })
        var total = 0
        for (q, hits) in zip(queries, results) {
            let expected = boxes.indices.filter { boxes[$0].intersects(q) }
            XCTAssertEqual(hits, expected)
            total += hits.count
        }
        XCTAssertGreaterThan(total, 300, "the queries should actually hit something")
        XCTAssertEqual(try index.query(Bounds(minX: -50, minY: -50, maxX: -40, maxY: -40)), [])
    }

    /// The packed R-tree over boxes answers as brute force does, with the boxes that are missing left out.
    func testBoundsIndexEqualsBruteForce() {
        let boxes: [Bounds?] = randomBoxes(2000, seed: 42).enumerated().map { $0 % 97 == 0 ? nil : $1 }
        let index = BoundsIndex(boxes)
        XCTAssertEqual(index.count, 2000)
        for q in randomBoxes(300, seed: 43) {
            XCTAssertEqual(index.query(q), boxes.indices.filter { boxes[$0]?.intersects(q) ?? false })
        }
        // Touching counts as meeting.
        let touching = BoundsIndex([Bounds(minX: 0, minY: 0, maxX: 1, maxY: 1)])
        XCTAssertEqual(touching.query(Bounds(minX: 1, minY: 1, maxX: 2, maxY: 2)), [0])
        XCTAssertEqual(BoundsIndex([]).query(Bounds(minX: 0, minY: 0, maxX: 1, maxY: 1)), [])
    }

    /// An index of 20,000 boxes (its slices sorted on all cores), many of them with the same centre
    /// and a few with a NaN corner, answers as brute force does.
    func testLargeBoundsIndexWithTiesAndNaNEqualsBruteForce() {
        let random = randomBoxes(20_000, seed: 7)
        let boxes: [Bounds?] = random.enumerated().map { i, b in
            if i % 5 == 0 { return Bounds(minX: 10, minY: 10, maxX: 20, maxY: 20) }    // one centre, many ids
            if i % 1_001 == 0 { return Bounds(minX: .nan, minY: b.minY, maxX: b.maxX, maxY: b.maxY) }
            return i % 89 == 0 ? nil : b
        }
        let index = BoundsIndex(boxes)
        XCTAssertEqual(index.count, 20_000)
        for q in randomBoxes(200, seed: 8) + [Bounds(minX: 15, minY: 15, maxX: 16, maxY: 16)] {
            XCTAssertEqual(index.query(q), boxes.indices.filter { boxes[$0]?.intersects(q) ?? false })
        }
        let tied = Set(index.query(Bounds(minX: 15, minY: 15, maxX: 16, maxY: 16)))
        XCTAssertTrue(tied.isSuperset(of: stride(from: 0, to: 20_000, by: 5)))
    }

    func testNearestNeighbourIsTheTrueNearest() throws {
        var rng = SplitMix64(state: 3)
        let lines = try (0..<200).map { _ -> Geometry in
            let x = rng.unit() * 1000, y = rng.unit() * 1000
            return try .lineString([Coordinate(x, y), Coordinate(x + rng.unit() * 50, y + rng.unit() * 50)])
        }
        let index = try SpatialIndex(lines)
        for _ in 0..<100 {
            let p = try Geometry.point(Coordinate(rng.unit() * 1000, rng.unit() * 1000))
            let found = try XCTUnwrap(try index.nearest(to: p))
            let best = try lines.map { try $0.distance(to: p) }.min()!
            XCTAssertEqual(try lines[found].distance(to: p), best, accuracy: 1e-9)
        }
        XCTAssertNil(try SpatialIndex([]).nearest(to: try .point(Coordinate(0, 0))))
    }

    /// The same overlay on two threads at once gives the same answers as on one: contexts are per thread
    /// and the shared index and geometries are only read.
    func testConcurrentOverlayIsIdentical() throws {
        var rng = SplitMix64(state: 11)
        let discs = try (0..<300).map { _ in
            try Geometry.point(Coordinate(rng.unit() * 1000, rng.unit() * 1000)).buffer(20 + rng.unit() * 40)
        }
        let index = try SpatialIndex(discs)
        let cells = randomBoxes(200, seed: 5)
        @Sendable func overlay(_ i: Int) throws -> Double {
            let cell = try Geometry.rectangle(cells[i])
            let hits = try index.query(envelopeOf: cell)
            let pieces = try hits.map { try discs[$0].intersection(cell) }
            return try Geometry.unaryUnion(pieces).area()
        }
        let serial = try cells.indices.map(overlay)
        // Stores from the workers go through a lock: writing elements of one array from several
        // threads is a data race on the array itself (ThreadSanitizer reports it).
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var rounds = [[Double]](repeating: [], count: 4)
            var failed = false
            func store(_ round: Int, _ r: [Double]?) { lock.lock(); defer { lock.unlock() }; if let r { rounds[round] = r } else { failed = true } }
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { round in
            results.store(round, try? cells.indices.map(overlay))
        }
        XCTAssertFalse(results.failed)
        for r in results.rounds { XCTAssertEqual(r, serial) }
        XCTAssertGreaterThan(serial.reduce(0, +), 0)
    }
}
