import Foundation
import XCTest
import TestSupport
@testable import Geo

/// The raster reader against files GDAL itself wrote (gdal_translate from an ESRI ASCII grid) and
/// against `gdallocationinfo` as an independent reader.
final class RasterTests: XCTestCase {
    /// Writes an ESRI ASCII grid (cells 30 m, lower-left at x0, y0 in UTM 49N) and converts it to `format`.
    static func writeGrid(_ rows: [[Double]], x0: Double = 800_000, y0: Double = 1_550_000, cell: Double = 30,
                          noData: Double? = -9999, crs: String = "EPSG:32649", format: String = "GTiff",
                          name: String = "dem") throws -> String {
        let dir = try TestFolders.make("raster")
        var text = "ncols \(rows[0].count)\nnrows \(rows.count)\nxllcorner \(x0)\nyllcorner \(y0)\ncellsize \(cell)\n"
        if let noData { text += "NODATA_value \(noData)\n" }
        for r in rows { text += r.map { String($0) }.joined(separator: " ") + "\n" }
        let asc = dir.appendingPathComponent("\(name).asc").path
        try text.write(toFile: asc, atomically: true, encoding: .utf8)
        let ext = format == "GTiff" ? "tif" : "vrt"
        let out = dir.appendingPathComponent("\(name).\(ext)").path
        try DEMFile.runTool("/usr/bin/gdal_translate", ["-q", "-of", format, "-a_srs", crs, asc, out])
        return out
    }

    func testGridNoDataAndBilinear() throws {
        let rows: [[Double]] = [
            [10, 20, 30, -9999],
            [40, 50, 60, 70],
            [-32768, 80, 90, 100],
        ]
        let path = try Self.writeGrid(rows, noData: -9999)
        let r = try Raster(contentsOf: path)
        XCTAssertEqual(r.width, 4)
        XCTAssertEqual(r.height, 3)
        XCTAssertEqual(r.crsCode, "EPSG:32649")
        XCTAssertFalse(r.isGeographic)
        XCTAssertEqual(r.geoTransform, [800_000, 30, 0, 1_550_090, 0, -30])
        XCTAssertEqual(r.noDataValue, -9999)
        XCTAssertEqual(r.noDataCount, 1)
        XCTAssertNil(r.cell(column: 3, row: 0))
        // -32768 is an ordinary height here: only the declared no-data value is missing.
        XCTAssertEqual(r.cell(column: 0, row: 2), -32768)
        // Cell centre of (1, 1): exactly 50. Midway between the centres of (1,1), (2,1), (1,2), (2,2): their mean.
        XCTAssertEqual(r.height(x: 800_045, y: 1_550_045)!, 50, accuracy: 1e-9)
        XCTAssertEqual(r.height(x: 800_060, y: 1_550_030)!, (50 + 60 + 80 + 90) / 4, accuracy: 1e-9)
        // A quarter of the way from centre (1,1) to (2,1): 50 + 10/4.
        XCTAssertEqual(r.height(x: 800_052.5, y: 1_550_045)!, 52.5, accuracy: 1e-9)
        // Next to the no-data cell: the nearest cell's height, never the no-data value.
        XCTAssertEqual(try XCTUnwrap(r.height(x: 800_085, y: 1_550_080)), 30, accuracy: 1e-9)
        XCTAssertNil(r.height(x: 800_115, y: 1_550_085))
        XCTAssertNil(r.height(x: 799_990, y: 1_550_045))
        XCTAssertEqual(r.cellSizeMetres(nearLatitude: 14), 30)
    }

    func testLonLatSamplingAgreesWithGdallocationinfo() throws {
        // A 20 × 20 grid of distinct heights; sampled at cell centres, bilinear equals the cell.
        let rows = (0..<20).map { r in (0..<20).map { c in Double(r * 100 + c) + 0.25 } }
        let path = try Self.writeGrid(rows, noData: nil, format: "VRT")
        let r = try Raster(contentsOf: path)
        XCTAssertEqual(r.noDataCount, 0)
        let toLonLat = try Projection(from: "EPSG:32649", to: "EPSG:4326")
        for (col, row) in [(0, 0), (5, 7), (19, 19), (12, 3)] {
            let x = 800_000 + 30 * (Double(col) + 0.5), y = 1_550_600 - 30 * (Double(row) + 0.5)
            let ll = try toLonLat.transform(Coordinate(x, y))
            let ours = try XCTUnwrap(try r.height(lon: ll.x, lat: ll.y))
            let gdal = try DEMFile.runTool("/usr/bin/gdallocationinfo", ["-valonly", "-wgs84", path, String(ll.x), String(ll.y)])
            XCTAssertEqual(ours, Double(gdal.trimmingCharacters(in: .whitespacesAndNewlines))!, accuracy: 1e-6)
            XCTAssertEqual(ours, rows[row][col], accuracy: 1e-6)
        }
    }

