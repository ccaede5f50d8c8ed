/// A convex polygon used as a clipping window: a closed ring and its orientation.
public struct ConvexWindow: Sendable {
    /// The closed ring (first position repeated last).
    public let ring: [Coordinate]
    /// 1 when the ring runs counter-clockwise, -1 when clockwise.
    public let orientation: Double
    public let bounds: Bounds

    /// `ring` must be closed and convex (not checked).
    public init(ring: [Coordinate]) {
        self.ring = ring
        orientation = signedArea2(ring) >= 0 ? 1 : -1
        bounds = Bounds(of: ring) ?? Bounds(minX: 0, minY: 0, maxX: 0, maxY: 0)
    }
}

/// Polygon rings clipped by convex windows (Sutherland–Hodgman), exact for areas.
///
/// Clipping any closed ring — convex or not — by a half-plane keeps its winding number inside the
/// half-plane and makes it zero outside, so the shoelace area of the clipped ring is the area of the
/// ring's region within the half-plane, even where the output runs out and back along the clip line.
/// The clipped rings are therefore right for areas (and for further clips), not as shapes to draw.
public struct ClippedRings: Sendable {
    /// Closed rings; `weights` make exteriors count positive and holes negative.
    public private(set) var rings: [[Coordinate]]
    public private(set) var weights: [Double]
    public private(set) var bounds: Bounds?

    /// The rings of polygons given as [exterior, holes…] each, in any orientation.
    public init(polygons: [[[Coordinate]]]) {
        rings = []
        weights = []
        for polygon in polygons {
            for (k, ring) in polygon.enumerated() where ring.count >= 4 {
                let positive = signedArea2(ring) >= 0
                rings.append(ring)
                weights.append((k == 0) == positive ? 1 : -1)
            }
        }
        bounds = Self.bounds(of: rings)
    }

    private init(rings: [[Coordinate]], weights: [Double]) {
        self.rings = rings
        self.weights = weights
        bounds = Self.bounds(of: rings)
    }

    private static func bounds(of rings: [[Coordinate]]) -> Bounds? {
        var b: Bounds?
        for r in rings {
            guard let rb = Bounds(of: r) else { continue }
            b = b.map { $0.union(rb) } ?? rb
        }
        return b
    }

    /// The area of the region: exteriors less holes.
    public var area: Double {
        var a = 0.0
        for (r, w) in zip(rings, weights) { a += w * signedArea2(r) }
        return a / 2
    }

    /// The part inside `window`.
    ///
    /// Only the window's edges that touch the rings' bounding box can cut them: inside the box, the
    /// window is the intersection of those edges' half-planes (and when none touches the box, the
    /// box lies wholly inside or wholly outside the window).
    public func clipped(by window: ConvexWindow) -> ClippedRings {
        guard var box = bounds else { return self }
        guard window.bounds.intersects(box) else { return ClippedRings(rings: [], weights: []) }
        let w = window.ring, s = window.orientation
        var cutting: [Int] = []
        for k in 1..<w.count {
            let a = w[k - 1], b = w[k]
            if Swift.max(a.x, b.x) < box.minX || Swift.min(a.x, b.x) > box.maxX
                || Swift.max(a.y, b.y) < box.minY || Swift.min(a.y, b.y) > box.maxY { continue }
            cutting.append(k)
        }
        if cutting.isEmpty {
            let c = box.center
            for k in 1..<w.count {
                let a = w[k - 1], b = w[k]
                if ((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)) * s < 0 { return ClippedRings(rings: [], weights: []) }
            }
            return self
        }
        var rings = self.rings, weights = self.weights
        for k in cutting {
            let a = w[k - 1], b = w[k]
            let ex = b.x - a.x, ey = b.y - a.y
            @inline(__always) func side(_ p: Coordinate) -> Double { (ex * (p.y - a.y) - ey * (p.x - a.x)) * s }
            // An edge whose inner side holds the whole box changes nothing.
            if side(Coordinate(box.minX, box.minY)) >= 0 && side(Coordinate(box.maxX, box.minY)) >= 0
                && side(Coordinate(box.minX, box.maxY)) >= 0 && side(Coordinate(box.maxX, box.maxY)) >= 0 { continue }
            var nextRings: [[Coordinate]] = [], nextWeights: [Double] = []
            var next: Bounds?
            for (r, weight) in zip(rings, weights) {
                var out: [Coordinate] = []
                out.reserveCapacity(r.count + 4)
                var p = r[0], dp = side(p)
                for i in 1..<r.count {
                    let q = r[i], dq = side(q)
                    if dp >= 0 { out.append(p) }
                    if (dp >= 0) != (dq >= 0) {
                        let t = dp / (dp - dq)
                        out.append(Coordinate(p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)))
                    }
                    p = q
                    dp = dq
                }
                if out.count >= 3, let ob = Bounds(of: out) {
                    out.append(out[0])
                    nextRings.append(out)
                    nextWeights.append(weight)
                    next = next.map { $0.union(ob) } ?? ob
                }
            }
            rings = nextRings
            weights = nextWeights
            guard let n = next else { return ClippedRings(rings: [], weights: []) }
            box = n
        }
        return ClippedRings(rings: rings, weights: weights)
    }
}
