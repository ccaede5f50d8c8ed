import Foundation

/// Lines and points in a planar CRS (a zone's fibre network), indexed for the one nearest to a
/// point: each segment (a point is a segment of no length) is listed in the cells of a uniform grid
/// that it crosses, and a query looks at the cells around the point's in square rings, outward,
/// until no cell farther out can hold anything nearer than the nearest found. A query's work does
/// not grow with the size of the network (an R-tree's descent does, by its depth), and the grid is
/// built in one pass.
///
/// The distance to a segment is GEOS's (`Distance::pointToSegment`: the same operations in the
/// same order), so the feature found is the one GEOS measures nearest; of features at the same
/// distance, the first. Coordinates that are not finite are left out. Built once, then only read:
/// any number of threads may query it.
public struct NearestGrid: Sendable {
    /// Segment k runs from (ax[k], ay[k]) to (bx[k], by[k]) and belongs to feature `feature[k]`.
    private let ax: [Double], ay: [Double], bx: [Double], by: [Double]
    private let feature: [Int32]
    /// The grid: its lower-left corner, its cells' side, and how many columns and rows.
    private let originX: Double, originY: Double, cell: Double
    /// The cells' side.
    var cellSide: Double { cell }
    private let columns: Int, rows: Int
    /// Cell (c, r) lists the segments `items[starts[r * columns + c] ..< starts[r * columns + c + 1]]`.
    private let starts: [Int]
    private let items: [Int32]
    /// How far a point may be misplaced across a cell's edge by rounding: the search goes on until
    /// the nearest is nearer than the unsearched cells by more than this.
    private let slack: Double

    /// At most this many columns and rows: a network spread thin over a wide area gets larger cells.
    static let maxSide = 2048

    /// Indexes the segments and points of `shapes` (lines and points; polygons' rings are taken as
    /// lines). Feature `i` is `shapes[i]`. The cells list at most `perSegment` times as many
    /// segments as there are, and `extra` more (cells are made larger until they do).
    public init(_ shapes: [Shape], perSegment: Int = 32, extra: Int = 1 << 20) {
        var ax: [Double] = [], ay: [Double] = [], bx: [Double] = [], by: [Double] = [], feature: [Int32] = []
        func add(_ a: Coordinate, _ b: Coordinate, _ f: Int) {
            guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { return }
            ax.append(a.x); ay.append(a.y); bx.append(b.x); by.append(b.y); feature.append(Int32(f))
        }
        func line(_ cs: [Coordinate], _ f: Int) {
            if cs.count == 1 { add(cs[0], cs[0], f) }
            for k in cs.indices.dropLast() { add(cs[k], cs[k + 1], f) }
        }
        func walk(_ s: Shape, _ f: Int) {
            switch s {
            case .point(let c): add(c, c, f)
            case .multiPoint(let cs): for c in cs { add(c, c, f) }
            case .lineString(let cs): line(cs, f)
            case .multiLineString(let ls): for l in ls { line(l, f) }
            case .polygon(let rings): for r in rings { line(r, f) }
            case .multiPolygon(let ps): for p in ps { for r in p { line(r, f) } }
            case .geometryCollection(let parts): for p in parts { walk(p, f) }
            }
        }
        for (f, s) in shapes.enumerated() { walk(s, f) }
        let n = ax.count
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for k in 0..<n {
            minX = min(minX, ax[k], bx[k]); maxX = max(maxX, ax[k], bx[k])
            minY = min(minY, ay[k], by[k]); maxY = max(maxY, ay[k], by[k])
        }
        if n == 0 { (minX, minY, maxX, maxY) = (0, 0, 0, 0) }
        let w = maxX - minX, h = maxY - minY
        // About four segments to a cell where they are spread evenly; never more than maxSide
        // cells a side.
        var cell = (w * h / Double(max(n, 1))).squareRoot() * 2
        if !(cell > 0) { cell = max(w, h) / Double(max(n, 1)) * 4 }
        cell = max(cell, max(w, h) / Double(Self.maxSide - 1), max(abs(minX), abs(maxX), abs(minY), abs(maxY)) * 1e-12)
        if !(cell > 0) || !cell.isFinite { cell = 1 }
        var columns = 1, rows = 1, slack = 0.0
        var counts: [Int] = []
        while true {
            columns = Int(min(w / cell, Double(Self.maxSide - 1))) + 1
            rows = Int(min(h / cell, Double(Self.maxSide - 1))) + 1
            slack = cell * 1e-6
            counts = [Int](repeating: 0, count: columns * rows + 1)
            var total = 0
            for k in 0..<n { Self.cells(ax[k], ay[k], bx[k], by[k], minX, minY, cell, columns, rows, slack) { counts[$0 + 1] += 1; total += 1 } }
            // Long segments crossing many cells each (a network of few, long lines): larger cells,
            // so that the lists stay within a bound of the segments' count.
            if total <= perSegment * n + extra || (columns == 1 && rows == 1) { break }
            cell *= 2
        }
        for i in 1..<counts.count { counts[i] += counts[i - 1] }
        var next = counts
        var items = [Int32](repeating: 0, count: counts[counts.count - 1])
        for k in 0..<n {
            Self.cells(ax[k], ay[k], bx[k], by[k], minX, minY, cell, columns, rows, slack) { c in
                items[next[c]] = Int32(k)
                next[c] += 1
            }
        }
        (self.ax, self.ay, self.bx, self.by, self.feature) = (ax, ay, bx, by, feature)
        (self.originX, self.originY, self.cell, self.columns, self.rows) = (minX, minY, cell, columns, rows)
        (self.starts, self.items, self.slack) = (counts, items, slack)
    }

