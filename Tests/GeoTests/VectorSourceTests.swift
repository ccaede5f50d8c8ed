import Foundation
import XCTest
@testable import Geo
import TestSupport

/// OGR reading, with GDAL's own ogr2ogr making the files and the original GeoJSON as the oracle.
final class VectorSourceTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-vector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Two villages near Quy Nhơn (one with a hole) and a line, in WGS 84.
        let geojson = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"V-1","name":"Thôn Một","population":1200,"area_ha":12.5},"geometry":{"type":"Polygon","coordinates":[[[109.20,13.77],[109.21,13.77],[109.21,13.78],[109.20,13.78],[109.20,13.77]],[[109.202,13.772],[109.202,13.774],[109.204,13.774],[109.204,13.772],[109.202,13.772]]]}},
        {"type":"Feature","properties":{"id":"V-2","name":"Làng Hai","population":null,"area_ha":3.25},"geometry":{"type":"Polygon","coordinates":[[[108.90,14.40],[108.93,14.40],[108.93,14.43],[108.90,14.40]]]}}
        ]}
        """
        try geojson.write(to: dir.appendingPathComponent("v.geojson"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    @discardableResult
    func ogr2ogr(_ arguments: [String]) throws -> String {
        let r = try Tool.run("/usr/bin/ogr2ogr", arguments, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stderr
    }

    func assertVillages(_ layer: VectorLayerData, tolerance: Double, keepsNull: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(layer.features.count, 2, file: file, line: line)
        guard layer.features.count == 2 else { return }
        let a = layer.features[0], b = layer.features[1]
        XCTAssertEqual(a["id"], .text("V-1"), file: file, line: line)
        XCTAssertEqual(a["name"], .text("Thôn Một"), file: file, line: line)
        XCTAssertEqual(a["population"], .integer(1200), file: file, line: line)
        XCTAssertEqual(a["area_ha"], .real(12.5), file: file, line: line)
        // MapInfo has no null: an empty integer reads as 0.
        XCTAssertEqual(b["population"], keepsNull ? .null : .integer(0), file: file, line: line)
        guard case .polygon(let rings)? = a.geometry else { return XCTFail("\(String(describing: a.geometry))", file: file, line: line) }
        XCTAssertEqual(rings.count, 2, file: file, line: line)
        // Every corner of the outer ring and the hole is where the GeoJSON put it (rings may start elsewhere).
        let expected = [Coordinate(109.20, 13.77), Coordinate(109.21, 13.78), Coordinate(109.202, 13.772), Coordinate(109.204, 13.774)]
        for e in expected {
            let found = rings.joined().contains { abs($0.x - e.x) < tolerance && abs($0.y - e.y) < tolerance }
            XCTAssertTrue(found, "\(e) not within \(tolerance)° in \(rings)", file: file, line: line)
        }
    }

    func testShapefileInVN2000ComesBackInWGS84() throws {
        try ogr2ogr(["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-t_srs", "EPSG:9217", "v.shp", "v.geojson"])
        let prj = try String(contentsOf: dir.appendingPathComponent("v.prj"), encoding: .utf8)
        // The .prj is ESRI WKT: a name and no datum shift; only recognising EPSG:9217 brings back
        // the VN-2000 → WGS 84 transformation (without it every position moves about 200 m).
        XCTAssertTrue(prj.hasPrefix("PROJCS[\"VN-2000_TM-3_108-15\""), prj)
        XCTAssertFalse(prj.contains("TOWGS84"), prj)
        let layers = try VectorSource.read(dir.appendingPathComponent("v.shp").path)
        XCTAssertEqual(layers.map(\.name), ["v"])
        XCTAssertTrue(layers[0].hasGeometry)
        XCTAssertEqual(layers[0].crs, "EPSG:9217")
        // Shapefile FIDs count from 0.
        XCTAssertEqual(layers[0].features.map(\.number), [0, 1])
        assertVillages(layers[0], tolerance: 1e-7)
    }

    /// VN-2000 / TM-3 at 108°15′ as a PROJ string with the seven parameters (position-vector signs,
    /// as `gdalsrsinfo EPSG:9217` prints them): files that carry the shift and no code at all.
    static let vn2000 = "+proj=tmerc +lat_0=0 +lon_0=108.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 " +
        "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs"

    func testTowgs84WithoutEPSGCode() throws {
        // A Shapefile whose .prj is OGC WKT 1 with TOWGS84 (as some desktop tools write it).
        try ogr2ogr(["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-t_srs", Self.vn2000, "t.shp", "v.geojson"])
        let prj = try DEMFile.runTool("/usr/bin/gdalsrsinfo", ["-o", "wkt1", Self.vn2000]).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(prj.contains("TOWGS84[-191.90441429,-39.30318279,-111.45032835"), prj)
        XCTAssertFalse(prj.contains("AUTHORITY[\"EPSG\",\"9217\"]"), prj)
        try prj.write(to: dir.appendingPathComponent("t.prj"), atomically: true, encoding: .utf8)
        let layer = try VectorSource.read(dir.appendingPathComponent("t.shp").path)[0]
        assertVillages(layer, tolerance: 1e-7)

        // MapInfo TAB: its CoordSys keeps the seven parameters as a custom datum.
        try ogr2ogr(["-f", "MapInfo File", "-t_srs", Self.vn2000, "t.tab", "v.geojson"])
        assertVillages(try VectorSource.read(dir.appendingPathComponent("t.tab").path)[0], tolerance: 1e-6, keepsNull: false)
    }

    func testGeoPackageLayersAndChoice() throws {
        try ogr2ogr(["-f", "GPKG", "-nln", "villages", "m.gpkg", "v.geojson"])
        try ogr2ogr(["-update", "-f", "GPKG", "-nln", "other", "-t_srs", "EPSG:32649", "m.gpkg", "v.geojson"])
        let path = dir.appendingPathComponent("m.gpkg").path
        XCTAssertEqual(try VectorSource.layerNames(path), ["villages", "other"])
        let both = try VectorSource.read(path)
        XCTAssertEqual(both.map(\.name), ["villages", "other"])
        XCTAssertEqual(both.map(\.crs), ["EPSG:4326", "EPSG:32649"])
        XCTAssertEqual(both[0].features.map(\.number), [1, 2])
        assertVillages(both[0], tolerance: 1e-12)
        assertVillages(both[1], tolerance: 1e-8)
        XCTAssertThrowsError(try VectorSource.read(path, layers: ["nope"])) { error in
            XCTAssertEqual("\(error)", "\(path) layer nope: no such layer; the layers are villages, other")
        }
    }

    func testMapInfoAndKMLAndFlatGeobuf() throws {
        try ogr2ogr(["-f", "MapInfo File", "-t_srs", "EPSG:32649", "v.tab", "v.geojson"])
        try ogr2ogr(["-f", "FlatGeobuf", "v.fgb", "v.geojson"])
        try ogr2ogr(["-f", "LIBKML", "v.kml", "v.geojson"])
        // MapInfo stores coordinates as integers over the bounds: about a millimetre here.
        assertVillages(try VectorSource.read(dir.appendingPathComponent("v.tab").path)[0], tolerance: 1e-6, keepsNull: false)
        assertVillages(try VectorSource.read(dir.appendingPathComponent("v.fgb").path)[0], tolerance: 1e-12)
        let kml = try VectorSource.read(dir.appendingPathComponent("v.kml").path)
        XCTAssertEqual(kml.count, 1)
        XCTAssertEqual(kml[0].features.count, 2)
    }

    func testUnreadableSourceIsATypedError() throws {
        let path = dir.appendingPathComponent("v.geojson").path + ".missing"
        XCTAssertThrowsError(try VectorSource.read(path)) { error in
            guard let e = error as? VectorReadError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.source, path)
            XCTAssertTrue(e.message.hasPrefix("cannot open"), e.message)
        }
    }

    func testWKBReaderReadsBothByteOrdersAndDropsZ() throws {
        // POINT Z (1 2 3), big-endian ISO WKB.
        var be: [UInt8] = [0, 0, 0, 0x03, 0xE9]
        for d in [1.0, 2.0, 3.0] { be += withUnsafeBytes(of: d.bitPattern.bigEndian, Array.init) }
        var r = WKBReader(bytes: be, count: be.count)
        XCTAssertEqual(try r.shape(), .point(Coordinate(1, 2)))
        // LINESTRING (0 0, 1 1), little-endian; then the same cut short.
        var le: [UInt8] = [1, 2, 0, 0, 0, 2, 0, 0, 0]
        for d in [0.0, 0.0, 1.0, 1.0] { le += withUnsafeBytes(of: d.bitPattern.littleEndian, Array.init) }
        var l = WKBReader(bytes: le, count: le.count)
        XCTAssertEqual(try l.shape(), .lineString([Coordinate(0, 0), Coordinate(1, 1)]))
        var short = WKBReader(bytes: le, count: le.count - 1)
        XCTAssertThrowsError(try short.shape())
    }
}
