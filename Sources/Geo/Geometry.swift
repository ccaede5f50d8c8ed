import CGEOS

/// The OGC geometry types, with GEOS's type ids.
public enum GeometryType: Int32, Sendable {
    case point = 0, lineString = 1, linearRing = 2, polygon = 3
    case multiPoint = 4, multiLineString = 5, multiPolygon = 6, geometryCollection = 7
}

/// A GEOS geometry, owned by this object and destroyed exactly once when it goes away.
///
/// Geometries are immutable: every operation returns a new `Geometry`. A member of a collection
/// (`geometry(at:)`) or a polygon's ring borrows its parent's memory and keeps the parent alive.
/// Reading one geometry from several threads at once is safe once its envelope is cached
/// (inserting it into a `SpatialIndex` or reading `bounds` does that); GEOS calls always run
/// in the calling thread's own context.
public final class Geometry: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Set when `pointer` belongs to a collection or polygon: that owner frees it, and is kept alive.
    private let parent: Geometry?
    /// False once the pointer was handed to another `Geometry` (see `init(_ shape:)`) or is borrowed.
    private var ownsPointer: Bool

    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
        self.parent = nil
        self.ownsPointer = true
    }

    private init(borrowing pointer: OpaquePointer, parent: Geometry) {
        self.pointer = pointer
        self.parent = parent
        self.ownsPointer = false
    }

    deinit {
        // deinit cannot throw: without a context (GEOS out of memory) the geometry is leaked.
        // Any thread's context may free it: GEOS contexts hold only message handlers, and every
        // geometry comes from the one shared default geometry factory.
        if ownsPointer, let ctx = try? GEOSContext.current() { GEOSGeom_destroy_r(ctx.handle, pointer) }
    }

    /// Hands the pointer to a new owner; this object must not be used afterwards.
    private func releasePointer() -> OpaquePointer {
        precondition(ownsPointer, "releasing a borrowed geometry")
        ownsPointer = false
        return pointer
    }

    /// Wraps a GEOS result that we now own, or throws GEOS's error.
    static func own(_ pointer: OpaquePointer?, _ what: @autoclosure () -> String) throws -> Geometry {
        Geometry(owning: try GEOSContext.current().check(pointer, what()))
    }

    // MARK: Making geometries

    /// A point (`GEOSGeom_createPointFromXY_r`).
    public static func point(_ c: Coordinate) throws -> Geometry {
        try own(GEOSGeom_createPointFromXY_r(try GEOSContext.current().handle, c.x, c.y), "creating a point")
    }

    /// A line string through `coordinates` (at least two).
    public static func lineString(_ coordinates: [Coordinate]) throws -> Geometry {
        guard coordinates.count >= 2 else { throw GeoError.invalidInput("a line string needs at least 2 positions, got \(coordinates.count)") }
        let ctx = try GEOSContext.current()
        let seq = try CoordinateBuffer.sequence(coordinates, ctx)
        return try own(GEOSGeom_createLineString_r(ctx.handle, seq), "creating a line string")
    }

    /// A polygon from its exterior ring and holes; each ring closed with at least four positions.
    public static func polygon(_ rings: [[Coordinate]]) throws -> Geometry {
        guard let exterior = rings.first else { return try own(GEOSGeom_createEmptyPolygon_r(try GEOSContext.current().handle), "creating a polygon") }
        for (i, r) in rings.enumerated() {
            guard r.count >= 4 else { throw GeoError.invalidInput("polygon ring \(i) has \(r.count) positions; a ring needs at least 4") }
            guard r.first == r.last else { throw GeoError.invalidInput("polygon ring \(i) is not closed (its first and last positions differ)") }
            for c in r where !c.x.isFinite || !c.y.isFinite {
                throw GeoError.invalidInput("polygon ring \(i) has a non-finite coordinate")
            }
        }
        let ctx = try GEOSContext.current()
        func ring(_ cs: [Coordinate]) throws -> OpaquePointer {
            try ctx.check(GEOSGeom_createLinearRing_r(ctx.handle, try CoordinateBuffer.sequence(cs, ctx)), "creating a ring")
        }
        let shell = try ring(exterior)
        var holes: [OpaquePointer?] = []
        do {
            for r in rings.dropFirst() { holes.append(try ring(r)) }
        } catch {
            GEOSGeom_destroy_r(ctx.handle, shell)
            for h in holes { GEOSGeom_destroy_r(ctx.handle, h) }
            throw error
        }
        // GEOSGeom_createPolygon_r takes ownership of the shell and the holes (not of the array).
        let p = holes.withUnsafeMutableBufferPointer {
            GEOSGeom_createPolygon_r(ctx.handle, shell, $0.baseAddress, UInt32($0.count))
        }
        return try own(p, "creating a polygon")
    }

    /// A rectangle polygon covering `b`.
    public static func rectangle(_ b: Bounds) throws -> Geometry {
        try own(GEOSGeom_createRectangle_r(try GEOSContext.current().handle, b.minX, b.minY, b.maxX, b.maxY), "creating a rectangle")
    }

    /// A collection of copies of `members` (`GEOSGeom_createCollection_r` on clones, so members stay usable).
    public static func collection(_ type: GeometryType, _ members: [Geometry]) throws -> Geometry {
        let ctx = try GEOSContext.current()
        var clones: [OpaquePointer?] = []
        clones.reserveCapacity(members.count)
        for m in members {
            guard let c = GEOSGeom_clone_r(ctx.handle, m.pointer) else {
                for c in clones { GEOSGeom_destroy_r(ctx.handle, c) }
                throw ctx.takeError("cloning a member")
            }
            clones.append(c)
        }
        let g = clones.withUnsafeMutableBufferPointer {
            GEOSGeom_createCollection_r(ctx.handle, Int32(type.rawValue), $0.baseAddress, UInt32($0.count))
        }
        return try own(g, "creating a collection")
    }

    /// The geometry described by a plain `Shape`.
    public convenience init(_ shape: Shape) throws {
        let g: Geometry
        switch shape {
        case .point(let c): g = try .point(c)
        case .lineString(let cs): g = try .lineString(cs)
        case .polygon(let rings): g = try .polygon(rings)
        case .multiPoint(let cs): g = try .collection(.multiPoint, cs.map { try .point($0) })
        case .multiLineString(let ls): g = try .collection(.multiLineString, ls.map { try .lineString($0) })
        case .multiPolygon(let ps): g = try .collection(.multiPolygon, ps.map { try .polygon($0) })
        case .geometryCollection(let gs): g = try .collection(.geometryCollection, gs.map { try Geometry($0) })
        }
        self.init(owning: g.releasePointer())
    }

    /// An independent copy.
    public func clone() throws -> Geometry {
        try .own(GEOSGeom_clone_r(try GEOSContext.current().handle, pointer), "cloning")
    }

    // MARK: WKT and WKB

    /// Parses Well-Known Text (`GEOSWKTReader_read_r`).
    public convenience init(wkt: String) throws {
        let ctx = try GEOSContext.current()
        guard let reader = GEOSWKTReader_create_r(ctx.handle) else { throw ctx.takeError("creating a WKT reader") }
        defer { GEOSWKTReader_destroy_r(ctx.handle, reader) }
        self.init(owning: try ctx.check(GEOSWKTReader_read_r(ctx.handle, reader, wkt), "reading WKT"))
    }

    /// Parses Well-Known Binary (`GEOSWKBReader_read_r`).
    public convenience init(wkb: [UInt8]) throws {
        let ctx = try GEOSContext.current()
        guard let reader = GEOSWKBReader_create_r(ctx.handle) else { throw ctx.takeError("creating a WKB reader") }
        defer { GEOSWKBReader_destroy_r(ctx.handle, reader) }
        let g = wkb.withUnsafeBufferPointer { GEOSWKBReader_read_r(ctx.handle, reader, $0.baseAddress, $0.count) }
        self.init(owning: try ctx.check(g, "reading WKB"))
    }

    /// Well-Known Text, trimmed, with `decimals` digits after the point when given.
    public func wkt(decimals: Int? = nil) throws -> String {
        let ctx = try GEOSContext.current()
        guard let writer = GEOSWKTWriter_create_r(ctx.handle) else { throw ctx.takeError("creating a WKT writer") }
        defer { GEOSWKTWriter_destroy_r(ctx.handle, writer) }
        GEOSWKTWriter_setTrim_r(ctx.handle, writer, 1)
        GEOSWKTWriter_setOutputDimension_r(ctx.handle, writer, 2)
        if let decimals { GEOSWKTWriter_setRoundingPrecision_r(ctx.handle, writer, Int32(decimals)) }
        let s = try ctx.check(GEOSWKTWriter_write_r(ctx.handle, writer, pointer), "writing WKT")
        defer { GEOSFree_r(ctx.handle, s) }
        return String(cString: s)
    }

    /// Well-Known Binary, little-endian, 2D.
    public func wkb() throws -> [UInt8] {
        let ctx = try GEOSContext.current()
        guard let writer = GEOSWKBWriter_create_r(ctx.handle) else { throw ctx.takeError("creating a WKB writer") }
        defer { GEOSWKBWriter_destroy_r(ctx.handle, writer) }
        GEOSWKBWriter_setOutputDimension_r(ctx.handle, writer, 2)
        GEOSWKBWriter_setByteOrder_r(ctx.handle, writer, Int32(GEOS_WKB_NDR.rawValue))
        var size = 0
        let buf = try ctx.check(GEOSWKBWriter_write_r(ctx.handle, writer, pointer, &size), "writing WKB")
        defer { GEOSFree_r(ctx.handle, buf) }
        return Array(UnsafeBufferPointer(start: buf, count: size))
    }

    // MARK: Structure

    /// The geometry's type (`GEOSGeomTypeId_r`; -1 is an exception).
    public var type: GeometryType {
        get throws {
            let ctx = try GEOSContext.current()
            let id = try ctx.count(GEOSGeomTypeId_r(ctx.handle, pointer), "geometry type")
            guard let t = GeometryType(rawValue: Int32(id)) else { throw GeoError.geos("unknown geometry type id \(id)") }
            return t
        }
    }

    /// Whether the geometry has no points (`GEOSisEmpty_r`; 2 is an exception).
    public var isEmpty: Bool {
        get throws {
            let ctx = try GEOSContext.current()
            return try ctx.predicate(GEOSisEmpty_r(ctx.handle, pointer), "isEmpty")
        }
    }

    /// Number of members of a collection (1 for a single geometry; `GEOSGetNumGeometries_r`).
    public var memberCount: Int {
        get throws {
            let ctx = try GEOSContext.current()
            return try ctx.count(GEOSGetNumGeometries_r(ctx.handle, pointer), "member count")
        }
    }

    /// Member `i` of a collection, borrowing this geometry's memory (`GEOSGetGeometryN_r`).
    public func member(_ i: Int) throws -> Geometry {
        guard i >= 0, i < (try memberCount) else { throw GeoError.invalidInput("member index \(i) out of range") }
        let ctx = try GEOSContext.current()
        let p = try ctx.check(GEOSGetGeometryN_r(ctx.handle, pointer, Int32(i)), "member \(i)")
        return Geometry(borrowing: p, parent: self)
    }

    /// Number of coordinates (`GEOSGetNumCoordinates_r`).
    public var coordinateCount: Int {
        get throws {
            let ctx = try GEOSContext.current()
            return try ctx.count(GEOSGetNumCoordinates_r(ctx.handle, pointer), "coordinate count")
        }
    }

    /// The geometry as plain values, coordinates copied out one sequence at a time.
    public func shape() throws -> Shape {
        let ctx = try GEOSContext.current()
        switch try type {
        case .point:
            if try isEmpty { return .multiPoint([]) }
            return .point(try CoordinateBuffer.coordinates(of: pointer, ctx)[0])
        case .lineString, .linearRing:
            return .lineString(try CoordinateBuffer.coordinates(of: pointer, ctx))
        case .polygon:
            return .polygon(try rings(ctx))
        case .multiPoint:
            return .multiPoint(try (0..<memberCount).map { try CoordinateBuffer.coordinates(of: try member($0).pointer, ctx)[0] })
        case .multiLineString:
            return .multiLineString(try (0..<memberCount).map { try CoordinateBuffer.coordinates(of: try member($0).pointer, ctx) })
        case .multiPolygon:
            return .multiPolygon(try (0..<memberCount).map { try member($0).rings(ctx) })
        case .geometryCollection:
            return .geometryCollection(try (0..<memberCount).map { try member($0).shape() })
        }
    }

    private func rings(_ ctx: GEOSContext) throws -> [[Coordinate]] {
        if try isEmpty { return [] }
        guard let ext = GEOSGetExteriorRing_r(ctx.handle, pointer) else { throw ctx.takeError("reading a polygon's exterior ring") }
        var out = [try CoordinateBuffer.coordinates(of: ext, ctx)]
        let holes = try ctx.count(GEOSGetNumInteriorRings_r(ctx.handle, pointer), "hole count")
        for i in 0..<Int32(holes) {
            guard let h = GEOSGetInteriorRingN_r(ctx.handle, pointer, i) else { throw ctx.takeError("reading a hole") }
            out.append(try CoordinateBuffer.coordinates(of: h, ctx))
        }
        return out
    }

    /// The polygons of a polygonal geometry, or of the polygonal part of a collection.
    public func polygons() throws -> [Geometry] {
        switch try type {
        case .polygon: return try isEmpty ? [] : [self]
        case .multiPolygon, .geometryCollection: return try (0..<memberCount).flatMap { try member($0).polygons() }
        default: return []
        }
    }

    // MARK: Measures

    /// Planar area (`GEOSArea_r`), in the units of the CRS squared.
    public func area() throws -> Double {
        var a = 0.0
        let ctx = try GEOSContext.current()
        guard GEOSArea_r(ctx.handle, pointer, &a) == 1 else { throw ctx.takeError("area") }
        return a
    }

    /// Planar length (`GEOSLength_r`).
    public func length() throws -> Double {
        var l = 0.0
        let ctx = try GEOSContext.current()
        guard GEOSLength_r(ctx.handle, pointer, &l) == 1 else { throw ctx.takeError("length") }
        return l
    }

    /// The bounding box, or nil for an empty geometry. Also caches GEOS's envelope (see the type's note).
    public var bounds: Bounds? {
        get throws {
            if try isEmpty { return nil }
            let ctx = try GEOSContext.current()
            let h = ctx.handle
            var b = Bounds(minX: 0, minY: 0, maxX: 0, maxY: 0)
            guard GEOSGeom_getXMin_r(h, pointer, &b.minX) == 1, GEOSGeom_getYMin_r(h, pointer, &b.minY) == 1,
                  GEOSGeom_getXMax_r(h, pointer, &b.maxX) == 1, GEOSGeom_getYMax_r(h, pointer, &b.maxY) == 1 else {
                throw ctx.takeError("bounds")
            }
            return b
        }
    }

    /// Planar distance (`GEOSDistance_r`).
    public func distance(to other: Geometry) throws -> Double {
        var d = 0.0
        let ctx = try GEOSContext.current()
        guard GEOSDistance_r(ctx.handle, pointer, other.pointer, &d) == 1 else { throw ctx.takeError("distance") }
        return d
    }

    /// The closest pair of points: one on this geometry, one on `other` (`GEOSNearestPoints_r`).
    public func nearestPoints(to other: Geometry) throws -> (Coordinate, Coordinate) {
        let ctx = try GEOSContext.current()
        let seq = try ctx.check(GEOSNearestPoints_r(ctx.handle, pointer, other.pointer), "nearest points")
        defer { GEOSCoordSeq_destroy_r(ctx.handle, seq) }
        let cs = try CoordinateBuffer.copy(seq, ctx)
        guard cs.count == 2 else { throw GeoError.geos("nearest points of an empty geometry") }
        return (cs[0], cs[1])
    }

    // MARK: Validity

    /// Whether the geometry is valid (`GEOSisValid_r`; 2 is an exception).
    public var isValid: Bool {
        get throws {
            let ctx = try GEOSContext.current()
            return try ctx.predicate(GEOSisValid_r(ctx.handle, pointer), "isValid")
        }
    }

    /// Why the geometry is invalid ("Self-intersection[x y]"), or "Valid Geometry".
    public func validityReason() throws -> String {
        let ctx = try GEOSContext.current()
        let s = try ctx.check(GEOSisValidReason_r(ctx.handle, pointer), "validity reason")
        defer { GEOSFree_r(ctx.handle, s) }
        return String(cString: s)
    }

    /// Why the geometry is invalid, without GEOS's coordinates in the text ("Self-intersection"),
    /// and where (`GEOSisValidDetail_r`); nil when it is valid.
    public func invalidity() throws -> (reason: String, location: Coordinate?)? {
        let ctx = try GEOSContext.current()
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        let code = GEOSisValidDetail_r(ctx.handle, pointer, 0, &reason, &location)
        defer { if let reason { GEOSFree_r(ctx.handle, reason) } }
        let place = location.map { Geometry(owning: $0) }
        guard try !ctx.predicate(code, "validity detail") else { return nil }
        return (reason.map { String(cString: $0) } ?? "invalid", try place.flatMap { try $0.isEmpty ? nil : try $0.pointCoordinate() })
    }

    /// A valid geometry with the same extent (`GEOSMakeValidWithParams_r`, the "structure" method,
    /// collapsed parts dropped, so a polygon stays polygonal).
    public func makeValid() throws -> Geometry {
        let ctx = try GEOSContext.current()
        let params = try ctx.check(GEOSMakeValidParams_create_r(ctx.handle), "make-valid parameters")
        defer { GEOSMakeValidParams_destroy_r(ctx.handle, params) }
        GEOSMakeValidParams_setMethod_r(ctx.handle, params, GEOS_MAKE_VALID_STRUCTURE)
        GEOSMakeValidParams_setKeepCollapsed_r(ctx.handle, params, 0)
        return try .own(GEOSMakeValidWithParams_r(ctx.handle, pointer, params), "make-valid")
    }

    /// A polygonal geometry made valid as one multipolygon: the polygons of `makeValid()` (the
    /// same area; collapsed parts dropped).
    public func madeValidMultiPolygon() throws -> Geometry {
        try .collection(.multiPolygon, try makeValid().polygons())
    }

    // MARK: Overlay

    public func intersection(_ other: Geometry) throws -> Geometry {
        try .own(GEOSIntersection_r(try GEOSContext.current().handle, pointer, other.pointer), "intersection")
    }

    public func difference(_ other: Geometry) throws -> Geometry {
        try .own(GEOSDifference_r(try GEOSContext.current().handle, pointer, other.pointer), "difference")
    }

    public func union(_ other: Geometry) throws -> Geometry {
        try .own(GEOSUnion_r(try GEOSContext.current().handle, pointer, other.pointer), "union")
    }

    /// The union of this geometry's parts (`GEOSUnaryUnion_r`).
    public func unaryUnion() throws -> Geometry {
        try .own(GEOSUnaryUnion_r(try GEOSContext.current().handle, pointer), "unary union")
    }

    /// The union of many geometries in one cascaded pass; an empty polygon for none.
    public static func unaryUnion(_ geometries: [Geometry]) throws -> Geometry {
        if geometries.isEmpty { return try .polygon([]) }
        if geometries.count == 1 { return try geometries[0].unaryUnion() }
        return try collection(.geometryCollection, geometries).unaryUnion()
    }

    /// The part inside the rectangle `b` (`GEOSClipByRect_r`): fast, but may be invalid on the rectangle's edge.
    public func clipped(to b: Bounds) throws -> Geometry {
        try .own(GEOSClipByRect_r(try GEOSContext.current().handle, pointer, b.minX, b.minY, b.maxX, b.maxY), "clip by rectangle")
    }

    // MARK: Predicates

    public func intersects(_ other: Geometry) throws -> Bool {
        try GEOSContext.current().predicate(GEOSIntersects_r(try GEOSContext.current().handle, pointer, other.pointer), "intersects")
    }

    public func contains(_ other: Geometry) throws -> Bool {
        try GEOSContext.current().predicate(GEOSContains_r(try GEOSContext.current().handle, pointer, other.pointer), "contains")
    }

    public func covers(_ other: Geometry) throws -> Bool {
        try GEOSContext.current().predicate(GEOSCovers_r(try GEOSContext.current().handle, pointer, other.pointer), "covers")
    }

    public func within(_ other: Geometry) throws -> Bool {
        try GEOSContext.current().predicate(GEOSWithin_r(try GEOSContext.current().handle, pointer, other.pointer), "within")
    }

    /// Same structure and coordinates within `tolerance` (`GEOSEqualsExact_r`).
    public func equalsExact(_ other: Geometry, tolerance: Double = 0) throws -> Bool {
        try GEOSContext.current().predicate(GEOSEqualsExact_r(try GEOSContext.current().handle, pointer, other.pointer, tolerance), "equals exact")
    }

    // MARK: Constructions

    /// A point guaranteed to lie on the geometry (`GEOSPointOnSurface_r`).
    public func pointOnSurface() throws -> Geometry {
        try .own(GEOSPointOnSurface_r(try GEOSContext.current().handle, pointer), "point on surface")
    }

    public func centroid() throws -> Geometry {
        try .own(GEOSGetCentroid_r(try GEOSContext.current().handle, pointer), "centroid")
    }

    /// The single coordinate of a point geometry.
    public func pointCoordinate() throws -> Coordinate {
        guard try type == .point, !(try isEmpty) else { throw GeoError.invalidInput("not a point") }
        var c = Coordinate(0, 0)
        let h = try GEOSContext.current().handle
        guard GEOSGeomGetX_r(h, pointer, &c.x) == 1, GEOSGeomGetY_r(h, pointer, &c.y) == 1 else { throw try GEOSContext.current().takeError("point coordinate") }
        return c
    }

    /// Buffer by `distance` with `quadrantSegments` segments per quarter circle (`GEOSBuffer_r`).
    public func buffer(_ distance: Double, quadrantSegments: Int = 8) throws -> Geometry {
        try .own(GEOSBuffer_r(try GEOSContext.current().handle, pointer, distance, Int32(quadrantSegments)), "buffer")
    }

    /// Douglas–Peucker simplification that keeps the topology valid (`GEOSTopologyPreserveSimplify_r`).
    public func simplified(tolerance: Double) throws -> Geometry {
        try .own(GEOSTopologyPreserveSimplify_r(try GEOSContext.current().handle, pointer, tolerance), "simplify")
    }

    /// A normalised copy: rings and members in a canonical order (`GEOSNormalize_r`), handy for comparisons.
    public func normalized() throws -> Geometry {
        let copy = try clone()
        guard GEOSNormalize_r(try GEOSContext.current().handle, copy.pointer) == 0 else { throw try GEOSContext.current().takeError("normalize") }
        return copy
    }

    public func envelope() throws -> Geometry {
        try .own(GEOSEnvelope_r(try GEOSContext.current().handle, pointer), "envelope")
    }
}