    /// The cells of a grid (corner (minX, minY), side `cell`) that the segment from (x0, y0) to
    /// (x1, y1) crosses: row by row, the columns its part within the row's band spans, both widened
    /// by `slack`.
    private static func cells(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ minX: Double, _ minY: Double,
                              _ cell: Double, _ columns: Int, _ rows: Int, _ slack: Double, _ visit: (Int) -> Void) {
        func column(_ x: Double) -> Int { min(columns - 1, max(0, Int(((x - minX) / cell).rounded(.down).clamped(-1, Double(columns))))) }
        func row(_ y: Double) -> Int { min(rows - 1, max(0, Int(((y - minY) / cell).rounded(.down).clamped(-1, Double(rows))))) }
        for r in row(min(y0, y1) - slack)...row(max(y0, y1) + slack) {
            var lo = min(x0, x1), hi = max(x0, x1)
            if y0 != y1 {
                // Where the segment enters and leaves the row's band.
                let bandLow = minY + Double(r) * cell - slack, bandHigh = minY + Double(r + 1) * cell + slack
                let t0 = ((bandLow - y0) / (y1 - y0)).clamped(0, 1), t1 = ((bandHigh - y0) / (y1 - y0)).clamped(0, 1)
                let xa = x0 + (x1 - x0) * t0, xb = x0 + (x1 - x0) * t1
                lo = max(lo, min(xa, xb)); hi = min(hi, max(xa, xb))
            }
            for c in column(lo - slack)...column(max(lo, hi) + slack) { visit(r * columns + c) }
        }
    }

    /// GEOS's `Distance::pointToSegment`: from `p` to the segment from `a` to `b`.
    @inline(__always)
    static func pointToSegment(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
        func distance(_ x: Double, _ y: Double) -> Double {
            let dx = px - x, dy = py - y
            return (dx * dx + dy * dy).squareRoot()
        }
        if ax == bx && ay == by { return distance(ax, ay) }
        let len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
        let r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
        if r <= 0 { return distance(ax, ay) }
        if r >= 1 { return distance(bx, by) }
        let s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2
        return abs(s) * len2.squareRoot()
    }

    /// The feature nearest to `p` and its distance (the first of those at the same distance), or nil
    /// when there is none (or `p` is not finite).
    public func nearest(to p: Coordinate) -> (feature: Int, distance: Double)? {
        guard !items.isEmpty, p.x.isFinite, p.y.isFinite else { return nil }
        let limit = Double(Self.maxSide * 4)
        let pc = Int(((p.x - originX) / cell).rounded(.down).clamped(-limit, limit))
        let pr = Int(((p.y - originY) / cell).rounded(.down).clamped(-limit, limit))
        var best = Double.infinity, bestFeature = Int32.max
        func search(_ c: Int, _ r: Int) {
            let i = r * columns + c
            for k in starts[i]..<starts[i + 1] {
                let s = Int(items[k])
                let d = Self.pointToSegment(p.x, p.y, ax[s], ay[s], bx[s], by[s])
                if d < best || (d == best && feature[s] < bestFeature) { (best, bestFeature) = (d, feature[s]) }
            }
        }
        // The first ring that meets the grid.
        var ring = max(pc < 0 ? -pc : max(0, pc - columns + 1), pr < 0 ? -pr : max(0, pr - rows + 1))
        while true {
            let c0 = pc - ring, c1 = pc + ring, r0 = pr - ring, r1 = pr + ring
            let cLow = max(c0, 0), cHigh = min(c1, columns - 1), rLow = max(r0, 0), rHigh = min(r1, rows - 1)
            if cLow <= cHigh && rLow <= rHigh {
                for r in rLow...rHigh {
                    if r == r0 || r == r1 {
                        for c in cLow...cHigh { search(c, r) }
                    } else {
                        if c0 >= 0 { search(c0, r) }
                        if c1 < columns && c1 != c0 { search(c1, r) }
                    }
                }
            }
            // Beyond the rings searched, on each side where cells are left: nothing there is nearer
            // than that side's edge.
            var bound = Double.infinity
            if c0 > 0 { bound = min(bound, p.x - (originX + Double(c0) * cell)) }
            if c1 < columns - 1 { bound = min(bound, originX + Double(c1 + 1) * cell - p.x) }
            if r0 > 0 { bound = min(bound, p.y - (originY + Double(r0) * cell)) }
            if r1 < rows - 1 { bound = min(bound, originY + Double(r1 + 1) * cell - p.y) }
            if bound == .infinity || best < bound - slack { break }
            ring += 1
        }
        return bestFeature == Int32.max ? nil : (Int(bestFeature), best)
    }
}

private extension Double {
    func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(hi, Swift.max(lo, self)) }
}
