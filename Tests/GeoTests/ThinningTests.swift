import Foundation
import XCTest
@testable import Geo

/// Douglas–Peucker thinning for drawing: within the tolerance, and O(n log n) even on a zig-zag
/// of equal teeth (the classic O(n²) case).
final class ThinningTests: XCTestCase {
    /// A comb: `n` teeth along the top (equal height, so every split cuts off one point), a straight bottom.
    func zigZag(_ n: Int) -> [Coordinate] {
        var ring = (0..<n).map { k in Coordinate(Double(k) * 0.5, k % 2 == 0 ? 100 : 99) }
        ring += [Coordinate(Double(n) * 0.5, 0), Coordinate(0, 0), ring[0]]
        return ring
    }

    /// Distance from `c` to the line through `p` and `q` (what `thinned` measures).
    func distance(_ c: Coordinate, _ p: Coordinate, _ q: Coordinate) -> Double {
        let dx = q.x - p.x, dy = q.y - p.y, len = (dx * dx + dy * dy).squareRoot()
        if len == 0 { return ((c.x - p.x) * (c.x - p.x) + (c.y - p.y) * (c.y - p.y)).squareRoot() }
        return abs(dx * (c.y - p.y) - dy * (c.x - p.x)) / len
    }

    func testZigZagOfTwoHundredThousandVerticesThinsInNLogNWithinTolerance() throws {
        let ring = zigZag(200_000)
        let n = Double(ring.count), bound = Int(40 * n * log2(n))
        // Teeth 1 high and a tolerance of 0.3: every vertex stays, and plain Douglas–Peucker
        // finds that by cutting off one tooth per split, about n²/2 = 2e10 steps.
        var work = 0
        XCTAssertTrue(DouglasPeucker.kept(ring, tolerance: 0.3, distance: .toLine, work: &work).allSatisfy { $0 })
        XCTAssertLessThanOrEqual(work, bound)
        // Growth: ten times the teeth costs about ten times the work, not a hundred.
        var small = 0
        _ = DouglasPeucker.kept(zigZag(20_000), tolerance: 0.3, distance: .toLine, work: &small)
        XCTAssertLessThan(Double(work) / Double(small), 15, "\(small) → \(work)")
        // A tolerance of 2 swallows the teeth: a handful of vertices, each dropped one within 2.
        work = 0
        let keep = DouglasPeucker.kept(ring, tolerance: 2, distance: .toLine, work: &work)
        XCTAssertLessThanOrEqual(work, bound)
        let kept = ring.indices.filter { keep[$0] }.map { ring[$0] }
        XCTAssertLessThan(kept.count, 10)
        var j = 0
        for (k, c) in ring.enumerated().dropFirst() {
            if j + 1 < kept.count && c == kept[j + 1] { j += 1; continue }
            XCTAssertLessThanOrEqual(distance(c, kept[j], kept[j + 1]), 2 + 1e-9, "vertex \(k)")
        }
    }

    /// An ordinary curve keeps exactly what plain Douglas–Peucker keeps: the budget never applies.
    func testOrdinaryLineIsThinnedAsBefore() throws {
        let arc = (0...720).map { k -> Coordinate in
            let a = Double(k) * .pi / 360
            return Coordinate(1000 * cos(a) + Double(k % 7) * 0.01, 1000 * sin(a))
        }
        guard case .lineString(let thin) = Shape.lineString(arc).thinned(tolerance: 0.5) else { return XCTFail() }
        // Plain Douglas–Peucker, written out.
        var keep = [Bool](repeating: false, count: arc.count)
        keep[0] = true; keep[arc.count - 1] = true
        func dp(_ a: Int, _ b: Int) {
            guard b > a + 1 else { return }
            var worst = -1.0, at = a
            for k in (a + 1)..<b {
                let d = distance(arc[k], arc[a], arc[b])
                if d > worst { worst = d; at = k }
            }
            if worst > 0.5 { keep[at] = true; dp(a, at); dp(at, b) }
        }
        dp(0, arc.count - 1)
        XCTAssertEqual(thin, arc.indices.filter { keep[$0] }.map { arc[$0] })
    }
}
