import CGDAL
import Foundation

/// A grid of heights read from any raster GDAL opens (GeoTIFF, SRTM `.hgt`, ESRI ASCII grid, a VRT
/// of tiles…): band 1, in metres, with the raster's CRS and geotransform.
///
/// The whole band is read into memory once (`GDALRasterIO`), so the value is immutable and any
/// number of threads may sample it; GDAL's dataset is closed before `init` returns. No-data cells
/// (the band's no-data value, and NaN) are stored as NaN, counted in `noDataCount`, and never
/// sampled as a height.
public struct Raster: Sendable {
    /// The file as reports name it (as given, unless the reader was given a name for it).
    public let path: String
    /// Columns and rows.
    public let width: Int, height: Int
    /// GDAL's affine geotransform: x = gt[0] + col·gt[1] + row·gt[2], y = gt[3] + col·gt[4] + row·gt[5].
    public let geoTransform: [Double]
    /// The raster's CRS as WKT (what PROJ is given).
    public let crsWKT: String
    /// "EPSG:n" when the CRS has an EPSG code, else nil.
    public let crsCode: String?
    /// Whether the CRS is geographic (degrees).
    public let isGeographic: Bool
    /// The band's declared no-data value, if any.
    public let noDataValue: Double?
    /// Cells without a height (the no-data value or NaN).
    public let noDataCount: Int
    /// Heights in metres, row by row from the top; NaN where there is no data.
    let cells: [Float]
    /// The inverse geotransform (pixel/line from x/y).
    let inverse: [Double]

    /// The most cells a raster may have: its heights are held in memory as 4-byte floats (one
    /// arc-second over 8° × 8°, a large province many times over).
    public static let maxCells = 1_000_000_000

