import CGEOS

/// A geometry prepared for many predicate calls against it (`GEOSPrepare_r`): it indexes its
/// edges once, so each `intersects`/`covers` afterwards is fast.
/// GEOS builds those indexes lazily, so one prepared geometry must stay on one thread.
public final class PreparedGeometry {
    public let geometry: Geometry
    private let pointer: OpaquePointer

    public init(_ geometry: Geometry) throws {
        let ctx = GEOSContext.current
        self.geometry = geometry
        self.pointer = try ctx.check(GEOSPrepare_r(ctx.handle, geometry.pointer), "prepare")
    }

    deinit { GEOSPreparedGeom_destroy_r(GEOSContext.current.handle, pointer) }

    public func intersects(_ other: Geometry) throws -> Bool {
        let ctx = GEOSContext.current
        return try ctx.predicate(GEOSPreparedIntersects_r(ctx.handle, pointer, other.pointer), "prepared intersects")
    }

    public func contains(_ other: Geometry) throws -> Bool {
        let ctx = GEOSContext.current
        return try ctx.predicate(GEOSPreparedContains_r(ctx.handle, pointer, other.pointer), "prepared contains")
    }

    public func containsProperly(_ other: Geometry) throws -> Bool {
        let ctx = GEOSContext.current
        return try ctx.predicate(GEOSPreparedContainsProperly_r(ctx.handle, pointer, other.pointer), "prepared contains properly")
    }

    public func covers(_ other: Geometry) throws -> Bool {
        let ctx = GEOSContext.current
        return try ctx.predicate(GEOSPreparedCovers_r(ctx.handle, pointer, other.pointer), "prepared covers")
    }

    public func coveredBy(_ other: Geometry) throws -> Bool {
        let ctx = GEOSContext.current
        return try ctx.predicate(GEOSPreparedCoveredBy_r(ctx.handle, pointer, other.pointer), "prepared covered by")
    }
}
