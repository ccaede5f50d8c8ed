import CGEOS

/// A GEOS STRtree over a fixed list of geometries, answering with their indices.
///
/// The tree is built once, in `init`, so that afterwards it is only read: several threads may
/// query it at once, each through its own GEOS context. Query results are sorted ascending so
/// that everything computed from them is deterministic.
public final class SpatialIndex: @unchecked Sendable {
    public let geometries: [Geometry]
    private let tree: OpaquePointer
    /// Whether no geometry was inserted (all were empty): `nearest` then has nothing to find.
    private let holdsNothing: Bool

    /// Indexes `geometries` (`GEOSSTRtree_create_r`, `GEOSSTRtree_insert_r`); empty ones are left out.
    public init(_ geometries: [Geometry], nodeCapacity: Int = 10) throws {
        let ctx = try GEOSContext.current()
        self.geometries = geometries
        let tree = try ctx.check(GEOSSTRtree_create_r(ctx.handle, max(nodeCapacity, 2)), "creating an STRtree")
        self.tree = tree
        var inserted = 0
        for (i, g) in geometries.enumerated() where !(try g.isEmpty) {
            _ = try g.bounds  // caches the envelope before the geometry is shared between threads
            try ctx.reporting("inserting into an STRtree") { GEOSSTRtree_insert_r(ctx.handle, tree, g.pointer, Self.item(i)) }
            inserted += 1
        }
        holdsNothing = inserted == 0
        // GEOS 3.11 builds the tree on the first query; do it now, while only one thread sees it.
        _ = try query(Bounds(minX: 0, minY: 0, maxX: 0, maxY: 0))
    }

    // deinit cannot throw: without a context (GEOS out of memory) the tree is leaked.
    deinit { if let ctx = try? GEOSContext.current() { GEOSSTRtree_destroy_r(ctx.handle, tree) } }

    public var count: Int { geometries.count }

    /// Indices of the geometries whose bounding boxes intersect `bounds`, ascending.
    public func query(_ bounds: Bounds) throws -> [Int] {
        try query(envelopeOf: try Geometry.rectangle(bounds))
    }

    /// Indices of the geometries whose bounding boxes intersect that of `geometry`, ascending.
    public func query(envelopeOf geometry: Geometry) throws -> [Int] {
        let ctx = try GEOSContext.current()
        var hits: [Int] = []
        try withUnsafeMutablePointer(to: &hits) { out in
            try ctx.reporting("querying an STRtree") {
                GEOSSTRtree_query_r(ctx.handle, tree, geometry.pointer, { item, userdata in
                    let out = userdata!.assumingMemoryBound(to: [Int].self)
                    out.pointee.append(Int(bitPattern: item) - 1)
                }, out)
            }
        }
        hits.sort()
        return hits
    }

    /// Candidates for each of `geometries`: a bulk query, one ascending index list per input.
    public func query(envelopesOf geometries: [Geometry]) throws -> [[Int]] {
        try geometries.map { try query(envelopeOf: $0) }
    }

    /// The index of the geometry nearest to `geometry` by true planar distance
    /// (`GEOSSTRtree_nearest_generic_r`), or nil when the index is empty.
    public func nearest(to geometry: Geometry) throws -> Int? {
        if holdsNothing { return nil }
        let ctx = try GEOSContext.current()
        final class Search {
            let geometries: [Geometry]
            let query: Geometry
            let handle: GEOSContextHandle_t
            var failed = false
            init(_ g: [Geometry], _ q: Geometry, _ h: GEOSContextHandle_t) { geometries = g; query = q; handle = h }
            func geometry(_ item: UnsafeRawPointer?) -> Geometry {
                let i = Int(bitPattern: item) - 1
                return i < 0 ? query : geometries[i]
            }
        }
        let search = Search(geometries, geometry, ctx.handle)
        let found = withExtendedLifetime(search) { () -> UnsafeRawPointer? in
            GEOSSTRtree_nearest_generic_r(
                ctx.handle, tree, nil, geometry.pointer,
                { a, b, distance, userdata in
                    let s = Unmanaged<Search>.fromOpaque(userdata!).takeUnretainedValue()
                    // GEOS 3.11 treats a zero return as failure, whatever its header says.
                    guard GEOSDistance_r(s.handle, s.geometry(a).pointer, s.geometry(b).pointer, distance) == 1 else {
                        s.failed = true
                        return 0
                    }
                    return 1
                },
                Unmanaged.passUnretained(search).toOpaque())
        }
        if search.failed { throw ctx.takeError("nearest neighbour search") }
        guard let found else { throw ctx.takeError("nearest neighbour search") }
        return Int(bitPattern: found) - 1
    }

    /// Tree items are indices plus one, so that no item is the null pointer (the query item is).
    private static func item(_ i: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: i + 1)!
    }
}
