/// How much of a region lies under the union of several covers, for many layers of covers at once.
///
/// A vertical-slab sweep: every vertex and every crossing of two boundaries is an event; between two
/// consecutive events no boundary starts, ends or crosses another, so along the vertical line through
/// the middle of the slab the boundaries come in one order, and the area of the slab between two
/// consecutive boundaries is the slab's width times their vertical distance there (a trapezoid).
/// Walking up that line, the region and each cover are entered and left by parity; a layer is
/// covered where any of its covers is entered. One sweep gives every layer's covered area, whatever
/// the overlaps: the cost grows with the boundaries near the region, never with the number of ways
/// the covers overlap.
///
/// The region is a valid polygon or multipolygon (rings that do not cross); covers are simple
/// polygons, convex or not. Both are closed rings in a planar CRS.
public enum LayeredCoverage {
    public struct Cover {
        /// Closed rings that do not cross: one simple polygon, or the outer rings and holes of a
        /// multipolygon (inside is where a line crosses its rings an odd number of times).
        public var rings: [[Coordinate]]
        /// Bit `l` set when this cover counts for layer `l` (at most 64 layers).
        public var layers: UInt64

        public init(ring: [Coordinate], layers: UInt64) {
            self.rings = [ring]
            self.layers = layers
        }

        /// The first ring (the whole cover when it is one simple polygon).
        public var ring: [Coordinate] { rings.first ?? [] }

        public init(rings: [[Coordinate]], layers: UInt64) {
            self.rings = rings
            self.layers = layers
        }
    }

    /// The region's area and, per layer, the area of the region inside the union of that layer's
    /// covers. When a layer covers the whole region its area is exactly the region's area.
    public static func areas(region: [[Coordinate]], covers: [Cover], layerCount: Int) -> (region: Double, covered: [Double]) {
        precondition(layerCount <= 64, "at most 64 layers")
        var covered = [Double](repeating: 0, count: layerCount)
        guard var box = Bounds(of: region.joined()) else { return (0, covered) }
        // Covers are cut to a box a little larger than the region's, so that their edges are
        // near the region and the box's own edges never touch it.
        let margin = Swift.max(box.maxX - box.minX, box.maxY - box.minY) * 1e-3 + 1e-9
        box = Bounds(minX: box.minX - margin, minY: box.minY - margin, maxX: box.maxX + margin, maxY: box.maxY + margin)

        var edges: [Edge] = []
        for ring in region { Edge.append(ring, owner: -1, to: &edges) }
        var layersOf: [UInt64] = []
        for cover in covers where cover.layers != 0 {
            var added = false
            // A cover's rings share one owner: parity over all of them gives its holes and parts.
            for coverRing in cover.rings {
                guard let coverBox = Bounds(of: coverRing), coverBox.intersects(box) else { continue }
                let ring = box.contains(coverBox) ? coverRing : clip(coverRing, to: box)
                if ring.count < 4 { continue }
                Edge.append(ring, owner: Int32(layersOf.count), to: &edges)
                added = true
            }
            if added { layersOf.append(cover.layers) }
        }
        // By left end, ties in the order added (what a stable sort of the edges gives): the keys
        // are sorted, then the edges gathered, instead of moving the edges about.
        var keys = edges.indices.map { (x: edges[$0].x0, i: Int32($0)) }
        // No two keys are equal (the indices differ): the order is the stable sort's.
        keys.withUnsafeMutableBufferPointer { sortDistinct($0, key: \.x) { a, b in a.x != b.x ? a.x < b.x : a.i < b.i } }
        edges = keys.map { edges[Int($0.i)] }

        // Events: every endpoint, and every point where two boundaries cross. The left ends come
        // in order, the right ones nearly so and the crossings strip by strip (`appendCrossings`),
        // each strip's by their edges' left ends: kept in those runs, the sort below mostly merges them.
        var events: [Double] = []
        events.reserveCapacity(edges.count * 3)
        for e in edges { events.append(e.x0) }
        for e in edges { events.append(e.x1) }
        appendCrossings(of: edges, within: box, to: &events)
        events.sort()

        let regionArea = edges.withUnsafeBufferPointer { edges in
            events.withUnsafeBufferPointer { events in
                layersOf.withUnsafeBufferPointer { layersOf in
                    covered.withUnsafeMutableBufferPointer { covered in
                        sweep(edges: edges, events: events, layersOf: layersOf, covered: covered)
                    }
                }
            }
        }
        return (regionArea, covered)
    }

