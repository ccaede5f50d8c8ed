import CGEOS

/// A geometry prepared for many predicate calls against it (`GEOSPrepare_r`): it indexes its
/// edges once, so each `intersects`/`covers` afterwards is fast.
/// GEOS builds those indexes lazily, so one prepared geometry must stay on one thread.
public final class PreparedGeometry {
    public let geometry: Geometry
    private let pointer: OpaquePointer

    public init(_ geometry: Geometry) throws {
        let ctx = try GEOSContext.current()
        self.geometry = geometry
        self.pointer = try ctx.check(GEOSPrepare_r(ctx.handle, geometry.pointer), "prepare")
    }

    // deinit cannot throw: without a context (GEOS out of memory) the prepared geometry is leaked.
    deinit { if let ctx = try? GEOSContext.current() { GEOSPreparedGeom_destroy_r(ctx.handle, pointer) } }

    public func intersects(_ other: Geometry) throws -> Bool { try test(other, GEOSPreparedIntersects_r, "prepared intersects") }
    public func contains(_ other: Geometry) throws -> Bool { try test(other, GEOSPreparedContains_r, "prepared contains") }
    public func containsProperly(_ other: Geometry) throws -> Bool { try test(other, GEOSPreparedContainsProperly_r, "prepared contains properly") }
    public func covers(_ other: Geometry) throws -> Bool { try test(other, GEOSPreparedCovers_r, "prepared covers") }
    public func coveredBy(_ other: Geometry) throws -> Bool { try test(other, GEOSPreparedCoveredBy_r, "prepared covered by") }

    private func test(_ other: Geometry, _ predicate: (GEOSContextHandle_t?, OpaquePointer?, OpaquePointer?) -> CChar,
                      _ name: String) throws -> Bool {
        let ctx = try GEOSContext.current()
        return try ctx.predicate(predicate(ctx.handle, pointer, other.pointer), name)
    }
}
