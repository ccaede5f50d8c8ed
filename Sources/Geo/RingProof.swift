/// A quick proof that a polygon is valid as GEOS judges validity, for the common case that GEOS
/// need not be asked: one ring, no holes, whose edges meet only where consecutive edges share
/// their vertex. GEOS's check (`GEOSisValidDetail_r`) nodes every ring, about 12 µs for a village
/// of 125 vertices; this test lists the edges in a grid of cells and takes a few orientation signs.
///
/// It answers `true` only for what it proves: every coordinate finite; the ring closed, with at
/// least three edges and none of length zero; two consecutive edges not folding back onto each
/// other; two other edges not touching at all (their boxes apart, or one lying strictly on one side
/// of the other's line, by a sign whose floating-point error bound it clears). Such a ring is
/// simple, so the polygon it bounds is valid. Everything else (holes, several parts, repeated
/// points, spikes, touching or nearly touching edges, collinear overlaps, rings whose edges would
/// cost more than a budget in proportion to their number) answers `false`, which means "not
/// known here": the caller asks GEOS.
public enum RingProof {
    /// Whether the polygon `shape` is proven valid (see the type's note).
    public static func provesValid(_ shape: Shape) -> Bool {
        guard case .polygon(let rings) = shape, rings.count == 1 else { return false }
        return provesSimple(rings[0])
    }

    /// Whether the closed ring `ring` is proven simple: its edges meet only at the vertices that
    /// consecutive edges share.
    static func provesSimple(_ ring: [Coordinate]) -> Bool {
        let n = ring.count - 1   // edges
        guard n >= 3, ring[0] == ring[n] else { return false }
        return ring.withUnsafeBufferPointer { p -> Bool in
            var minX = p[0].x, maxX = p[0].x, minY = p[0].y, maxY = p[0].y
            for i in 0..<n {
                let v = p[i], b = p[i + 1]
                guard v.x.isFinite && v.y.isFinite, v != b else { return false }
                // Consecutive edges (i − 1, i) meet at vertex i: they must not fold back along one line.
                if !turnsOrGoesOn(at: v, from: p[i == 0 ? n - 1 : i - 1], to: b) { return false }
                minX = min(minX, v.x); maxX = max(maxX, v.x); minY = min(minY, v.y); maxY = max(maxY, v.y)
            }
            guard (maxX - minX).isFinite, (maxY - minY).isFinite else { return false }
            // The other pairs that can touch: the ring's box is cut into a grid of cells, each
            // edge listed in every cell its box reaches, and a pair is looked at in the first cell
            // (lowest column, then row) that both reach; pairs whose boxes are apart share none.
            let side = max(1, Int(Double(n).squareRoot()))
            let sx = maxX > minX ? Double(side) / (maxX - minX) : 0, sy = maxY > minY ? Double(side) / (maxY - minY) : 0
            // Never decreasing in x or y (a NaN from 0 × ∞ is the lowest coordinate's cell).
            @inline(__always) func cell(_ v: Double, _ low: Double, _ scale: Double) -> Int {
                let t = (v - low) * scale
                return t >= 0 ? (t < Double(side - 1) ? Int(t) : side - 1) : 0
            }
            // Per edge its cells' columns and rows (first and last), then the cells' lists.
            // Rings whose edges reach across many cells, or crowd into a few, would make this quadratic:
            // past a budget of entries and pairs in proportion to the edges they are left to GEOS.
            var span = [Int32](repeating: 0, count: 4 * n), start = [Int32](repeating: 0, count: side * side + 1)
            var entries = 0, pairs = 0
            for i in 0..<n {
                let a = p[i], b = p[i + 1]
                let c0 = cell(min(a.x, b.x), minX, sx), c1 = cell(max(a.x, b.x), minX, sx)
                let r0 = cell(min(a.y, b.y), minY, sy), r1 = cell(max(a.y, b.y), minY, sy)
                span[4 * i] = Int32(c0); span[4 * i + 1] = Int32(c1); span[4 * i + 2] = Int32(r0); span[4 * i + 3] = Int32(r1)
                entries += (c1 - c0 + 1) * (r1 - r0 + 1)
                if entries > 16 * n + 256 { return false }
                for c in c0...c1 { for r in r0...r1 { start[c * side + r + 1] += 1 } }
            }
            for k in 0..<(side * side) { start[k + 1] += start[k] }
            var fill = start, members = [Int32](repeating: 0, count: Int(start[side * side]))
            for i in 0..<n {
                for c in Int(span[4 * i])...Int(span[4 * i + 1]) {
                    for r in Int(span[4 * i + 2])...Int(span[4 * i + 3]) {
                        members[Int(fill[c * side + r])] = Int32(i)
                        fill[c * side + r] += 1
                    }
                }
            }
            for c in 0..<side {
                for r in 0..<side {
                    let k = c * side + r, end = Int(start[k + 1])
                    var u = Int(start[k])
                    while u < end {
                        let i = Int(members[u])
                        u += 1
                        let a = p[i], b = p[i + 1]
                        let left = min(a.x, b.x), right = max(a.x, b.x), low = min(a.y, b.y), high = max(a.y, b.y)
                        pairs += end - u
                        if pairs > 64 * n + 1_024 { return false }
                        for w in u..<end {
                            let j = Int(members[w])
                            // Consecutive edges (the last and the first among them) were settled above.
                            let gap = abs(i - j)
                            if gap == 1 || gap == n - 1 { continue }
                            if Int(max(span[4 * i], span[4 * j])) != c || Int(max(span[4 * i + 2], span[4 * j + 2])) != r { continue }
                            let d0 = p[j], d1 = p[j + 1]
                            if max(d0.x, d1.x) < left || min(d0.x, d1.x) > right || max(d0.y, d1.y) < low || min(d0.y, d1.y) > high { continue }
                            if !(strictlyOneSide(d0, d1, of: a, b) || strictlyOneSide(a, b, of: d0, d1)) { return false }
                        }
                    }
                }
            }
            return true
        }
    }