    /// Appends to `events` the x of every point where two edges of different owners cross,
    /// strictly between their ends. `edges` are sorted by their left ends and lie in `box`.
    ///
    /// A pair of edges can cross only where both their x ranges and their y ranges overlap. The
    /// box is cut into horizontal strips, each holding the edges whose y range reaches into it (in
    /// the edges' order); a pair is tested in the lowest strip that both reach, where it is met
    /// once, by scanning each edge's later strip-mates that start before it ends. The pairs tested
    /// are those a scan of all edges would test and pass its y test; the caller sorts the events,
    /// so the order they are found in does not matter.
    private static func appendCrossings(of edges: [Edge], within box: Bounds, to events: inout [Double]) {
        let stripCount = Swift.max(1, Swift.min(32, edges.count / 24))
        let stripHeight = (box.maxY - box.minY) / Double(stripCount)
        @inline(__always) func strip(_ y: Double) -> Int {
            let t = (y - box.minY) / stripHeight
            return t > 0 ? (t < Double(stripCount - 1) ? Int(t) : stripCount - 1) : 0  // NaN: the first
        }
        // Each edge's lowest and highest strip; a pair's lowest common strip is the higher of
        // their lowest ones (`strip` never decreases), found without a division.
        var low = [Int32](repeating: 0, count: edges.count), high = low
        var start = [Int](repeating: 0, count: stripCount + 1)
        for (i, e) in edges.enumerated() {
            low[i] = Int32(strip(e.minY))
            high[i] = Int32(strip(e.maxY))
            for s in low[i]...high[i] { start[Int(s) + 1] += 1 }
        }
        for s in 0..<stripCount { start[s + 1] += start[s] }
        var fill = start
        var members = [Int32](repeating: 0, count: start[stripCount])
        for i in edges.indices {
            for s in Int(low[i])...Int(high[i]) {
                members[fill[s]] = Int32(i)
                fill[s] += 1
            }
        }
        edges.withUnsafeBufferPointer { edges in
            low.withUnsafeBufferPointer { low in
                members.withUnsafeBufferPointer { members in
                    for s in 0..<stripCount {
                        let end = start[s + 1]
                        for p in start[s]..<end {
                            let ia = Int(members[p]), a = edges[ia]
                            var q = p + 1
                            while q < end {
                                let ib = Int(members[q]), b = edges[ib]
                                if b.x0 >= a.x1 { break }
                                q += 1
                                // A ring's own edges do not cross (the region is valid, covers are simple).
                                if a.owner == b.owner || a.maxY < b.minY || b.maxY < a.minY { continue }
                                if Int(Swift.max(low[ia], low[ib])) != s { continue }
                                let left = b.x0, right = Swift.min(a.x1, b.x1)
                                let dl = a.y(at: left) - b.y(at: left), dr = a.y(at: right) - b.y(at: right)
                                if (dl < 0 && dr > 0) || (dl > 0 && dr < 0) {
                                    let x = left + (right - left) * (dl / (dl - dr))
                                    if x > left && x < right { events.append(x) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The slabs between consecutive `events`: adds each layer's covered area to `covered` and
    /// returns the region's area. `edges` are sorted by their left ends.
    private static func sweep(edges: UnsafeBufferPointer<Edge>, events: UnsafeBufferPointer<Double>,
                              layersOf: UnsafeBufferPointer<UInt64>, covered: UnsafeMutableBufferPointer<Double>) -> Double {
        // The edges crossing the current slab, in order of height at the middle of the previous
        // slab: between two slabs only crossings, starts and ends change it, so an insertion sort
        // puts it right again in about one pass. What the slabs read of them (left end, height
        // there, slope, right end, owner) is kept side by side in that order, so that a slab reads
        // its edges in a stream rather than each from where it lies among all.
        let active = ActiveEdges(capacity: edges.count)
        let ys = UnsafeMutableBufferPointer<Double>.allocate(capacity: edges.count)
        let inside = UnsafeMutableBufferPointer<Bool>.allocate(capacity: layersOf.count)
        let count = UnsafeMutableBufferPointer<Int32>.allocate(capacity: covered.count)
        defer { active.deallocate(); ys.deallocate(); inside.deallocate(); count.deallocate() }
        let x0 = active.x0, y0 = active.y0, slope = active.slope, x1 = active.x1, owners = active.owner
        inside.initialize(repeating: false)
        count.initialize(repeating: 0)
        var regionArea = 0.0
        var n = 0, next = 0, k = 0
        while k + 1 < events.count {
            let xa = events[k]
            var kb = k + 1
            while kb < events.count && events[kb] == xa { kb += 1 }
            if kb == events.count { break }
            let xb = events[kb]
            k = kb
            // Drop the edges that ended, keeping the order (from the first that ended on); add
            // the ones that start.
            var kept = 0
            while kept < n && x1[kept] > xa { kept += 1 }
            if kept < n {
                for i in (kept + 1)..<n where x1[i] > xa {
                    active.move(i, to: kept)
                    kept += 1
                }
            }
            n = kept
            while next < edges.count && edges[next].x0 <= xa {
                active.set(n, edges[next])
                n += 1
                next += 1
            }
            if n == 0 { continue }
            let xm = (xa + xb) / 2, width = xb - xa
            for i in 0..<n {
                ys[i] = y0[i] + (xm - x0[i]) * slope[i]
            }
            for i in 1..<n where ys[i - 1] > ys[i] {
                let y = ys[i]
                active.move(i, to: active.spare)
                var j = i - 1
                while j >= 0 && ys[j] > y {
                    ys[j + 1] = ys[j]
                    active.move(j, to: j + 1)
                    j -= 1
                }
                ys[j + 1] = y
                active.move(active.spare, to: j + 1)
            }

            var inRegion = false
            var coveredLayers: UInt64 = 0, open = 0
            var previous = ys[0]
            var regionLength = 0.0
            for i in 0..<n {
                let y = ys[i], owner = owners[i]
                let gap = y - previous
                if inRegion && gap > 0 {
                    regionLength += gap
                    var bits = coveredLayers
                    while bits != 0 {
                        covered[bits.trailingZeroBitCount] += width * gap
                        bits &= bits - 1
                    }
                }
                previous = y
                if owner < 0 {
                    inRegion.toggle()
                } else {
                    let c = Int(owner)
                    inside[c].toggle()
                    let step: Int32 = inside[c] ? 1 : -1
                    open &+= Int(step)
                    var bits = layersOf[c]
                    while bits != 0 {
                        let l = bits.trailingZeroBitCount
                        count[l] &+= step
                        if count[l] > 0 { coveredLayers |= 1 << UInt64(l) } else { coveredLayers &= ~(1 << UInt64(l)) }
                        bits &= bits - 1
                    }
                }
            }
            regionArea += width * regionLength
            // Every line crosses a closed ring an even number of times; this only guards rounding.
            if open != 0 {
                for c in inside.indices { inside[c] = false }
                for l in count.indices { count[l] = 0 }
            }
        }
        return regionArea
    }

    /// The sweep's edges in a slab, field by field (left end, its height, slope, right end, owner),
    /// with a spare place after the last for the edge an insertion sort is moving.
    private struct ActiveEdges {
        let x0, y0, slope, x1: UnsafeMutablePointer<Double>
        let owner: UnsafeMutablePointer<Int32>
        let spare: Int

        init(capacity: Int) {
            spare = capacity
            let c = capacity + 1
            x0 = .allocate(capacity: c); y0 = .allocate(capacity: c); slope = .allocate(capacity: c)
            x1 = .allocate(capacity: c); owner = .allocate(capacity: c)
        }

        func deallocate() { x0.deallocate(); y0.deallocate(); slope.deallocate(); x1.deallocate(); owner.deallocate() }

        @inline(__always) func set(_ i: Int, _ e: Edge) {
            x0[i] = e.x0; y0[i] = e.y0; slope[i] = e.slope; x1[i] = e.x1; owner[i] = e.owner
        }

        @inline(__always) func move(_ from: Int, to i: Int) {
            x0[i] = x0[from]; y0[i] = y0[from]; slope[i] = slope[from]; x1[i] = x1[from]; owner[i] = owner[from]
        }
    }

    /// A non-vertical edge, left end first.
    struct Edge {
        var x0, y0, x1, y1: Double
        var slope: Double
        var minY, maxY: Double
        /// -1 for the region, else the cover's number.
        var owner: Int32

        @inline(__always) func y(at x: Double) -> Double { x == x1 ? y1 : y0 + (x - x0) * slope }

        static func append(_ ring: [Coordinate], owner: Int32, to edges: inout [Edge]) {
            guard ring.count >= 2 else { return }
            for i in 1..<ring.count {
                var p = ring[i - 1], q = ring[i]
                if p.x == q.x { continue }  // vertical: spans no slab
                if p.x > q.x { swap(&p, &q) }
                edges.append(Edge(x0: p.x, y0: p.y, x1: q.x, y1: q.y, slope: (q.y - p.y) / (q.x - p.x),
                                  minY: Swift.min(p.y, q.y), maxY: Swift.max(p.y, q.y), owner: owner))
            }
        }
    }

    /// The ring cut to `box` (Sutherland–Hodgman by the box's four sides), closed; parity inside the
    /// box is kept for any simple ring.
    static func clip(_ ring: [Coordinate], to box: Bounds) -> [Coordinate] {
        var current = ring
        for side in 0..<4 {
            if current.count < 4 { return [] }
            @inline(__always) func keeps(_ p: Coordinate) -> Bool {
                switch side {
                case 0: return p.x >= box.minX
                case 1: return p.x <= box.maxX
                case 2: return p.y >= box.minY
                default: return p.y <= box.maxY
                }
            }
            @inline(__always) func cut(_ p: Coordinate, _ q: Coordinate) -> Coordinate {
                switch side {
                case 0: return Coordinate(box.minX, p.y + (box.minX - p.x) * (q.y - p.y) / (q.x - p.x))
                case 1: return Coordinate(box.maxX, p.y + (box.maxX - p.x) * (q.y - p.y) / (q.x - p.x))
                case 2: return Coordinate(p.x + (box.minY - p.y) * (q.x - p.x) / (q.y - p.y), box.minY)
                default: return Coordinate(p.x + (box.maxY - p.y) * (q.x - p.x) / (q.y - p.y), box.maxY)
                }
            }
            var out: [Coordinate] = []
            out.reserveCapacity(current.count + 4)
            var p = current[0], pin = keeps(p)
            for i in 1..<current.count {
                let q = current[i], qin = keeps(q)
                if pin { out.append(p) }
                if pin != qin { out.append(cut(p, q)) }
                p = q
                pin = qin
            }
            if out.count < 3 { return [] }
            out.append(out[0])
            current = out
        }
        return current
    }
}