/// Bulk copies between Swift coordinate arrays and GEOS coordinate sequences: one call per sequence, not per vertex.
public enum CoordinateBuffer {
    static func sequence(_ coordinates: [Coordinate], _ ctx: GEOSContext) throws -> OpaquePointer {
        let seq = coordinates.withUnsafeBytes { raw -> OpaquePointer? in
            guard let base = raw.baseAddress else { return GEOSCoordSeq_create_r(ctx.handle, 0, 2) }
            return GEOSCoordSeq_copyFromBuffer_r(ctx.handle, base.assumingMemoryBound(to: Double.self), UInt32(coordinates.count), 0, 0)
        }
        return try ctx.check(seq, "creating a coordinate sequence")
    }

    static func copy(_ seq: OpaquePointer, _ ctx: GEOSContext) throws -> [Coordinate] {
        var size: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(ctx.handle, seq, &size) == 1 else { throw ctx.takeError("coordinate sequence size") }
        if size == 0 { return [] }
        var out = [Coordinate](repeating: Coordinate(0, 0), count: Int(size))
        let ok = out.withUnsafeMutableBytes { raw in
            GEOSCoordSeq_copyToBuffer_r(ctx.handle, seq, raw.baseAddress!.assumingMemoryBound(to: Double.self), 0, 0)
        }
        guard ok == 1 else { throw ctx.takeError("copying coordinates") }
        return out
    }

    static func coordinates(of geometry: OpaquePointer, _ ctx: GEOSContext) throws -> [Coordinate] {
        guard let seq = GEOSGeom_getCoordSeq_r(ctx.handle, geometry) else { throw ctx.takeError("reading coordinates") }
        return try copy(seq, ctx)
    }
}
