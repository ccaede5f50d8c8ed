/// A quick proof that a polygon is valid as GEOS judges validity, for the common case that GEOS
/// need not be asked: one ring, no holes, whose edges meet only where consecutive edges share
/// their vertex. GEOS's check (`GEOSisValidDetail_r`) nodes every ring, about 12 µs for a village
/// of 125 vertices; this test costs a few passes over the edges and a few orientation signs.
///
/// It answers `true` only for what it proves: every coordinate finite; the ring closed, with at
/// least three edges and none of length zero; two consecutive edges not folding back onto each
/// other; two other edges not touching at all (their boxes apart, or one lying strictly on one side
/// of the other's line, by a sign whose floating-point error bound it clears). Such a ring is
/// simple, so the polygon it bounds is valid. Everything else (holes, several parts, repeated
/// points, spikes, touching or nearly touching edges, collinear overlaps) answers `false`, which
/// means "not known here": the caller asks GEOS.
public enum RingProof {
    /// Whether the polygon `shape` is proven valid (see the type's note).
    public static func provesValid(_ shape: Shape) -> Bool {
        guard case .polygon(let rings) = shape, rings.count == 1 else { return false }
        return provesSimple(rings[0])
    }

    /// Whether the closed ring `ring` is proven simple: its edges meet only at the vertices that
    /// consecutive edges share.
    public static func provesSimple(_ ring: [Coordinate]) -> Bool {
        let n = ring.count - 1   // edges
        guard n >= 3, ring[0] == ring[n] else { return false }
        return ring.withUnsafeBufferPointer { p -> Bool in
            for c in p where !(c.x.isFinite && c.y.isFinite) { return false }
            for i in 0..<n where p[i] == p[i + 1] { return false }
            // Consecutive edges (i − 1, i) meet at vertex i: they must not fold back along one line.
            for i in 0..<n {
                let v = p[i], a = p[i == 0 ? n - 1 : i - 1], b = p[i + 1]
                if !turnsOrGoesOn(at: v, from: a, to: b) { return false }
            }
            // The other pairs that can touch: the ring's width is cut into columns, each edge
            // listed in every column its x range reaches, and a pair is looked at in the first
            // column both reach (pairs whose x ranges are apart share none).
            var minX = p[0].x, maxX = p[0].x
            for c in p { minX = min(minX, c.x); maxX = max(maxX, c.x) }
            guard (maxX - minX).isFinite else { return false }
            let columns = max(1, n / 2)
            let scale = maxX > minX ? Double(columns) / (maxX - minX) : 0
            // Never decreasing in x (a NaN from 0 × ∞ is the leftmost x's column).
            @inline(__always) func column(_ x: Double) -> Int {
                let t = (x - minX) * scale
                return t >= 0 ? (t < Double(columns - 1) ? Int(t) : columns - 1) : 0
            }
            var first = [Int32](repeating: 0, count: n), start = [Int](repeating: 0, count: columns + 1)
            for i in 0..<n {
                let lo = column(min(p[i].x, p[i + 1].x)), hi = column(max(p[i].x, p[i + 1].x))
                first[i] = Int32(lo)
                for k in lo...hi { start[k + 1] += 1 }
            }
            for k in 0..<columns { start[k + 1] += start[k] }
            var fill = start, members = [Int32](repeating: 0, count: start[columns])
            for i in 0..<n {
                for k in Int(first[i])...column(max(p[i].x, p[i + 1].x)) {
                    members[fill[k]] = Int32(i)
                    fill[k] += 1
                }
            }
            for k in 0..<columns {
                for u in start[k]..<start[k + 1] {
                    let i = Int(members[u])
                    let a = p[i], b = p[i + 1]
                    let left = min(a.x, b.x), right = max(a.x, b.x), low = min(a.y, b.y), high = max(a.y, b.y)
                    for w in (u + 1)..<start[k + 1] {
                        let j = Int(members[w])
                        // Consecutive edges (the last and the first among them) were settled above.
                        let gap = abs(i - j)
                        if gap == 1 || gap == n - 1 || max(first[i], first[j]) != k { continue }
                        let c = p[j], d = p[j + 1]
                        if max(c.x, d.x) < left || min(c.x, d.x) > right || max(c.y, d.y) < low || min(c.y, d.y) > high { continue }
                        if !(strictlyOneSide(c, d, of: a, b) || strictlyOneSide(a, b, of: c, d)) { return false }
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