    /// Reads band 1 of `path`. Throws `GeoError.gdal` with GDAL's message when the file cannot be
    /// opened or read, and `GeoError.invalidInput` when it has no CRS, no band, a rotated grid or
    /// heights in a unit other than metres or feet.
    /// - Parameter display: the name reports give the file (the path when nil).
    public init(contentsOf path: String, named display: String? = nil) throws {
        try GDALLibrary.ready()
        CPLErrorReset()
        // Compressed GeoTIFF blocks are decoded on every core (GDAL's GTiff driver, this thread's
        // open and read only); the cells are the same.
        CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", "ALL_CPUS")
        defer { CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", nil) }
        let ds = try GDALLibrary.check(GDALOpenEx(path, UInt32(GDAL_OF_RASTER | GDAL_OF_READONLY), nil, nil, nil),
                                       "opening \(path) as a raster")
        defer { GDALClose(ds) }
        guard GDALGetRasterCount(ds) >= 1 else { throw GeoError.invalidInput("\(path): the raster has no band") }
        let band = try GDALLibrary.check(GDALGetRasterBand(ds, 1), "\(path): band 1")
        width = Int(GDALGetRasterXSize(ds))
        height = Int(GDALGetRasterYSize(ds))
        guard width > 0, height > 0 else { throw GeoError.invalidInput("\(path): the raster has no cells") }
        // The band is read whole: a national mosaic (a VRT is a few kilobytes) would not fit.
        guard width * height <= Self.maxCells else {
            throw GeoError.invalidInput("\(path): the raster has \(width) × \(height) = \(width * height) cells, more than the "
                + "\(Self.maxCells) (4 GB of heights) covgap reads into memory; cut it to the province first "
                + "(gdal_translate -projwin WEST NORTH EAST SOUTH)")
        }

        var gt = [Double](repeating: 0, count: 6)
        try GDALLibrary.check(code: GDALGetGeoTransform(ds, &gt).rawValue, "\(path): reading the geotransform")
        guard gt[2] == 0, gt[4] == 0, gt[1] != 0, gt[5] != 0 else {
            throw GeoError.invalidInput("\(path): rotated or degenerate geotransform \(gt); warp it to a north-up grid (gdalwarp)")
        }
        geoTransform = gt
        inverse = [-gt[0] / gt[1], 1 / gt[1], 0, -gt[3] / gt[5], 0, 1 / gt[5]]

        guard let wktPointer = GDALGetProjectionRef(ds), wktPointer.pointee != 0 else {
            throw GeoError.invalidInput("\(path): the raster declares no CRS; give it one (gdal_translate -a_srs EPSG:n)")
        }
        crsWKT = String(cString: wktPointer)
        let srs = try GDALLibrary.check(OSRNewSpatialReference(crsWKT), "\(path): reading the CRS")
        defer { OSRDestroySpatialReference(srs) }
        isGeographic = OSRIsGeographic(srs) != 0
        _ = OSRAutoIdentifyEPSG(srs)  // fills the authority when GDAL recognises the CRS; failure leaves it empty
        if let name = OSRGetAuthorityName(srs, nil), String(cString: name) == "EPSG",
           let code = OSRGetAuthorityCode(srs, nil) {
            crsCode = "EPSG:" + String(cString: code)
        } else {
            crsCode = nil
        }

        let unit = GDALGetRasterUnitType(band).map { String(cString: $0).lowercased() } ?? ""
        let unitScale: Double
        switch unit {
        case "", "m", "metre", "meter", "metres", "meters": unitScale = 1
        case "ft", "foot", "feet": unitScale = 0.3048
        case "us-ft", "us survey foot", "ftus": unitScale = 1200.0 / 3937.0
        default: throw GeoError.invalidInput("\(path): heights are in \"\(unit)\"; covgap reads metres or feet")
        }
        var hasScale: Int32 = 0, hasOffset: Int32 = 0, hasNoData: Int32 = 0
        let scale = GDALGetRasterScale(band, &hasScale)
        let offset = GDALGetRasterOffset(band, &hasOffset)
        let noData = GDALGetRasterNoDataValue(band, &hasNoData)
        noDataValue = hasNoData != 0 ? noData : nil

        // Read as 32-bit floats (a 30 m DEM of a province is tens of millions of cells); the no-data
        // value is compared after the same rounding, so it matches whatever the band's type.
        let (w, h) = (Int32(width), Int32(height))
        var code = CE_None
        var values = [Float](unsafeUninitializedCapacity: width * height) { buffer, initialized in
            Self.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            code = GDALRasterIO(band, GF_Read, 0, 0, w, h, buffer.baseAddress, w, h, GDT_Float32, 0, 0)
            // On failure the cells are never read (the error is thrown below); they are defined all the same.
            if code != CE_None { buffer.initialize(repeating: 0) }
            initialized = buffer.count
        }
        try GDALLibrary.check(code: code.rawValue, "\(path): reading band 1")
        let s = Float((hasScale != 0 ? scale : 1) * unitScale), o = Float((hasOffset != 0 ? offset : 0) * unitScale)
        let missingValue = Float(noData), checksNoData = hasNoData != 0
        // Each part of the grid on a core of its own (each thread writes only its own cells).
        let parts = 64, total = values.count
        let missing = try values.withUnsafeMutableBufferPointer { buffer in
            let heights = buffer
            return try parallelMap(parts, jobs: defaultJobs, chunk: 1) { part in
                var missing = 0
                for i in (total * part / parts)..<(total * (part + 1) / parts) {
                    let v = heights[i]
                    if v.isNaN || (checksNoData && v == missingValue) {
                        missing += 1
                        heights[i] = .nan
                    } else if s != 1 || o != 0 {
                        heights[i] = v * s + o
                    }
                }
                return missing
            }.reduce(0, +)
        }
        cells = values
        noDataCount = missing
        self.path = display ?? path
    }

    /// Asks the kernel to back `buffer` (not yet touched) with 2 MiB pages: terrain radials run
    /// across the grid in every direction, and with 4 KiB pages nearly every sample of a
    /// north-south radial lands on a page of its own. A hint only; the cells are the same.
    private static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let huge = 2 << 20
        guard let base = buffer.baseAddress, buffer.count >= 2 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) / huge * huge
        let end = (Int(bitPattern: base) + buffer.count) / huge * huge
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        #endif
    }

    /// Writes a single-band Float32 GeoTIFF (tiled, DEFLATE), row by row from the top: `row(r)`
    /// gives the `width` heights of row `r`. `crs` is anything PROJ/GDAL reads ("EPSG:4326").
    public static func writeGeoTIFF(path: String, width: Int, height: Int, geoTransform: [Double], crs: String,
                                    noData: Double?, row: (Int) -> [Float]) throws {
        try GDALLibrary.ready()
        CPLErrorReset()
        let driver = try GDALLibrary.check(GDALGetDriverByName("GTiff"), "the GTiff driver")
        let options = ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "BIGTIFF=IF_SAFER"]
        let cOptions = options.map { strdup($0) }
        defer { cOptions.forEach { free($0) } }
        var list: [UnsafeMutablePointer<CChar>?] = cOptions + [nil]
        let ds = try list.withUnsafeMutableBufferPointer { buffer in
            try GDALLibrary.check(GDALCreate(driver, path, Int32(width), Int32(height), 1, GDT_Float32, buffer.baseAddress),
                                  "creating \(path)")
        }
        var closed = false
        defer { if !closed { GDALClose(ds) } }
        var gt = geoTransform
        try GDALLibrary.check(code: GDALSetGeoTransform(ds, &gt).rawValue, "\(path): setting the geotransform")
        let srs = try GDALLibrary.check(OSRNewSpatialReference(nil), "a spatial reference")
        defer { OSRDestroySpatialReference(srs) }
        try GDALLibrary.check(code: UInt32(OSRSetFromUserInput(srs, crs)), "\(path): reading CRS \(crs)")
        var wkt: UnsafeMutablePointer<CChar>?
        try GDALLibrary.check(code: UInt32(OSRExportToWkt(srs, &wkt)), "\(path): writing CRS \(crs)")
        defer { VSIFree(wkt) }
        try GDALLibrary.check(code: GDALSetProjection(ds, wkt).rawValue, "\(path): setting the CRS")
        let band = try GDALLibrary.check(GDALGetRasterBand(ds, 1), "\(path): band 1")
        if let noData { try GDALLibrary.check(code: GDALSetRasterNoDataValue(band, noData).rawValue, "\(path): setting no-data") }
        for r in 0..<height {
            var values = row(r)
            guard values.count == width else { throw GeoError.invalidInput("row \(r) has \(values.count) values, not \(width)") }
            let code = values.withUnsafeMutableBytes { buffer in
                GDALRasterIO(band, GF_Write, 0, Int32(r), Int32(width), 1, buffer.baseAddress, Int32(width), 1, GDT_Float32, 0, 0)
            }
            try GDALLibrary.check(code: code.rawValue, "\(path): writing row \(r)")
        }
        closed = true
        // GDALClose flushes the file (and returns nothing in GDAL 3.6): a failure shows as GDAL's last error.
        CPLErrorReset()
        GDALClose(ds)
        if CPLGetLastErrorType().rawValue >= CE_Failure.rawValue { throw GDALLibrary.takeError("\(path): closing failed") }
    }

    /// The cell size in CRS units (x, y), both positive.
    public var cellSize: (x: Double, y: Double) { (abs(geoTransform[1]), abs(geoTransform[5])) }

    /// The cell size in metres near latitude `lat` (degrees of a geographic CRS converted on a
    /// sphere of the WGS 84 semi-major axis); the smaller of the two sides.
    public func cellSizeMetres(nearLatitude lat: Double) -> Double {
        let (cx, cy) = cellSize
        guard isGeographic else { return min(cx, cy) }
        let metresPerDegree = WGS84.equatorialRadius * Double.pi / 180
        return min(cx * metresPerDegree * cos(lat * .pi / 180), cy * metresPerDegree)
    }

    /// The height stored in cell (`column`, `row`), nil for no-data or outside the grid.
    public func cell(column: Int, row: Int) -> Double? {
        guard column >= 0, row >= 0, column < width, row < height else { return nil }
        let v = cells[row * width + column]
        return v.isNaN ? nil : Double(v)
    }

    /// The height at (`x`, `y`) in the raster's CRS, bilinear between the four nearest cell centres.
    /// Where one of them is no-data the nearest cell's height is used; nil where that is no-data too
    /// or the point is outside the grid.
    public func height(x: Double, y: Double) -> Double? {
        let (px, py) = pixel(Coordinate(x, y))
        guard px >= 0, py >= 0, px <= Double(width), py <= Double(height) else { return nil }
        // Cell centres sit at half-integers.
        let fx = px - 0.5, fy = py - 0.5
        let c0 = Int(fx.rounded(.down)), r0 = Int(fy.rounded(.down))
        let tx = fx - Double(c0), ty = fy - Double(r0)
        let c0c = max(0, min(width - 1, c0)), c1c = max(0, min(width - 1, c0 + 1))
        let r0c = max(0, min(height - 1, r0)), r1c = max(0, min(height - 1, r0 + 1))
        let a = cells[r0c * width + c0c], b = cells[r0c * width + c1c]
        let c = cells[r1c * width + c0c], d = cells[r1c * width + c1c]
        if a.isNaN || b.isNaN || c.isNaN || d.isNaN {
            let nc = max(0, min(width - 1, Int(px))), nr = max(0, min(height - 1, Int(py)))
            let v = cells[nr * width + nc]
            return v.isNaN ? nil : Double(v)
        }
        return Self.interpolate(Double(a), Double(b), Double(c), Double(d), tx: tx, ty: ty)
    }

    /// Heights at `origin + (k + 1)·step` for k in 0..<count, all in the raster's CRS, into `out`
    /// (NaN where `height(x:y:)` gives nil): a terrain profile along a ray. The same bilinear rule
    /// as `height(x:y:)`; a sample's position depends only on `origin`, `step` and its index, so
    /// profiles of different lengths along one ray share their heights bit for bit.
    public func sampleRay(from origin: Coordinate, step: Coordinate, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let po = pixel(origin), pd = (x: step.x * inverse[1], y: step.y * inverse[5])
        cells.withUnsafeBufferPointer { cells in
            // Where all four neighbours lie inside the grid and the grid has no gaps, the bilinear
            // rule needs no checks: the samples there form one run of k (their positions move
            // monotonically along the ray), found once; the rest take the checked path.
            let (first, end) = noDataCount == 0 ? interior(po: po, pd: pd, count: count) : (count, count)
            for k in 0..<first {
                out[k] = bilinear(cells, px: Self.along(po.x, pd.x, k), py: Self.along(po.y, pd.y, k))
            }
            for k in first..<end {
                out[k] = unchecked(cells, fx: Self.along(po.x, pd.x, k) - 0.5, fy: Self.along(po.y, pd.y, k) - 0.5)
            }
            for k in max(first, end)..<count {
                out[k] = bilinear(cells, px: Self.along(po.x, pd.x, k), py: Self.along(po.y, pd.y, k))
            }
        }
    }

    /// Pixel coordinate `o` moved `k + 1` steps of `d`: sample k of a ray.
    @inline(__always)
    private static func along(_ o: Double, _ d: Double, _ k: Int) -> Double { o + Double(k + 1) * d }

    /// The samples k in `first..<end` (within 0..<count) of a ray whose four neighbours all lie
    /// inside the grid, by `bilinear`'s own test (fx, fy ≥ 0 and below the last column and row).
    /// A sample's fx and fy are monotonic in k, so the samples passing it are one run: estimated
    /// from the line, then moved to where the test itself changes.
    private func interior(po: (x: Double, y: Double), pd: (x: Double, y: Double), count: Int) -> (Int, Int) {
        func inside(_ k: Int) -> Bool {
            neighboursInside(fx: Self.along(po.x, pd.x, k) - 0.5, fy: Self.along(po.y, pd.y, k) - 0.5)
        }
        // Where the line k ↦ f(k) = o + (k + 1)·d − 0.5 lies in [0, limit): a range of real k.
        func span(_ o: Double, _ d: Double, _ limit: Double) -> (Double, Double) {
            if d == 0 { return o - 0.5 >= 0 && o - 0.5 < limit ? (-.infinity, .infinity) : (1, 0) }
            let a = (0.5 - o) / d - 1, b = (limit + 0.5 - o) / d - 1
            return d > 0 ? (a, b) : (b, a)
        }
        let sx = span(po.x, pd.x, Double(width - 1)), sy = span(po.y, pd.y, Double(height - 1))
        let lo = max(sx.0, sy.0, 0), hi = min(sx.1, sy.1, Double(count - 1))
        guard count > 0, lo <= hi else { return (count, count) }
        var first = min(max(Int(lo.rounded(.up)), 0), count - 1)
        // Step to the run's true ends with the test itself (rounding may put the estimate a sample off).
        if !inside(first) {
            var k = first
            while k < count, !inside(k), k <= first + 2 { k += 1 }
            guard k < count, inside(k) else { return (count, count) }
            first = k
        }
        while first > 0, inside(first - 1) { first -= 1 }
        var last = min(max(Int(hi.rounded(.down)), first), count - 1)
        while last > first, !inside(last) { last -= 1 }
        while last + 1 < count, inside(last + 1) { last += 1 }
        return (first, last + 1)
    }

    /// The height at `origin + t·step` (raster CRS), NaN where there is none: what `sampleRay`
    /// gives for sample k when `t` is k + 1, for a point between samples.
    public func heightOnRay(from origin: Coordinate, step: Coordinate, multiple t: Double) -> Double {
        let po = pixel(origin), pd = (x: step.x * inverse[1], y: step.y * inverse[5])
        return cells.withUnsafeBufferPointer { bilinear($0, px: po.x + t * pd.x, py: po.y + t * pd.y) }
    }

    /// Pixel and line of a point in the raster's CRS (cell edges at integers).
    private func pixel(_ p: Coordinate) -> (x: Double, y: Double) {
        (inverse[0] + p.x * inverse[1], inverse[3] + p.y * inverse[5])
    }

    /// `height(x:y:)` at a pixel position, NaN for nil: four neighbours without clamping away from the edges.
    @inline(__always)
    private func bilinear(_ cells: UnsafeBufferPointer<Float>, px: Double, py: Double) -> Double {
        let fx = px - 0.5, fy = py - 0.5
        if neighboursInside(fx: fx, fy: fy) {
            // NaN exactly when one of the four is a gap.
            let v = unchecked(cells, fx: fx, fy: fy)
            if !v.isNaN { return v }
        }
        return height(x: geoTransform[0] + px * geoTransform[1], y: geoTransform[3] + py * geoTransform[5]) ?? .nan
    }

    /// Whether the four cells round (`fx`, `fy`), in pixels with cell centres at integers, lie inside the grid.
    @inline(__always)
    private func neighboursInside(fx: Double, fy: Double) -> Bool {
        fx >= 0 && fy >= 0 && fx < Double(width - 1) && fy < Double(height - 1)
    }

    /// The four cells round (`fx`, `fy`) interpolated, without checks (`neighboursInside` must hold).
    @inline(__always)
    private func unchecked(_ cells: UnsafeBufferPointer<Float>, fx: Double, fy: Double) -> Double {
        let c0 = Int(fx), r0 = Int(fy), i = r0 * width + c0
        return Self.interpolate(Double(cells[i]), Double(cells[i + 1]), Double(cells[i + width]), Double(cells[i + width + 1]),
                                tx: fx - Double(c0), ty: fy - Double(r0))
    }

    /// Bilinear between a and b along the upper row and c and d below it, at fractions `tx`, `ty`.
    @inline(__always)
    private static func interpolate(_ a: Double, _ b: Double, _ c: Double, _ d: Double, tx: Double, ty: Double) -> Double {
        let top = a + (b - a) * tx
        let bottom = c + (d - c) * tx
        return top + (bottom - top) * ty
    }

    /// What PROJ is given for this raster's CRS: its EPSG code when it has one, else its WKT.
    public var crsForPROJ: String { crsCode ?? crsWKT }

    /// The calling thread's transformation from WGS 84 lon/lat to the raster's CRS (made once per thread).
    public func fromLonLat() throws -> Projection {
        try Projection.cached(from: "EPSG:4326", to: crsForPROJ)
    }

    /// The height at a WGS 84 longitude and latitude (bilinear; see `height(x:y:)`).
    public func height(lon: Double, lat: Double) throws -> Double? {
        let p = try fromLonLat().transform(Coordinate(lon, lat))
        return height(x: p.x, y: p.y)
    }
}
