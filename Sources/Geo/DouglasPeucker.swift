/// Douglas–Peucker line simplification, the one every thinning in covgap uses (outlines for the
/// map page and the picture).
public enum DouglasPeucker {
    /// How far a point is from the chord it would be dropped to.
    public enum Distance: Sendable {
        /// From the infinite line through the chord's ends (the classic form).
        case toLine
        /// From the chord itself: a point beyond an end is measured to that end.
        case toSegment
    }

    /// Which of `points` to keep so that every dropped point lies within `tolerance` of the
    /// chord that replaces it; the first and last are always kept.
    public static func kept(_ points: [Coordinate], tolerance: Double, distance: Distance) -> [Bool] {
        var work = 0
        return kept(points, tolerance: tolerance, distance: distance, work: &work)
    }

    /// `kept`, counting in `work` the points its splits looked at (for tests of its growth).
    static func kept(_ points: [Coordinate], tolerance: Double, distance: Distance, work: inout Int) -> [Bool] {
        let n = points.count
        var keep = [Bool](repeating: n <= 2, count: n)
        guard n > 2 else { return keep }
        keep[0] = true
        keep[n - 1] = true
        var stack = [(0, n - 1)]
        let t2 = tolerance * tolerance
        var budget = ThinningBudget(count: n)
        while let (a, b) = stack.popLast() {
            guard b > a + 1 else { continue }
            budget.spend(b - a - 1)
            work += b - a - 1
            let p = points[a], q = points[b]
            let dx = q.x - p.x, dy = q.y - p.y
            let len2 = dx * dx + dy * dy
            var worst = -1.0, at = a
            for k in (a + 1)..<b {
                let c = points[k]
                let qx = c.x - p.x, qy = c.y - p.y
                var d2: Double
                if len2 == 0 {
                    d2 = qx * qx + qy * qy
                } else if distance == .toLine {
                    let cross = dx * qy - dy * qx
                    d2 = cross * cross / len2
                } else {
                    let t = min(max((qx * dx + qy * dy) / len2, 0), 1)
                    let ex = qx - t * dx, ey = qy - t * dy
                    d2 = ex * ex + ey * ey
                }
                if d2 > worst { worst = d2; at = k }
            }
            if worst > t2 {
                let split = budget.split(a, b, farthest: at)
                keep[split] = true
                stack.append((a, split))
                stack.append((split, b))
            }
        }
        return keep
    }
}

/// Keeps Douglas–Peucker within O(n log n). Its usual split at the farthest point costs
/// O(n log n) on real lines, but O(n²) when each split cuts off a point or two (a zig-zag of
/// equal teeth: 200,000 vertices took minutes). Once the work passes `limit`, an unbalanced split
/// is made at the middle instead: every segment still ends within the tolerance (the result keeps
/// a few more points), and the depth of the splits is O(log n). Lines that stay under the
/// limit, which is every real one, are thinned exactly as before.
struct ThinningBudget {
    private var work = 0
    private let limit: Int

    init(count n: Int) {
        let log2n = max(1, Int.bitWidth - max(n, 1).leadingZeroBitCount)
        limit = 32 * max(n, 1) * log2n
    }

    /// Counts the points a split step looks at.
    mutating func spend(_ points: Int) { work += points }

    /// Where to split the segment `a…b` whose farthest point is `farthest`.
    func split(_ a: Int, _ b: Int, farthest: Int) -> Int {
        guard work > limit, min(farthest - a, b - farthest) < (b - a) / 4 else { return farthest }
        return (a + b) / 2
    }
}