    func testGeographicHGTStyleGrid() throws {
        // Degrees: a 1/1200° grid like SRTM 3″, with -32768 as its no-data value.
        let rows: [[Double]] = [[5, -32768], [7, 9]]
        let path = try Self.writeGrid(rows, x0: 108.0, y0: 14.0, cell: 1.0 / 1200, noData: -32768, crs: "EPSG:4326")
        let r = try Raster(contentsOf: path)
        XCTAssertTrue(r.isGeographic)
        XCTAssertEqual(r.noDataCount, 1)
        XCTAssertEqual(r.cellSizeMetres(nearLatitude: 14), 6_378_137 * .pi / 180 / 1200 * cos(14 * .pi / 180), accuracy: 1e-6)
        XCTAssertEqual(try r.height(lon: 108 + 0.5 / 1200, lat: 14 + 0.5 / 1200)!, 7, accuracy: 1e-9)
        XCTAssertEqual(try r.height(lon: 108 + 1.5 / 1200, lat: 14 + 1.5 / 1200), nil)
    }

    func testErrorsAreTyped() throws {
        XCTAssertThrowsError(try Raster(contentsOf: "/nonexistent/dem.tif")) { error in
            guard case GeoError.gdal(let m) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(m.contains("/nonexistent/dem.tif"), m)
        }
        // An ASCII grid with no .prj has no CRS.
        let dir = try TestFolders.make("raster")
        let asc = dir.appendingPathComponent("bare.asc").path
        try "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n5\n".write(toFile: asc, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Raster(contentsOf: asc)) { error in
            guard case GeoError.invalidInput(let m) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(m.contains("declares no CRS"), m)
        }
    }

    /// A VRT of a few kilobytes can stand for a national mosaic: more cells than fit in memory are
    /// refused before any is read, with the way to cut it.
    func testARasterTooLargeToHoldIsRefusedBeforeReading() throws {
        let small = try Self.writeGrid([[1, 2], [3, 4]], noData: nil)
        let huge = (small as NSString).deletingLastPathComponent + "/huge.vrt"
        try DEMFile.runTool("/usr/bin/gdal_translate", ["-q", "-of", "VRT", "-outsize", "50000", "20001", small, huge])
        XCTAssertThrowsError(try Raster(contentsOf: huge)) { error in
            guard case GeoError.invalidInput(let m) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(m, "\(huge): the raster has 50000 × 20001 = 1000050000 cells, more than the 1000000000 (4 GB of heights) "
                + "covgap reads into memory; cut it to the province first (gdal_translate -projwin WEST NORTH EAST SOUTH)")
        }
    }

    func testWriteGeoTIFFRoundTripAndGdalinfo() throws {
        let path = try TestFolders.make("write").appendingPathComponent("dem.tif").path
        try Raster.writeGeoTIFF(path: path, width: 3, height: 2, geoTransform: [108, 0.5, 0, 15, 0, -0.5], crs: "EPSG:4326",
                                noData: -32768) { r in r == 0 ? [1, 2, -32768] : [4.5, 5, 6] }
        let r = try Raster(contentsOf: path)
        XCTAssertEqual(r.crsCode, "EPSG:4326")
        XCTAssertEqual(r.geoTransform, [108, 0.5, 0, 15, 0, -0.5])
        XCTAssertEqual(r.noDataCount, 1)
        XCTAssertEqual(r.cell(column: 0, row: 1), 4.5)
        XCTAssertNil(r.cell(column: 2, row: 0))
        // gdalinfo, an independent reader, sees the same statistics (no-data excluded): min 1, max 6.
        let info = try DEMFile.runTool("/usr/bin/gdalinfo", ["-stats", "-json", path])
        XCTAssertTrue(info.contains("\"minimum\":1.0") || info.contains("\"minimum\": 1.0"), info)
        XCTAssertTrue(info.contains("\"noDataValue\":-32768.0") || info.contains("\"noDataValue\": -32768.0"), info)
    }

