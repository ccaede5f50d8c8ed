import CPROJ
import Foundation

/// The calling thread's PROJ context: PROJ objects belong to one context and one thread.
public final class PROJContext {
    let handle: OpaquePointer

    private static let perThread = ThreadLocal { try PROJContext() }
    static func current() throws -> PROJContext { try perThread.value() }

    private init() throws {
        guard let h = proj_context_create() else { throw GeoError.proj("proj_context_create failed: out of memory") }
        handle = h
        // Failures are reported as typed errors; PROJ's own log to stderr would repeat them.
        proj_log_level(h, PJ_LOG_NONE)
    }

    deinit { proj_context_destroy(handle) }

    func lastError() -> String {
        let code = proj_context_errno(handle)
        guard code != 0, let s = proj_context_errno_string(handle, code) else { return "unknown error" }
        return String(cString: s)
    }
}

/// A transformation between two coordinate reference systems (`proj_create_crs_to_crs` +
/// `proj_normalize_for_visualization`): geographic CRSs always take and give longitude first.
///
/// From WGS 84 longitude/latitude to a WGS 84 / UTM zone (the default working CRS) positions
/// are computed by `UTMSeries`, the series PROJ's `utm` evaluates, without PROJ's per-position
/// pipeline; an array holding a position the series does not take goes to PROJ, and so does
/// every inverse.
///
/// A `Projection` belongs to the thread that made it (PROJ objects are not thread-safe): make
/// one per worker thread.
public final class Projection {
    public let source: String
    public let target: String
    private let pj: OpaquePointer
    private let context: PROJContext
    /// The series from WGS 84 to UTM, and whether it is this projection's inverse direction.
    private let series: UTMSeries?
    private let seriesInverted: Bool

    /// `source` and `target` are anything PROJ accepts: "EPSG:4326", "EPSG:9217", a PROJ string…
    public convenience init(from source: String, to target: String) throws {
        try self.init(from: source, to: target, series: true)
    }

    /// `series: false` keeps every position on PROJ (tests compare the two).
    init(from source: String, to target: String, series useSeries: Bool) throws {
        let ctx = try PROJContext.current()
        for crs in [source, target] {
            guard let obj = proj_create(ctx.handle, crs) else {
                throw GeoError.unknownCRS(crs, reason: ctx.lastError())
            }
            proj_destroy(obj)
        }
        guard let raw = proj_create_crs_to_crs(ctx.handle, source, target, nil) else {
            throw GeoError.proj("no transformation from \(source) to \(target): \(ctx.lastError())")
        }
        defer { proj_destroy(raw) }
        guard let norm = proj_normalize_for_visualization(ctx.handle, raw) else {
            throw GeoError.proj("normalising \(source) → \(target): \(ctx.lastError())")
        }
        self.source = source
        self.target = target
        self.pj = norm
        self.context = ctx
        let s = canonicalCRS(source), t = canonicalCRS(target)
        if useSeries, s == "EPSG:4326", let zone = UTMSeries(crs: t) {
            (series, seriesInverted) = (zone, false)
        } else if useSeries, t == "EPSG:4326", let zone = UTMSeries(crs: s) {
            (series, seriesInverted) = (zone, true)
        } else {
            (series, seriesInverted) = (nil, false)
        }
    }

    deinit { proj_destroy(pj) }

    /// Transforms `coordinates` in place, all in one `proj_trans_generic` call.
    public func transform(_ coordinates: inout [Coordinate], inverse: Bool = false) throws {
        let n = coordinates.count
        if n == 0 { return }
        if let series, inverse == seriesInverted, coordinates.withUnsafeMutableBufferPointer({ series.forward($0) }) { return }
        let stride = MemoryLayout<Coordinate>.stride
        let done = coordinates.withUnsafeMutableBytes { raw -> Int in
            let x = raw.baseAddress!.assumingMemoryBound(to: Double.self)
            let y = x + 1
            return proj_trans_generic(pj, inverse ? PJ_INV : PJ_FWD,
                                      x, stride, n, y, stride, n, nil, 0, 0, nil, 0, 0)
        }
        if done != n {
            throw GeoError.proj("\(source) → \(target): transformed \(done) of \(n) positions: \(context.lastError())")
        }
        if let bad = coordinates.firstIndex(where: { !$0.x.isFinite || !$0.y.isFinite }) {
            throw GeoError.proj("\(source) → \(target): position \(bad) cannot be transformed (outside the CRS's area?)")
        }
    }

    /// The transformed copy of `coordinates`.
    public func transformed(_ coordinates: [Coordinate], inverse: Bool = false) throws -> [Coordinate] {
        // The series writes its positions straight into the new array (no copy to overwrite).
        if let series, inverse == seriesInverted, let projected = series.forwarded(coordinates) { return projected }
        var c = coordinates
        try transform(&c, inverse: inverse)
        return c
    }

    public func transform(_ c: Coordinate, inverse: Bool = false) throws -> Coordinate {
        var a = [c]
        try transform(&a, inverse: inverse)
        return a[0]
    }

    /// The shape with every coordinate transformed, a ring or line per PROJ call.
    public func transform(_ shape: Shape, inverse: Bool = false) throws -> Shape {
        func t(_ cs: [Coordinate]) throws -> [Coordinate] { try transformed(cs, inverse: inverse) }
        switch shape {
        case .point(let c): return .point(try transform(c, inverse: inverse))
        case .multiPoint(let cs): return .multiPoint(try t(cs))
        case .lineString(let cs): return .lineString(try t(cs))
        case .multiLineString(let ls): return .multiLineString(try ls.map(t))
        case .polygon(let rs): return .polygon(try rs.map(t))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map { try $0.map(t) })
        case .geometryCollection(let gs): return .geometryCollection(try gs.map { try transform($0, inverse: inverse) })
        }
    }

    /// The EPSG code of the WGS 84 / UTM zone holding a longitude and latitude (326zz north, 327zz south).
    public static func utmEPSG(lon: Double, lat: Double) -> Int {
        let zone = min(max(Int(((lon + 180) / 6).rounded(.down)) + 1, 1), 60)
        return (lat >= 0 ? 32600 : 32700) + zone
    }

    /// Whether PROJ knows `crs` as a coordinate reference system.
    public static func isKnown(_ crs: String) throws -> Bool {
        let ctx = try PROJContext.current()
        guard let obj = proj_create(ctx.handle, crs) else { return false }
        proj_destroy(obj)
        return true
    }
}

extension Projection {
    private final class Cache {
        var projections: [String: Projection] = [:]
    }
    private static let perThreadCache = ThreadLocal { Cache() }

    /// The calling thread's projection from `source` to `target`, made once per thread and kept:
    /// worker threads call this instead of creating a transformation per task.
    public static func cached(from source: String, to target: String) throws -> Projection {
        let cache = try perThreadCache.value()
        let key = source + "\u{0}" + target
        if let p = cache.projections[key] { return p }
        let p = try Projection(from: source, to: target)
        cache.projections[key] = p
        return p
    }
}

/// "epsg:9217" and "9217" → "EPSG:9217"; anything else as given.
public func canonicalCRS(_ s: String) -> String {
    let t = s.trimmingCharacters(in: .whitespaces)
    if let n = Int(t) { return "EPSG:\(n)" }
    if t.lowercased().hasPrefix("epsg:") { return "EPSG:" + t.dropFirst(5) }
    return t
}
