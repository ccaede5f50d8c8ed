/// An order of points along a Hilbert curve over their bounding box: points close in the order are
/// close on the ground, so work done point after point in this order touches the same memory (a
/// DEM's cells around neighbouring sites) while it is still in the processor's caches.
public enum HilbertOrder {
    /// The indices of `points`, sorted by their position on a Hilbert curve of 2¹⁶ × 2¹⁶ cells over
    /// the points' bounding box (ties, and points that are not finite, by index).
    public static func order(_ points: [Coordinate]) -> [Int] {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard let first = finite.first else { return Array(points.indices) }
        var lo = first, hi = first
        for p in finite {
            lo = Coordinate(min(lo.x, p.x), min(lo.y, p.y))
            hi = Coordinate(max(hi.x, p.x), max(hi.y, p.y))
        }
        let side = Double(UInt32(1) << 16 - 1)
        func cell(_ v: Double, _ a: Double, _ b: Double) -> UInt32 {
            b > a ? UInt32(((v - a) / (b - a) * side).rounded(.down)) : 0
        }
        let keys = points.map { p -> UInt64 in
            guard p.x.isFinite, p.y.isFinite else { return .max }
            return index(x: cell(p.x, lo.x, hi.x), y: cell(p.y, lo.y, hi.y))
        }
        return points.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
    }

    /// The distance along the Hilbert curve of cell (`x`, `y`) of a 2¹⁶ × 2¹⁶ grid.
    public static func index(x: UInt32, y: UInt32) -> UInt64 {
        let n: UInt32 = 1 << 16
        var x = x, y = y, d: UInt64 = 0
        var s = n / 2
        while s > 0 {
            let rx: UInt32 = x & s > 0 ? 1 : 0, ry: UInt32 = y & s > 0 ? 1 : 0
            d += UInt64(s) * UInt64(s) * UInt64((3 * rx) ^ ry)
            // Turn the quadrant so the curve inside it runs the standard way.
            if ry == 0 {
                if rx == 1 {
                    x = n - 1 - x
                    y = n - 1 - y
                }
                swap(&x, &y)
            }
            s /= 2
        }
        return d
    }
}
