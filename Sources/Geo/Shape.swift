import Foundation

/// A position: `x`/`y` in the CRS at hand (longitude/latitude in degrees for geographic CRSs).
public struct Coordinate: Hashable, Sendable, BitwiseCopyable {
    public var x: Double
    public var y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }

    public init(x: Double, y: Double) {
        self.init(x, y)
    }
}

/// An axis-aligned bounding box.
public struct Bounds: Hashable, Sendable {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The smallest box around `coordinates`, or nil when there are none. Inlinable, so that a
    /// caller in another module gets it specialised for its sequence (an array of a wedge's
    /// points, say) instead of calling through the sequence's witnesses.
    @inlinable
    public init?<S: Sequence>(of coordinates: S) where S.Element == Coordinate {
        var it = coordinates.makeIterator()
        guard let first = it.next() else { return nil }
        var b = Bounds(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)
        while let c = it.next() { b.expand(to: c) }
        self = b
    }

    public var center: Coordinate { Coordinate((minX + maxX) / 2, (minY + maxY) / 2) }
    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }

    public mutating func expand(to c: Coordinate) {
        minX = Swift.min(minX, c.x); maxX = Swift.max(maxX, c.x)
        minY = Swift.min(minY, c.y); maxY = Swift.max(maxY, c.y)
    }

    public func union(_ o: Bounds) -> Bounds {
        Bounds(minX: Swift.min(minX, o.minX), minY: Swift.min(minY, o.minY),
               maxX: Swift.max(maxX, o.maxX), maxY: Swift.max(maxY, o.maxY))
    }

    public func intersects(_ o: Bounds) -> Bool {
        minX <= o.maxX && o.minX <= maxX && minY <= o.maxY && o.minY <= maxY
    }

    public func contains(_ o: Bounds) -> Bool {
        minX <= o.minX && o.maxX <= maxX && minY <= o.minY && o.maxY <= maxY
    }
}

extension Bounds {
    /// The box around `box(0)` … `box(count - 1)` (nil ones left out), the boxes found on all
    /// cores; nil when every one is nil.
    public static func union(of count: Int, _ box: (Int) -> Bounds?) -> Bounds? {
        concurrentMap(count, chunk: 1024, box).reduce(nil as Bounds?) { b, v in v.map { b?.union($0) ?? $0 } ?? b }
    }
}

/// A geometry as plain Swift values: what file formats read and write, with no GEOS object behind it.
/// Rings are closed (first coordinate repeated last); polygons list the exterior ring first.
public indirect enum Shape: Hashable, Sendable {
    case point(Coordinate)
    case multiPoint([Coordinate])
    case lineString([Coordinate])
    case multiLineString([[Coordinate]])
    case polygon([[Coordinate]])
    case multiPolygon([[[Coordinate]]])
    case geometryCollection([Shape])

    /// The GeoJSON / OGC name of the type.
    public var typeName: String {
        switch self {
        case .point: return "Point"
        case .multiPoint: return "MultiPoint"
        case .lineString: return "LineString"
        case .multiLineString: return "MultiLineString"
        case .polygon: return "Polygon"
        case .multiPolygon: return "MultiPolygon"
        case .geometryCollection: return "GeometryCollection"
        }
    }

    /// Calls `body` for every coordinate, in order.
    public func forEachCoordinate(_ body: (Coordinate) throws -> Void) rethrows {
        switch self {
        case .point(let c): try body(c)
        case .multiPoint(let cs), .lineString(let cs): try cs.forEach(body)
        case .multiLineString(let ls), .polygon(let ls): for l in ls { try l.forEach(body) }
        case .multiPolygon(let ps): for p in ps { for r in p { try r.forEach(body) } }
        case .geometryCollection(let gs): for g in gs { try g.forEachCoordinate(body) }
        }
    }

    /// The same shape with every coordinate mapped through `transform`.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) rethrows -> Shape {
        if case .point(let c) = self { return .point(try transform(c)) }
        return try mapRings { try $0.map(transform) }
    }

    /// The same shape with every ring and line (and a point's or the points' coordinates, as one)
    /// mapped through `transform`, which returns as many coordinates as it is given.
    public func mapRings(_ transform: ([Coordinate]) throws -> [Coordinate]) rethrows -> Shape {
        switch self {
        case .point(let c): return .point(try transform([c])[0])
        case .multiPoint(let cs): return .multiPoint(try transform(cs))
        case .lineString(let cs): return .lineString(try transform(cs))
        case .multiLineString(let ls): return .multiLineString(try ls.map(transform))
        case .polygon(let rs): return .polygon(try rs.map(transform))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map { try $0.map(transform) })
        case .geometryCollection(let gs): return .geometryCollection(try gs.map { try $0.mapRings(transform) })
        }
    }

    public var bounds: Bounds? {
        var b: Bounds?
        forEachCoordinate { c in
            if b == nil { b = Bounds(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } else { b!.expand(to: c) }
        }
        return b
    }

    public var coordinateCount: Int {
        var n = 0
        forEachCoordinate { _ in n += 1 }
        return n
    }
}