    func testSampleRayAgreesWithPointSampling() throws {
        var rows: [[Double]] = []
        for r in 0..<12 {
            var row: [Double] = []
            for c in 0..<15 { row.append(r == 4 && c == 6 ? -9999 : Double((r * 37) % 11) * 3.5 + Double(c)) }
            rows.append(row)
        }
        let r = try Raster(contentsOf: try Self.writeGrid(rows, noData: -9999))
        // The grid's 180 cells are checked in parts on every core: the one gap is counted once.
        XCTAssertEqual(r.noDataCount, 1)
        XCTAssertNil(r.cell(column: 6, row: 4))
        XCTAssertEqual(r.cell(column: 14, row: 11), Double((11 * 37) % 11) * 3.5 + 14)
        // From inside across the no-data cell and out past the east edge.
        let a = Coordinate(800_010, 1_550_300), step = Coordinate(4.85, -2.89)
        let n = 97
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { buffer.deallocate() }
        r.sampleRay(from: a, step: step, count: n, into: buffer)
        var outside = 0, missing = 0
        for k in 0..<n {
            let t = Double(k + 1)
            let expected = r.height(x: a.x + t * step.x, y: a.y + t * step.y)
            if let expected { XCTAssertEqual(buffer[k], expected, accuracy: 1e-9, "sample \(k)") } else { XCTAssertTrue(buffer[k].isNaN); outside += 1 }
            // Between samples and at them, the point rule along the same ray; the same bits at the samples.
            let between = r.heightOnRay(from: a, step: step, multiple: t - 0.5)
            if let e = r.height(x: a.x + (t - 0.5) * step.x, y: a.y + (t - 0.5) * step.y) { XCTAssertEqual(between, e, accuracy: 1e-9) } else {
                XCTAssertTrue(between.isNaN)
                missing += 1
            }
            let at = r.heightOnRay(from: a, step: step, multiple: t)
            XCTAssertTrue(at == buffer[k] || (at.isNaN && buffer[k].isNaN), "sample \(k)")
        }
        XCTAssertGreaterThan(outside, 0)
        XCTAssertGreaterThan(missing, 0)
        // A shorter profile along the same ray gives the same heights.
        let short = UnsafeMutableBufferPointer<Double>.allocate(capacity: 40)
        defer { short.deallocate() }
        r.sampleRay(from: a, step: step, count: 40, into: short)
        for k in 0..<40 { XCTAssertTrue(short[k] == buffer[k] || (short[k].isNaN && buffer[k].isNaN)) }
    }

    /// A grid without no-data takes the unchecked run of interior samples: every ray (from inside,
    /// from outside in, out and back, along a row or a column, off the grid entirely) gives the
    /// same bits as the checked point rule, sample by sample.
    func testSampleRayWithoutGapsMatchesThePointRuleAtTheGridEdges() throws {
        let rows: [[Double]] = (0..<12).map { (r: Int) -> [Double] in
            (0..<15).map { (c: Int) -> Double in Double((r * 37 + c * 11) % 23) * 2.5 + Double(r) }
        }
        let r = try Raster(contentsOf: try Self.writeGrid(rows, cell: 10, noData: nil))
        XCTAssertEqual(r.noDataCount, 0)
        let n = 60
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { buffer.deallocate() }
        var inside = 0, outside = 0, rays = 0
        // Origins inside, on the edges and outside the grid (800,000–800,150 × 1,550,000–1,550,120; 10 m cells).
        for ox in stride(from: 799_990.0, through: 800_160, by: 42.5) {
            for oy in stride(from: 1_549_985.0, through: 1_550_130, by: 36.25) {
                for degrees in stride(from: 0.0, to: 360, by: 15) {
                    for length in [0.7, 3.3, 9.9] {
                        let angle = degrees * .pi / 180
                        // Exactly along a row or a column every quarter turn.
                        let axis: [Double: Coordinate] = [0: Coordinate(0, length), 90: Coordinate(length, 0),
                                                          180: Coordinate(0, -length), 270: Coordinate(-length, 0)]
                        let step = axis[degrees] ?? Coordinate(length * sin(angle), length * cos(angle))
                        let origin = Coordinate(ox, oy)
                        r.sampleRay(from: origin, step: step, count: n, into: buffer)
                        rays += 1
                        for k in 0..<n {
                            let expected = r.heightOnRay(from: origin, step: step, multiple: Double(k + 1))
                            if expected.isNaN { outside += 1 } else { inside += 1 }
                            guard expected == buffer[k] || (expected.isNaN && buffer[k].isNaN) else {
                                return XCTFail("ray \(origin) step \(step), sample \(k): \(buffer[k]) against \(expected)")
                            }
                        }
                    }
                }
            }
        }
        XCTAssertEqual(rays, 5 * 5 * 24 * 3)
        XCTAssertGreaterThan(inside, 20_000)
        XCTAssertGreaterThan(outside, 20_000)
    }
}
