import CGDAL

/// GDAL's process-wide state: drivers registered once, messages kept for typed errors instead of
/// printed. GDAL keeps its last error per thread (`CPLGetLastErrorMsg`), so no context object is
/// needed; every call that can fail is followed by `GDALLibrary.check` or `takeError`.
enum GDALLibrary {
    /// Loads GDAL (`GDALLink`), then registers every driver and silences GDAL's own printing,
    /// once per process; throws when GDAL cannot be loaded. Called before any other GDAL function.
    static func ready() throws {
        try GDALLink.load()
        _ = registered
    }

    private static let registered: Void = {
        GDALAllRegister()
        _ = CPLSetErrorHandler(CPLQuietErrorHandler)
    }()

    /// The message GDAL reported on this thread for the call just made, cleared.
    static func takeError(_ fallback: @autoclosure () -> String) -> GeoError {
        defer { CPLErrorReset() }
        let message = CPLGetLastErrorMsg().map { String(cString: $0) } ?? ""
        return .gdal(message.isEmpty ? fallback() : message)
    }

    /// A GDAL result pointer, or the typed error GDAL reported.
    static func check<T>(_ pointer: T?, _ what: @autoclosure () -> String) throws -> T {
        guard let pointer else { throw takeError("\(what()) failed") }
        return pointer
    }

    /// A CPLErr or OGRErr code: 0 is success, anything else the typed error GDAL reported.
    static func check(code: UInt32, _ what: @autoclosure () -> String) throws {
        guard code == 0 else { throw takeError("\(what()) failed (code \(code))") }
    }

    /// A new WGS 84 spatial reference in longitude, latitude order; the caller destroys it.
    static func wgs84() throws -> OGRSpatialReferenceH {
        let srs = try check(OSRNewSpatialReference(nil), "creating a spatial reference")
        let imported = OSRImportFromEPSG(srs, 4326)
        guard imported == 0 else {
            OSRDestroySpatialReference(srs)
            throw takeError("reading EPSG:4326 failed (code \(imported))")
        }
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER)
        return srs
    }
}
