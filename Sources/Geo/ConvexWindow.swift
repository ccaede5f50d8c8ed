/// A closed ring with its orientation and bounds, for the tests that hold when the ring is convex:
/// whether it holds a set of points, and whether one of its edges separates it from them.
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

    /// Whether every one of `points` lies inside or on the polygon (within a micrometre-scale cross
    /// product, so that points on an edge count as inside).
    public func holdsAll(_ points: [Coordinate]) -> Bool {
        guard ring.count >= 4 else { return false }
        for p in points {
            var a = ring[0]
            for k in 1..<ring.count {
                let b = ring[k]
                if ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)) * orientation < -1e-6 { return false }
                a = b
            }
        }
        return true
    }

    /// Whether one edge has all of `points` strictly on its outer side: then any polygon through
    /// those points lies beyond that edge's line, apart from this one.
    public func separates(_ points: [Coordinate]) -> Bool {
        guard ring.count >= 4, !points.isEmpty else { return false }
        var a = ring[0]
        for k in 1..<ring.count {
            let b = ring[k]
            let outside = points.allSatisfy { p in
                ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)) * orientation < -1e-6
            }
            if outside { return true }
            a = b
        }
        return false
    }
}
