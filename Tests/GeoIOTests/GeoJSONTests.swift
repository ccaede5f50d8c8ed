import XCTest
import FileCommit
import Geo
@testable import GeoIO

final class GeoJSONReaderTests: XCTestCase {
    static let sample = """
    {"type": "FeatureCollection",
     "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3405"}},
     "features": [
      {"type": "Feature", "id": "V001", "properties": {"name": "Làng O2", "commune": "Vĩnh Kim", "population": 512, "center": [108.75, 14.25]},
       "geometry": {"type": "Polygon", "coordinates": [[[108.7, 14.2, 120.5], [108.8, 14.2, 121], [108.8, 14.3, 0], [108.7, 14.3, 0], [108.7, 14.2, 120.5]],
                                                     [[108.72, 14.22], [108.72, 14.24], [108.74, 14.24], [108.72, 14.22]]]}},
      {"type": "Feature", "properties": null, "geometry": null},
      {"geometry": {"coordinates": [108.9, 13.8], "type": "Point", "bbox": [1, 2, 3, 4]}, "type": "Feature", "id": 7, "properties": {}},
      {"type": "Feature", "properties": {"kind": "fibre"}, "geometry": {"type": "MultiLineString", "coordinates": [[[1, 2], [3, 4]], [[5, 6], [7, 8], [9, 10]]]}},
      {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[2, 2], [3, 2], [3, 3], [2, 2]]]]}},
      {"type": "Feature", "properties": {}, "geometry": {"type": "GeometryCollection", "geometries": [
         {"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]}, {"type": "LineString", "coordinates": [[1e1, -2.5E-1], [3, 4]]}]}}
     ]}
    """