    /// Twice the signed area of the triangle (a, b, c) and a bound on its rounding error
    /// (Shewchuk's `ccwerrboundA`, widened): the sign is sure when |value| exceeds the bound.
    /// Products near the subnormal range, where relative bounds fail, give no sure sign.
    @inline(__always) private static func orientation(_ a: Coordinate, _ b: Coordinate, _ c: Coordinate) -> (value: Double, error: Double) {
        let left = (b.x - a.x) * (c.y - a.y), right = (b.y - a.y) * (c.x - a.x)
        let size = abs(left) + abs(right)
        return (left - right, size > tiny ? 1e-15 * size : .infinity)
    }

    /// Far above the subnormal range (2⁻¹⁰²²), far below any product of two edges' extents.
    private static let tiny = 1e-250

    /// Whether `p` and `q` lie both strictly on the same side of the line through `a` and `b`.
    @inline(__always) private static func strictlyOneSide(_ p: Coordinate, _ q: Coordinate, of a: Coordinate, _ b: Coordinate) -> Bool {
        let op = orientation(a, b, p), oq = orientation(a, b, q)
        return (op.value > op.error && oq.value > oq.error) || (op.value < -op.error && oq.value < -oq.error)
    }

    /// Whether the edges v→a and v→b leave v along different lines, or along one line in opposite
    /// directions: then they share v alone.
    @inline(__always) private static func turnsOrGoesOn(at v: Coordinate, from a: Coordinate, to b: Coordinate) -> Bool {
        let o = orientation(v, a, b)
        if abs(o.value) > o.error { return true }
        let dx1 = a.x - v.x, dy1 = a.y - v.y, dx2 = b.x - v.x, dy2 = b.y - v.y
        let px = dx1 * dx2, py = dy1 * dy2
        let size = abs(px) + abs(py)
        return size > tiny && px + py < -1e-15 * size
    }
}
