import Foundation

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
                if cross(a, b, p) * orientation < -1e-6 { return false }
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
            let outside = points.allSatisfy { p in cross(a, b, p) * orientation < -1e-6 }
            if outside { return true }
            a = b
        }
        return false
    }
}

extension ConvexWindow {
    /// `holdsAll(points)` for points that all lie within `box`, the same answer faster: an edge with
    /// the box's worst corner inside or on it (by the same rounded cross product) has every point
    /// inside or on it, and its points are not looked at.
    ///
    /// Exact, not a bound with a margin: the rounded cross product of a point against an edge is
    /// monotone in the point's x and in its y separately (each rounding step is), so over a box it
    /// is least and greatest at corners, which the signs of the edge's direction name.
    public func holdsAll(_ points: [Coordinate], within box: Bounds) -> Bool {
        guard ring.count >= 4 else { return false }
        var a = ring[0]
        for k in 1..<ring.count {
            let b = ring[k]
            if cross(a, b, corner(a, b, box, greatest: false)) * orientation < -1e-6 {
                for p in points where cross(a, b, p) * orientation < -1e-6 { return false }
            }
            a = b
        }
        return true
    }

    /// `separates(points)` for points that all lie within `box`, the same answer faster: an edge
    /// with the first point inside or on it separates nothing (as before); one with the box's
    /// best corner strictly outside has every point strictly outside (see `holdsAll(_:within:)`).
    public func separates(_ points: [Coordinate], within box: Bounds) -> Bool {
        guard ring.count >= 4, let first = points.first else { return false }
        var a = ring[0]
        for k in 1..<ring.count {
            let b = ring[k]
            defer { a = b }
            if !(cross(a, b, first) * orientation < -1e-6) { continue }
            if cross(a, b, corner(a, b, box, greatest: true)) * orientation < -1e-6 { return true }
            if points.dropFirst().allSatisfy({ p in cross(a, b, p) * orientation < -1e-6 }) { return true }
        }
        return false
    }

    /// The corner of `box` where `cross(a, b, corner) * orientation` is greatest (or least): that
    /// product grows with y when `(b.x - a.x) * orientation` is positive, and with x when
    /// `(b.y - a.y) * orientation` is negative.
    @inline(__always)
    private func corner(_ a: Coordinate, _ b: Coordinate, _ box: Bounds, greatest: Bool) -> Coordinate {
        let upY = (b.x - a.x) * orientation >= 0, upX = (b.y - a.y) * orientation <= 0
        return Coordinate(upX == greatest ? box.maxX : box.minX, upY == greatest ? box.maxY : box.minY)
    }
}

/// Twice the signed area of triangle (`o`, `a`, `b`): positive when `b` lies left of the line from `o` to `a`.
@inline(__always)
private func cross(_ o: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Double {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

extension ConvexWindow {
    /// The convex hull of `points` (Andrew's monotone chain), counter-clockwise and closed; nil
    /// when the points span no area. Whatever lies within the points' polygons lies within it.
    public init?(hullOf points: [Coordinate]) {
        let sorted = points.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        var lower: [Coordinate] = [], upper: [Coordinate] = []
        for p in sorted {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
            lower.append(p)
        }
        for p in sorted.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
            upper.append(p)
        }
        let ring = Array(lower.dropLast()) + Array(upper.dropLast())
        guard ring.count >= 3 else { return nil }
        self.init(ring: ring + [ring[0]])
    }

    /// `ring` (closed) as a window when it is strictly convex: every corner turns the same way,
    /// none is straight, and the turns go round once; nil otherwise.
    public init?(checking ring: [Coordinate]) {
        guard ring.count >= 4, ring.first == ring.last else { return nil }
        let n = ring.count - 1
        var sign = 0.0, turned = 0.0
        for k in 0..<n {
            let a = ring[(k + n - 1) % n], b = ring[k], c = ring[(k + 1) % n]
            let (ux, uy, vx, vy) = (b.x - a.x, b.y - a.y, c.x - b.x, c.y - b.y)
            let cross = ux * vy - uy * vx
            guard cross != 0, sign == 0 || (cross > 0) == (sign > 0) else { return nil }
            sign = cross
            turned += atan2(cross, ux * vx + uy * vy)
        }
        // A convex ring turns through 2π; a star that winds twice turns through 4π.
        guard abs(abs(turned) - 2 * .pi) < 1e-6 else { return nil }
        self.init(ring: ring)
    }
}
