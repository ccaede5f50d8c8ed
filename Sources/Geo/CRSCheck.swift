import CPROJ

extension Projection {
    /// Why `crs` cannot serve as the working CRS of lengths and areas, or nil when it can: it must
    /// be a projected CRS whose axes are in metres (EPSG:4326 is in degrees, EPSG:4978 is
    /// geocentric, EPSG:2000-series foot grids are in feet: all would give wrong areas silently).
    public static func whyNotMetric(_ crs: String) throws -> String? {
        let ctx = try PROJContext.current()
        guard let obj = proj_create(ctx.handle, crs) else { return "PROJ does not know it (\(ctx.lastError()))" }
        defer { proj_destroy(obj) }
        let type = proj_get_type(obj)
        guard type == PJ_TYPE_PROJECTED_CRS else {
            let kind: String
            switch type {
            case PJ_TYPE_GEOGRAPHIC_2D_CRS, PJ_TYPE_GEOGRAPHIC_3D_CRS: kind = "a geographic CRS (degrees)"
            case PJ_TYPE_GEOCENTRIC_CRS: kind = "a geocentric CRS"
            case PJ_TYPE_COMPOUND_CRS: kind = "a compound CRS"
            default: kind = "not a projected CRS"
            }
            return "\(kind); give a projected CRS in metres, such as EPSG:9217 or a UTM zone (EPSG:32649)"
        }
        guard let cs = proj_crs_get_coordinate_system(ctx.handle, obj) else { return "it has no coordinate system" }
        defer { proj_destroy(cs) }
        let axes = proj_cs_get_axis_count(ctx.handle, cs)
        guard axes >= 2 else { return "it has \(axes) axes; a projected CRS has two" }
        for i in 0..<axes {
            var factor = 0.0
            var unit: UnsafePointer<CChar>?
            guard proj_cs_get_axis_info(ctx.handle, cs, i, nil, nil, nil, &factor, &unit, nil, nil) != 0 else {
                return "its axes cannot be read (\(ctx.lastError()))"
            }
            if factor != 1 {
                return "its axes are in \(unit.map { String(cString: $0) } ?? "an unknown unit"), not metres"
            }
        }
        return nil
    }
}

extension Projection {
    /// The lon/lat box where EPSG says `crs` may be used (`proj_get_area_of_use`), nil when PROJ
    /// records none (a hand-written PROJ string).
    public static func areaOfUse(_ crs: String) throws -> Bounds? {
        let ctx = try PROJContext.current()
        guard let obj = proj_create(ctx.handle, crs) else { return nil }
        defer { proj_destroy(obj) }
        var west = 0.0, south = 0.0, east = 0.0, north = 0.0
        guard proj_get_area_of_use(ctx.handle, obj, &west, &south, &east, &north, nil) != 0,
              west > -1000 else { return nil }
        // An area across the antimeridian (west > east) is taken as every longitude.
        return west <= east ? Bounds(minX: west, minY: south, maxX: east, maxY: north)
                            : Bounds(minX: -180, minY: south, maxX: 180, maxY: north)
    }
}