    func testReadsEveryGeometryType() throws {
        let fc = try GeoJSONReader.read(bytes: Array(Self.sample.utf8), source: "villages.geojson")
        XCTAssertEqual(fc.crsName, "urn:ogc:def:crs:EPSG::3405")
        XCTAssertEqual(fc.features.count, 6)
        XCTAssertEqual(fc.features.map(\.index), [0, 1, 2, 3, 4, 5])

        let v = fc.features[0]
        XCTAssertEqual(v.id, "V001")
        XCTAssertEqual(v.properties.keys, ["name", "commune", "population", "center"])
        XCTAssertEqual(v.properties["name"]?.stringValue, "Làng O2")
        XCTAssertEqual(v.properties["population"]?.intValue, 512)
        XCTAssertEqual(v.properties["center"], [108.75, 14.25])
        XCTAssertEqual(v.geometry, .polygon([
            [Coordinate(108.7, 14.2), Coordinate(108.8, 14.2), Coordinate(108.8, 14.3), Coordinate(108.7, 14.3), Coordinate(108.7, 14.2)],
            [Coordinate(108.72, 14.22), Coordinate(108.72, 14.24), Coordinate(108.74, 14.24), Coordinate(108.72, 14.22)],
        ]))

        XCTAssertNil(fc.features[1].geometry)
        XCTAssertTrue(fc.features[1].properties.isEmpty)
        XCTAssertNil(fc.features[1].id)
        XCTAssertEqual(fc.features[2].geometry, .point(Coordinate(108.9, 13.8)))
        XCTAssertEqual(fc.features[2].id, 7)
        XCTAssertEqual(fc.features[3].geometry, .multiLineString([[Coordinate(1, 2), Coordinate(3, 4)],
                                                                  [Coordinate(5, 6), Coordinate(7, 8), Coordinate(9, 10)]]))
        if case .multiPolygon(let ps) = fc.features[4].geometry {
            XCTAssertEqual(ps.count, 2)
            XCTAssertEqual(ps[1][0][2], Coordinate(3, 3))
        } else { XCTFail("expected a MultiPolygon") }
        XCTAssertEqual(fc.features[5].geometry, .geometryCollection([
            .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]),
            .lineString([Coordinate(10, -0.25), Coordinate(3, 4)]),
        ]))
    }

    func testCrsShortNameAndNoCrs() throws {
        let a = try GeoJSONReader.read(bytes: Array(#"{"crs":{"type":"name","properties":{"name":"EPSG:3405"}},"type":"FeatureCollection","features":[]}"#.utf8), source: "a")
        XCTAssertEqual(a.crsName, "EPSG:3405")
        XCTAssertEqual(a.features, [])
        let b = try GeoJSONReader.read(bytes: Array(#"{"type":"FeatureCollection","features":[]}"#.utf8), source: "b")
        XCTAssertNil(b.crsName)
    }

    private func error(_ text: String) -> String? {
        do {
            _ = try GeoJSONReader.read(bytes: Array(text.utf8), source: "v.geojson")
            return nil
        } catch {
            return (error as? InputError)?.description
        }
    }

    private func fc(_ features: String...) -> String {
        #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}"
    }

    private func feature(_ geometry: String) -> String {
        #"{"type":"Feature","properties":{},"geometry":"# + geometry + "}"
    }

    func testTopLevelMustBeAFeatureCollection() {
        XCTAssertEqual(error(feature(#"{"type":"Point","coordinates":[1,2]}"#)),
                       "v.geojson: expected a GeoJSON FeatureCollection, found a Feature")
        XCTAssertEqual(error(#"{"type":"Polygon","coordinates":[]}"#),
                       "v.geojson: expected a GeoJSON FeatureCollection, found a Polygon geometry")
        XCTAssertEqual(error("[1, 2]"), "v.geojson: expected a GeoJSON FeatureCollection, found a JSON array")
        XCTAssertEqual(error(#"{"features":[]}"#),
                       "v.geojson: expected a GeoJSON FeatureCollection, found a JSON object with no \"type\" member")
        XCTAssertEqual(error(#"{"type":"FeatureCollection"}"#), "v.geojson: the FeatureCollection has no \"features\" array")
        XCTAssertEqual(error("id,name\n1,Làng O2\n"), "v.geojson line 1, column 1: the file is not JSON (expected a JSON value, found 'i'); a GeoJSON FeatureCollection starts with '{'")
        XCTAssertEqual(error(fc() + " ]"), "v.geojson line 1, column 44: unexpected ']' after the end of the JSON document")
    }

    func testGeometryErrorsNameFeatureAndField() {
        let open = #"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#
        XCTAssertEqual(error(fc(feature("null"), feature(open))),
                       "v.geojson feature 1, field geometry: ring 0 of the Polygon is not closed: it starts at [0, 0] and ends at [0, 1]")
        XCTAssertEqual(error(fc(feature(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#))),
                       "v.geojson feature 0, field geometry: ring 0 of the Polygon has 3 positions; a ring needs at least 4, the first repeated at the end")
        XCTAssertEqual(error(fc(feature(#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[1,1],[0,0]],[[5,5],[6,5],[6,6],[5,6]]]]}"#))),
                       "v.geojson feature 0, field geometry: ring 1 of polygon 1 of the MultiPolygon is not closed: it starts at [5, 5] and ends at [5, 6]")
        XCTAssertEqual(error(fc(feature(#"{"type":"Point","coordinates":["108.5", 14]}"#))),
                       "v.geojson feature 0, field geometry: coordinate x must be a number, found a string")
        XCTAssertEqual(error(fc(feature(#"{"type":"Point","coordinates":[108.5, null]}"#))),
                       "v.geojson feature 0, field geometry: coordinate y must be a number, found null")
        XCTAssertEqual(error(fc(feature(#"{"type":"Point","coordinates":[1e400, 14]}"#))),
                       "v.geojson feature 0, field geometry: coordinate x: the number 1e400 is too large")
        XCTAssertEqual(error(fc(feature(#"{"type":"Point","coordinates":[108, 1e12]}"#))),
                       "v.geojson feature 0, field geometry: coordinate y = 1e12 is too large for any coordinate reference system")
        XCTAssertEqual(error(fc(feature(#"{"type":"Point","coordinates":[108]}"#))),
                       "v.geojson feature 0, field geometry: a position needs at least two numbers [x, y], found one")
        XCTAssertEqual(error(fc(feature(#"{"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]}"#))),
                       "v.geojson feature 0, field geometry: a Polygon needs an array of rings (arrays of positions), found an array of positions")
        XCTAssertEqual(error(fc(feature(#"{"type":"Circle","coordinates":[0,0]}"#)))?.hasPrefix("v.geojson feature 0, field geometry: unknown geometry type \"Circle\""), true)
        XCTAssertEqual(error(fc(feature(#"{"coordinates":[0,0]}"#))), "v.geojson feature 0, field geometry: the geometry has no \"type\" member")
        XCTAssertEqual(error(fc(feature(#"{"type":"LineString","coordinates":[[0,0]]}"#))),
                       "v.geojson feature 0, field geometry: the LineString has 1 position; a line needs at least 2")
        XCTAssertEqual(error(fc(feature(#""POINT (1 2)""#))),
                       "v.geojson feature 0, field geometry: \"geometry\" must be a geometry object or null, found a string")
    }

    func testFeatureErrors() {
        XCTAssertEqual(error(fc(#"{"type":"Feature","properties":[1],"geometry":null}"#)),
                       "v.geojson feature 0, field properties: \"properties\" must be an object or null, found an array")
        XCTAssertEqual(error(fc(#"{"type":"Point","coordinates":[1,2]}"#)),
                       "v.geojson feature 0: expected a Feature, found an object of type \"Point\"")
        XCTAssertEqual(error(fc(feature("null"), #"{"type":"Feature","properties":{"a":1 "b":2}}"#)),
                       "v.geojson feature 1, line 1, column 130: expected ',' or '}' in an object, found '\"'")
    }

    func testZAndEmptyGeometries() throws {
        let c = try GeoJSONReader.read(bytes: Array(fc(
            feature(#"{"type":"LineString","coordinates":[[1,2,3,4],[5,6,7,8]]}"#),
            feature(#"{"type":"Polygon","coordinates":[]}"#),
            feature(#"{"type":"MultiPoint","coordinates":[]}"#)).utf8), source: "x")
        XCTAssertEqual(c.features.map(\.geometry), [.lineString([Coordinate(1, 2), Coordinate(5, 6)]), .polygon([]), .multiPoint([])])
    }

    func testReadsFromPathAndNamesMissingFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("geoio-\(getpid())-\(#line)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.geojson"
        try AtomicFile.write(Self.sample, to: path)
        XCTAssertEqual(try GeoJSONReader.read(path: path).features.count, 6)
        XCTAssertThrowsError(try GeoJSONReader.read(path: dir + "/missing.geojson")) { e in
            XCTAssertEqual("\(e)", dir + "/missing.geojson: cannot open: No such file or directory")
        }
    }
}

final class GeoJSONWriterTests: XCTestCase {
    func testRoundTrip() throws {
        let original = try GeoJSONReader.read(bytes: Array(GeoJSONReaderTests.sample.utf8), source: "in")
        let bytes = GeoJSONWriter().encode(original)
        let again = try GeoJSONReader.read(bytes: bytes, source: "out")
        XCTAssertEqual(again.features, original.features)
        XCTAssertNil(again.crsName)   // RFC 7946: no crs member
        XCTAssertEqual(GeoJSONWriter().encode(again), bytes)   // deterministic
        XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains("crs"))
    }

    func testABigCollectionIsWrittenInPiecesWithTheSameBytes() {
        // 9,000 features: more than two of the writer's batches of 4,096, and a last short one.
        let features = (0..<9000).map { k in
            Feature(properties: ["k": .number(Double(k))], geometry: k % 3 == 0 ? nil : .point(Coordinate(105 + Double(k) * 1e-4, 14.5)))
        }
        let writer = GeoJSONWriter(precision: 5)
        let expected = Array(#"{"type":"FeatureCollection","features":["#.utf8)
            + features.indices.flatMap { k in (k == 0 ? [0x0A] : [0x2C, 0x0A]) + writer.encode(feature: features[k]) }
            + Array("\n]}\n".utf8)
        var pieces: [[UInt8]] = []
        writer.encode(features) { pieces.append($0) }
        XCTAssertGreaterThan(pieces.count, 3, "written in pieces")
        XCTAssertLessThan(pieces.map(\.count).max() ?? 0, expected.count / 8, "no piece holds much of the text")
        XCTAssertEqual(pieces.flatMap { $0 }, expected)
        XCTAssertEqual(writer.encode(features), expected)
    }

    func testFeaturesGivenAsTextAreCopiedAndEveryFeatureIsLocated() {
        let features = (0..<9000).map { k in
            Feature(properties: ["k": .number(Double(k)), "name": .string("Làng \(k)")], geometry: .point(Coordinate(105 + Double(k) * 1e-4, 14.5)))
        }
        let writer = GeoJSONWriter(precision: 6)
        var whole: [UInt8] = []
        let ranges = writer.encode(count: features.count, pieces: { .feature(properties: features[$0].properties, geometry: features[$0].geometry) }) {
            whole.append(contentsOf: $0)
        }
        XCTAssertEqual(whole, writer.encode(features))
        XCTAssertEqual(ranges.count, 9000)
        for k in [0, 1, 4095, 4096, 8999] { XCTAssertEqual(Array(whole[ranges[k]]), writer.encode(feature: features[k]), "feature \(k)") }
        // Every third feature's text taken from the first output: the same bytes, the same places.
        var copied: [UInt8] = []
        let again = whole.withUnsafeBufferPointer { text in
            writer.encode(count: features.count, pieces: { k in
                k % 3 == 0 ? .text(UnsafeBufferPointer(rebasing: text[ranges[k]])) : .feature(properties: features[k].properties, geometry: features[k].geometry)
            }) { copied.append(contentsOf: $0) }
        }
        XCTAssertEqual(copied, whole)
        XCTAssertEqual(again, ranges)
        // Runs of three (k % 5 < 3) taken from where they lie: each run is handed to `write` as one
        // piece, the separators between its features with it; the places are the same.
        var pieces: [[UInt8]] = []
        let runs = whole.withUnsafeBufferPointer { text in
            writer.encode(count: features.count, pieces: { k in
                k % 5 < 3 ? .text(UnsafeBufferPointer(rebasing: text[ranges[k]])) : .feature(properties: features[k].properties, geometry: features[k].geometry)
            }) { pieces.append(Array($0)) }
        }
        XCTAssertEqual(Array(pieces.joined()), whole)
        XCTAssertEqual(runs, ranges)
        for first in [0, 5, 8995] { XCTAssertTrue(pieces.contains(Array(whole[ranges[first].lowerBound..<ranges[first + 2].upperBound])), "run from \(first)") }
        // Features 4095 to 4097 lie in two batches: their run is two pieces.
        XCTAssertTrue(pieces.contains(Array(whole[ranges[4095]])))
        // Consecutive features whose texts lie apart (even ones in one copy, odd ones in another)
        // are handed over one by one, with the separators made between them.
        var other = whole
        other.append(0)   // storage of its own
        pieces = []
        let apart = whole.withUnsafeBufferPointer { text in
            other.withUnsafeBufferPointer { otherText in
                writer.encode(count: features.count, pieces: { k in
                    .text(UnsafeBufferPointer(rebasing: (k % 2 == 0 ? text : otherText)[ranges[k]]))
                }) { pieces.append(Array($0)) }
            }
        }
        XCTAssertEqual(Array(pieces.joined()), whole)
        XCTAssertEqual(apart, ranges)
        XCTAssertTrue(pieces.contains(Array(whole[ranges[1]])))
        XCTAssertTrue(pieces.contains([0x2C, 0x0A]))
    }

    /// The text is made a batch of 4,096 features at a time, the next batch while one is written:
    /// each batch is told once the features before it are written, in order; a write that fails
    /// ends the encoding with its error, once the batch being made beside it is done.
    func testBatchesAreToldInOrderAndAFailedWriteEndsTheText() {
        let features = (0..<9000).map { k in Feature(properties: ["k": .number(Double(k))], geometry: .point(Coordinate(105, 14.5))) }
        let writer = GeoJSONWriter(precision: 6)
        func piece(_ k: Int) -> GeoJSONWriter.Piece { .feature(properties: features[k].properties, geometry: features[k].geometry) }
        var told: [Range<Int>] = []
        var whole: [UInt8] = []
        _ = writer.encode(count: features.count, batch: { told.append($0) }, pieces: piece) { whole.append(contentsOf: $0) }
        XCTAssertEqual(told, [0..<4096, 4096..<8192, 8192..<9000])
        XCTAssertEqual(whole, writer.encode(features))

        struct DiskFull: Error {}
        told = []
        var writes = 0
        // The head, the first batch's 16 pieces, then the second batch's: the 20th write is its third.
        XCTAssertThrowsError(try writer.encode(count: features.count, batch: { told.append($0) }, pieces: piece) { _ in
            writes += 1
            if writes == 20 { throw DiskFull() }
        }) { XCTAssertTrue($0 is DiskFull) }
        XCTAssertEqual(writes, 20)
        // The third batch was made, but the second was never written whole: it is not told.
        XCTAssertEqual(told, [0..<4096, 4096..<8192])
    }

    /// A ring's positions are formatted into one buffer; a coordinate the fast formatting cannot
    /// take (not finite, or beyond 64 bits once scaled) sends the ring through the general path.
    func testPositionsAreTheNumbersTextWhicheverPathWritesThem() {
        let writer = GeoJSONWriter(precision: 6)
        func text(_ shape: Shape) -> String {
            String(decoding: writer.encode([Feature(properties: [:], geometry: shape)]), as: UTF8.self)
                .components(separatedBy: "\"coordinates\":")[1].dropLast(6).description
        }
        XCTAssertEqual(text(.lineString([Coordinate(108.1234565, -0.0000004), Coordinate(-1.5, 14), Coordinate(0.000001, 1e13)])),
                       "[[108.123457,0],[-1.5,14],[0.000001,10000000000000]]")
        XCTAssertEqual(text(.lineString([Coordinate(1, 2), Coordinate(.nan, 3)])), "[[1,2],[null,3]]")
        XCTAssertEqual(text(.lineString([Coordinate(1e20, -2.25), Coordinate(4, 5)])), "[[100000000000000000000,-2.25],[4,5]]")
        // Rings: exterior counter-clockwise, each ring its own buffer.
        let square = [Coordinate(0, 0), Coordinate(0, 1), Coordinate(1, 1), Coordinate(1, 0), Coordinate(0, 0)]
        XCTAssertEqual(text(.polygon([square])), "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]")
        // Every number as `fixed` writes it.
        var generator = SystemRandomNumberGenerator()
        let points = (0..<2_000).map { _ in
            Coordinate(Double.random(in: -180...180, using: &generator), Double.random(in: -1e-5...1e-5, using: &generator))
        }
        XCTAssertEqual(text(.lineString(points)), "[" + points.map { "[\(fixed($0.x, 6)),\(fixed($0.y, 6))]" }.joined(separator: ",") + "]")
    }

    func testLayoutKeyOrderAndPrecision() {
        let features = [
            Feature(id: "V1", properties: ["name": "Xã Vĩnh Kim", "fill": "#2e7d32", "n": 3],
                    geometry: .point(Coordinate(108.1234567, -0.0000001))),
            Feature(properties: ["z": 1.5, "a": nil], geometry: nil),
        ]
        let text = String(decoding: GeoJSONWriter().encode(features), as: UTF8.self)
        XCTAssertEqual(text, """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","id":"V1","properties":{"name":"Xã Vĩnh Kim","fill":"#2e7d32","n":3},"geometry":{"type":"Point","coordinates":[108.123457,0]}},
        {"type":"Feature","properties":{"z":1.5,"a":null},"geometry":null}
        ]}

        """)
        XCTAssertEqual(String(decoding: GeoJSONWriter(precision: 2).encode(geometry: .lineString([Coordinate(108.5, 14.123), Coordinate(1, 2)])), as: UTF8.self),
                       #"{"type":"LineString","coordinates":[[108.5,14.12],[1,2]]}"#)
        XCTAssertEqual(String(decoding: GeoJSONWriter().encode([Feature]()), as: UTF8.self), "{\"type\":\"FeatureCollection\",\"features\":[\n]}\n")
    }

    func testPolygonRingsAreReoriented() throws {
        // Exterior clockwise, hole counter-clockwise: the wrong way round for RFC 7946.
        let exterior = [Coordinate(0, 0), Coordinate(0, 10), Coordinate(10, 10), Coordinate(10, 0), Coordinate(0, 0)]
        let hole = [Coordinate(2, 2), Coordinate(4, 2), Coordinate(4, 4), Coordinate(2, 4), Coordinate(2, 2)]
        XCTAssertLessThan(signedArea2(exterior), 0)
        XCTAssertGreaterThan(signedArea2(hole), 0)
        let shapes: [Shape] = [.polygon([exterior, hole]), .multiPolygon([[exterior, hole], [hole]])]
        let bytes = GeoJSONWriter().encode(shapes.map { Feature(geometry: $0) })
        let back = try GeoJSONReader.read(bytes: bytes, source: "out")
        guard case .polygon(let rings) = back.features[0].geometry,
              case .multiPolygon(let polygons) = back.features[1].geometry else { return XCTFail("wrong types") }
        XCTAssertEqual(rings[0], exterior.reversed())
        XCTAssertEqual(rings[1], hole.reversed())
        XCTAssertGreaterThan(signedArea2(rings[0]), 0)
        XCTAssertLessThan(signedArea2(rings[1]), 0)
        XCTAssertGreaterThan(signedArea2(polygons[0][0]), 0)
        XCTAssertLessThan(signedArea2(polygons[0][1]), 0)
        XCTAssertGreaterThan(signedArea2(polygons[1][0]), 0)   // an exterior, already counter-clockwise: kept
        XCTAssertEqual(polygons[1][0], hole)
        // Already right: written unchanged.
        let right = GeoJSONWriter().encode(geometry: .polygon([Array(exterior.reversed()), Array(hole.reversed())]))
        XCTAssertEqual(String(decoding: right, as: UTF8.self),
                       #"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,4],[4,4],[4,2],[2,2]]]}"#)
    }
}