/// Twice the signed area of a ring by the shoelace formula: positive when counter-clockwise.
public func signedArea2(_ ring: [Coordinate]) -> Double {
    guard ring.count > 2 else { return 0 }
    var s = 0.0
    var prev = ring[ring.count - 1]
    for c in ring {
        s += (prev.x - c.x) * (prev.y + c.y)
        prev = c
    }
    return s
}

extension Shape {
    /// The ring turned to run counter-clockwise (an exterior) or clockwise (a hole), RFC 7946 §3.1.6.
    public static func oriented(_ ring: [Coordinate], exterior: Bool) -> [Coordinate] {
        let area = signedArea2(ring)
        return (exterior ? area < 0 : area > 0) ? ring.reversed() : ring
    }

    /// The same shape with exterior rings counter-clockwise and holes clockwise.
    public var rightHandOriented: Shape {
        func rings(_ rs: [[Coordinate]]) -> [[Coordinate]] { rs.enumerated().map { Shape.oriented($1, exterior: $0 == 0) } }
        switch self {
        case .polygon(let rs): return .polygon(rings(rs))
        case .multiPolygon(let ps): return .multiPolygon(ps.map(rings))
        case .geometryCollection(let gs): return .geometryCollection(gs.map(\.rightHandOriented))
        default: return self
        }
    }
}

/// Whether `x` and `y` hold the same values to the bit, compared as bytes (-0 is not 0 here, as it
/// is for `==`); at once when they share storage (an array taken as it was kept).
public func haveSameBits<T: BitwiseCopyable>(_ x: [T], _ y: [T]) -> Bool {
    x.count == y.count && x.withUnsafeBytes { a in
        y.withUnsafeBytes { b in a.baseAddress == b.baseAddress || a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
    }
}

extension Shape {
    /// Whether `other` is this shape to the bit: the same kind and parts, every number with the
    /// same bits (`haveSameBits`).
    public func hasSameBits(as other: Shape) -> Bool {
        let same: ([Coordinate], [Coordinate]) -> Bool = haveSameBits
        switch (self, other) {
        case let (.point(a), .point(b)): return same([a], [b])
        case let (.multiPoint(a), .multiPoint(b)), let (.lineString(a), .lineString(b)): return same(a, b)
        case let (.multiLineString(a), .multiLineString(b)), let (.polygon(a), .polygon(b)): return a.elementsEqual(b, by: same)
        case let (.multiPolygon(a), .multiPolygon(b)): return a.elementsEqual(b) { $0.elementsEqual($1, by: same) }
        case let (.geometryCollection(a), .geometryCollection(b)): return a.elementsEqual(b) { $0.hasSameBits(as: $1) }
        default: return false
        }
    }
}

extension Shape {
    /// The shape with each ring and line thinned by Douglas–Peucker to `tolerance` (in the
    /// coordinates' units), for drawing: a ring keeps at least four positions, and a ring or line
    /// that would collapse stays as it was. Not topology-preserving: for display only.
    public func thinned(tolerance: Double) -> Shape {
        func thin(_ cs: [Coordinate], minimum: Int) -> [Coordinate] {
            guard cs.count > minimum else { return cs }
            let keep = DouglasPeucker.kept(cs, tolerance: tolerance, distance: .toLine)
            let out = zip(cs, keep).compactMap { $1 ? $0 : nil }
            return out.count >= minimum ? out : cs
        }
        func ring(_ r: [Coordinate]) -> [Coordinate] { thin(r, minimum: 4) }
        switch self {
        case .point, .multiPoint: return self
        case .lineString(let cs): return .lineString(thin(cs, minimum: 2))
        case .multiLineString(let ls): return .multiLineString(ls.map { thin($0, minimum: 2) })
        case .polygon(let rs): return .polygon(rs.map(ring))
        case .multiPolygon(let ps): return .multiPolygon(ps.map { $0.map(ring) })
        case .geometryCollection(let gs): return .geometryCollection(gs.map { $0.thinned(tolerance: tolerance) })
        }
    }
}

/// Whether `p` lies inside `rings` by the even-odd rule (closed rings of at least four points; a
/// hole is a ring inside another). Points on an edge may fall either way.
public func evenOddContains(_ rings: [[Coordinate]], _ p: Coordinate) -> Bool {
    var inside = false
    for ring in rings where ring.count >= 4 {
        var a = ring[ring.count - 1]
        for b in ring {
            if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            a = b
        }
    }
    return inside
}
