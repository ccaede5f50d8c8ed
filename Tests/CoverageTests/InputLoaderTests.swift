import XCTest
import Geo
import GeoIO
@testable import Coverage

/// The input loader's field checks, called directly on in-memory GeoJSON and CSV: every error names
/// the file, the feature or row, and the field, and every accepted value is read as documented.
final class InputLoaderTests: XCTestCase {
    // MARK: Helpers

    /// A closed 0.01° square near Quy Nhơn, as GeoJSON.
    static let square = #"{"type":"Polygon","coordinates":[[[109.0,14.0],[109.01,14.0],[109.01,14.01],[109.0,14.01],[109.0,14.0]]]}"#

    /// A FeatureCollection of features given as (properties JSON, geometry JSON), optionally with a legacy crs member.
    func collection(_ features: [(String, String)], crs: String? = nil) -> String {
        let body = features.map { #"{"type":"Feature","properties":\#($0.0),"geometry":\#($0.1)}"# }.joined(separator: ",")
        let member = crs.map { #""crs":{"type":"name","properties":{"name":"\#($0)"}},"# } ?? ""
        return #"{"type":"FeatureCollection",\#(member)"features":[\#(body)]}"#
    }

    func read(_ text: String, _ file: String) throws -> FeatureCollection {
        try GeoJSONReader.read(bytes: Array(text.utf8), source: file)
    }

    func villages(_ features: [(String, String)], crs: String? = nil, inputCRS: String? = nil) throws -> [Village] {
        var loader = InputLoader(inputCRS: inputCRS)
        return try loader.villages(try read(collection(features, crs: crs), "villages.geojson"), file: "villages.geojson")
    }

    func sites(_ csv: String) throws -> (sectors: [Sector], warnings: [String]) {
        var loader = InputLoader()
        let sectors = try loader.sectors(try CSVReader.read(bytes: Array(csv.utf8), source: "sites.csv"))
        return (sectors, loader.warnings)
    }

    /// The error `body` throws, as an InputError.
    func inputError<T>(_ body: () throws -> T, line: UInt = #line) -> InputError? {
        do {
            _ = try body()
            XCTFail("no error thrown", line: line)
            return nil
        } catch let e as InputError {
            return e
        } catch {
            XCTFail("not an InputError: \(error)", line: line)
            return nil
        }
    }

    /// Asserts that `body` throws exactly this InputError, and that it reads as `text`.
    func assertError<T>(_ body: @autoclosure () throws -> T, _ file: String, _ location: String?, _ field: String?, _ message: String,
                        line: UInt = #line) {
        guard let e = inputError(body, line: line) else { return }
        XCTAssertEqual(e, InputError(file: file, location: location, field: field, message: message), line: line)
    }

    func village(_ properties: String, _ geometry: String = square) -> (String, String) { (properties, geometry) }

    // MARK: Villages

    func testVillageFieldsAreRead() throws {
        // "Thôn" with a combining circumflex (decomposed) comes back composed (NFC) and trimmed.
        let decomposed = "Tho\u{302}n Mo\u{323}\u{302}t"
        let vs = try villages([
            village(#"{"id":"BD-1","name":"  \#(decomposed) ","commune":"Xã Cát Tiến","district":"Phù Cát","province":"Bình Định","population":512,"households":"128","center":[109.005,14.005]}"#),
            // A numeric id reads as text; households blank and population null read as unknown.
            village(#"{"id":7,"name":"Thôn Hai","population":null,"households":" "}"#),
        ])
        XCTAssertEqual(vs.count, 2)
        XCTAssertEqual(vs[0].id, "BD-1")
        XCTAssertEqual(vs[0].name, "Thôn Một")
        XCTAssertEqual(Array(vs[0].name.unicodeScalars).count, 8)
        XCTAssertEqual(vs[0].commune, "Xã Cát Tiến")
        XCTAssertEqual(vs[0].district, "Phù Cát")
        XCTAssertEqual(vs[0].province, "Bình Định")
        XCTAssertEqual(vs[0].population, 512)
        XCTAssertEqual(vs[0].households, 128)
        XCTAssertEqual(vs[0].center, Coordinate(109.005, 14.005))
        XCTAssertEqual(vs[0].shape, .polygon([[Coordinate(109.0, 14.0), Coordinate(109.01, 14.0), Coordinate(109.01, 14.01),
                                               Coordinate(109.0, 14.01), Coordinate(109.0, 14.0)]]))
        XCTAssertEqual(vs[1].id, "7")
        XCTAssertNil(vs[1].population)
        XCTAssertNil(vs[1].households)
        XCTAssertNil(vs[1].center)
        XCTAssertNil(vs[1].commune)
    }

    func testVillageIdFromTheFeatureMember() throws {
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","id":"F-9","properties":{"name":"A"},"geometry":\#(Self.square)}]}"#
        var loader = InputLoader()
        XCTAssertEqual(try loader.villages(try read(text, "v.geojson"), file: "v.geojson").map(\.id), ["F-9"])
    }

    func testMissingOrEmptyVillageId() {
        assertError(try villages([village(#"{"id":"A","name":"a"}"#), village(#"{"name":"b"}"#)]),
                    "villages.geojson", "feature 1", "id", "missing; every village needs a unique id")
        assertError(try villages([village(#"{"id":"  ","name":"a"}"#)]),
                    "villages.geojson", "feature 0", "id", "missing; every village needs a unique id")
        assertError(try villages([village(#"{"id":true,"name":"a"}"#)]),
                    "villages.geojson", "feature 0", "id", "missing; every village needs a unique id")
    }

    /// Whatever the thread that meets it, the error named is the first in file order: a bad
    /// name before a repeated id, a repeated id before a bad name, and among many villages (checked
    /// on all cores) the first bad one.
    func testTheFirstBadVillageInFileOrderIsNamed() {
        assertError(try villages([village(#"{"id":"A","name":"a"}"#), village(#"{"id":"B"}"#), village(#"{"id":"A","name":"c"}"#)]),
                    "villages.geojson", "feature 1", "name", "missing; every village needs a name")
        assertError(try villages([village(#"{"id":"A","name":"a"}"#), village(#"{"id":"A","name":"b"}"#), village(#"{"id":"C"}"#)]),
                    "villages.geojson", "feature 1", "id", "\"A\" is used again (first by feature 0); village ids must be unique")
        let many = (0..<3000).map { i in i == 2500 || i == 2900 ? village(#"{"id":"V\#(i)"}"#) : village(#"{"id":"V\#(i)","name":"n"}"#) }
        assertError(try villages(many), "villages.geojson", "feature 2500", "name", "missing; every village needs a name")
    }

    func testDuplicateVillageId() {
        let vs = [village(#"{"id":"A","name":"a"}"#), village(#"{"id":"B","name":"b"}"#), village(#"{"id":" A ","name":"c"}"#)]
        guard let e = inputError({ try villages(vs) }) else { return }
        XCTAssertEqual(e, InputError(file: "villages.geojson", location: "feature 2", field: "id",
                                     message: "\"A\" is used again (first by feature 0); village ids must be unique"))
        XCTAssertEqual(e.description, "villages.geojson feature 2, field id: \"A\" is used again (first by feature 0); village ids must be unique")
    }

    func testMissingName() {
        assertError(try villages([village(#"{"id":"A"}"#)]), "villages.geojson", "feature 0", "name", "missing; every village needs a name")
        assertError(try villages([village(#"{"id":"A","name":null}"#)]), "villages.geojson", "feature 0", "name", "missing; every village needs a name")
        assertError(try villages([village(#"{"id":"A","name":["x"]}"#)]), "villages.geojson", "feature 0", "name", "missing; every village needs a name")
    }

    func testOptionalTextFieldsMustBeText() {
        assertError(try villages([village(#"{"id":"A","name":"a","district":{"x":1}}"#)]), "villages.geojson", "feature 0", "district", "must be text")
        assertError(try villages([village(#"{"id":"A","name":"a","commune":false}"#)]), "villages.geojson", "feature 0", "commune", "must be text")
    }

    func testHouseholdsAndPopulationChecks() throws {
        assertError(try villages([village(#"{"id":"A","name":"a","households":-3}"#)]),
                    "villages.geojson", "feature 0", "households", "-3 must be a non-negative number")
        assertError(try villages([village(#"{"id":"A","name":"a","population":"-2.5"}"#)]),
                    "villages.geojson", "feature 0", "population", "-2.5 must be a non-negative number")
        assertError(try villages([village(#"{"id":"A","name":"a","households":"many"}"#)]),
                    "villages.geojson", "feature 0", "households", "\"many\" is not a number")
        assertError(try villages([village(#"{"id":"A","name":"a","population":"1,5"}"#)]),
                    "villages.geojson", "feature 0", "population", "\"1,5\" is not a number")
        assertError(try villages([village(#"{"id":"A","name":"a","population":"inf"}"#)]),
                    "villages.geojson", "feature 0", "population", "\"inf\" is not a number")
        assertError(try villages([village(#"{"id":"A","name":"a","households":true}"#)]),
                    "villages.geojson", "feature 0", "households", "must be a number")
        assertError(try villages([village(#"{"id":"A","name":"a","households":[1]}"#)]),
                    "villages.geojson", "feature 0", "households", "must be a number")
        // Zero and decimals are accepted as given.
        let vs = try villages([village(#"{"id":"A","name":"a","households":0,"population":" 12.5 "}"#)])
        XCTAssertEqual(vs[0].households, 0)
        XCTAssertEqual(vs[0].population, 12.5)
    }

    func testBadCenter() {
        // (A text "109,14", as a GeoPackage or PostGIS column holds a centre, is read as [109, 14].)
        for bad in [#"[109.0]"#, #"[109.0,"14"]"#, #"{"lon":109}"#] {
            assertError(try villages([village(#"{"id":"A","name":"a","center":\#(bad)}"#)]),
                        "villages.geojson", "feature 0", "center", "must be [lon, lat]")
        }
        assertError(try villages([village(#"{"id":"A","name":"a","center":[14.005,109.005]}"#)]),
                    "villages.geojson", "feature 0", "center",
                    "[14.005, 109.005] is not a [lon, lat] position (latitude and longitude swapped? GeoJSON puts longitude first)")
        assertError(try villages([village(#"{"id":"A","name":"a","center":[300000,1560000]}"#)]),
                    "villages.geojson", "feature 0", "center",
                    "[300000, 1560000] is not a [lon, lat] position (is the file in another CRS? use --input-crs)")
    }

    func testVillageGeometryMustBeAPolygon() throws {
        assertError(try villages([village(#"{"id":"A","name":"a"}"#, "null")]),
                    "villages.geojson", "feature 0", "geometry", "null; a village needs a Polygon or MultiPolygon")
        assertError(try villages([village(#"{"id":"A","name":"a"}"#, #"{"type":"Point","coordinates":[109,14]}"#)]),
                    "villages.geojson", "feature 0", "geometry", "a Point; a village must be a Polygon or MultiPolygon")
        assertError(try villages([village(#"{"id":"A","name":"a"}"#, #"{"type":"LineString","coordinates":[[109,14],[109.1,14]]}"#)]),
                    "villages.geojson", "feature 0", "geometry", "a LineString; a village must be a Polygon or MultiPolygon")
        assertError(try villages([village(#"{"id":"A","name":"a"}"#, #"{"type":"GeometryCollection","geometries":[]}"#)]),
                    "villages.geojson", "feature 0", "geometry", "a GeometryCollection; a village must be a Polygon or MultiPolygon")
        // A MultiPolygon is a village.
        let multi = #"{"type":"MultiPolygon","coordinates":[[[[109.0,14.0],[109.01,14.0],[109.01,14.01],[109.0,14.0]]]]}"#
        XCTAssertEqual(try villages([village(#"{"id":"A","name":"a"}"#, multi)]).count, 1)
        // Coordinates out of range: swapped, or projected without --input-crs.
        let swapped = #"{"type":"Polygon","coordinates":[[[14.0,109.0],[14.01,109.0],[14.01,109.01],[14.0,109.0]]]}"#
        assertError(try villages([village(#"{"id":"A","name":"a"}"#, swapped)]),
                    "villages.geojson", "feature 0", "geometry",
                    "[14, 109] is not a [lon, lat] position (latitude and longitude swapped? GeoJSON puts longitude first)")
        let projected = #"{"type":"Polygon","coordinates":[[[300000,1560000],[301000,1560000],[301000,1561000],[300000,1560000]]]}"#
        assertError(try villages([village(#"{"id":"A","name":"a"}"#, projected)]),
                    "villages.geojson", "feature 0", "geometry",
                    "[300000, 1560000] is not a [lon, lat] position (is the file in another CRS? use --input-crs)")
    }

    // MARK: --input-crs and the crs member

    /// cs2cs -f "%.9f" EPSG:32649 OGC:CRS84 on the square's corners and centre.
    static let utmSquare: [(utm: Coordinate, lonLat: Coordinate)] = [
        (Coordinate(300_000, 1_560_000), Coordinate(109.147441360, 14.103852275)),
        (Coordinate(301_000, 1_560_000), Coordinate(109.156700740, 14.103923326)),
        (Coordinate(301_000, 1_561_000), Coordinate(109.156628098, 14.112960535)),
        (Coordinate(300_000, 1_561_000), Coordinate(109.147368354, 14.112889437)),
    ]
    static let utmCentre = (utm: Coordinate(300_500, 1_560_500), lonLat: Coordinate(109.152034638, 14.108406439))

    func utmVillage() -> (String, String) {
        let ring = (Self.utmSquare + [Self.utmSquare[0]]).map { "[\(Int($0.utm.x)),\(Int($0.utm.y))]" }.joined(separator: ",")
        return (#"{"id":"U","name":"u","center":[300500,1560500]}"#, #"{"type":"Polygon","coordinates":[[\#(ring)]]}"#)
    }

    func assertUTMSquare(_ v: Village, line: UInt = #line) {
        guard case .polygon(let rings) = v.shape, rings.count == 1, rings[0].count == 5 else {
            return XCTFail("not a one-ring square: \(v.shape)", line: line)
        }
        for (got, want) in zip(rings[0], Self.utmSquare.map(\.lonLat) + [Self.utmSquare[0].lonLat]) {
            XCTAssertEqual(got.x, want.x, accuracy: 1e-8, line: line)
            XCTAssertEqual(got.y, want.y, accuracy: 1e-8, line: line)
        }
        XCTAssertEqual(v.center!.x, Self.utmCentre.lonLat.x, accuracy: 1e-8, line: line)
        XCTAssertEqual(v.center!.y, Self.utmCentre.lonLat.y, accuracy: 1e-8, line: line)
    }

    func testInputCRSTransformsAProjectedVillage() throws {
        assertUTMSquare(try villages([utmVillage()], inputCRS: "EPSG:32649")[0])
    }

    func testLegacyCRSMemberTransformsAndWinsOverInputCRS() throws {
        assertUTMSquare(try villages([utmVillage()], crs: "urn:ogc:def:crs:EPSG::32649")[0])
        assertUTMSquare(try villages([utmVillage()], crs: "EPSG:32649", inputCRS: "EPSG:3406")[0])
        // A WGS 84 member switches a projected --input-crs off.
        let v = try villages([village(#"{"id":"A","name":"a"}"#)], crs: "urn:ogc:def:crs:OGC:1.3:CRS84", inputCRS: "EPSG:32649")
        XCTAssertEqual(v[0].shape, .polygon([[Coordinate(109.0, 14.0), Coordinate(109.01, 14.0), Coordinate(109.01, 14.01),
                                              Coordinate(109.0, 14.01), Coordinate(109.0, 14.0)]]))
        XCTAssertEqual(InputLoader.crsCode("urn:ogc:def:crs:EPSG::3405"), "EPSG:3405")
        XCTAssertEqual(InputLoader.crsCode(" EPSG:9217 "), "EPSG:9217")
        XCTAssertEqual(InputLoader.crsCode("urn:ogc:def:crs:OGC:1.3:CRS84"), "OGC:CRS84")
        XCTAssertNil(InputLoader.crsCode("WGS 84"))
    }

    func testUnreadableCRSNames() {
        assertError(try villages([village(#"{"id":"A","name":"a"}"#)], crs: "WGS 84"),
                    "villages.geojson", nil, "crs", "\"WGS 84\" is not a CRS name covgap understands (use EPSG:N)")
        guard let e = inputError({ try villages([village(#"{"id":"A","name":"a"}"#)], inputCRS: "EPSG:999999") }) else { return }
        XCTAssertEqual(e.file, "villages.geojson")
        XCTAssertNil(e.location)
        XCTAssertEqual(e.field, "crs")
        // The rest of the message is PROJ's own wording.
        XCTAssertTrue(e.message.hasPrefix("unknown coordinate reference system EPSG:999999"), e.message)
    }

    func testAPositionTheInputCRSCannotTransform() {
        // 100 000 km from the UTM origin: PROJ refuses it, and the error names the feature.
        let far = #"{"type":"Polygon","coordinates":[[[1e8,1e8],[2e8,1e8],[2e8,2e8],[1e8,1e8]]]}"#
        assertError(try villages([village(#"{"id":"A","name":"a"}"#, far)], inputCRS: "EPSG:32649"),
                    "villages.geojson", "feature 0", "geometry",
                    "coordinate transformation error: EPSG:32649 → EPSG:4326: position 0 cannot be transformed (outside the CRS's area?)")
    }

    func testInputCRSTransformsSitesGivenAsPoints() throws {
        let point = #"{"type":"Point","coordinates":[300500,1560500]}"#
        var loader = InputLoader(inputCRS: "EPSG:32649")
        let fc = try read(collection([(#"{"site_id":"S1","operator":"Viettel","tech":"LTE","azimuth":90,"beamwidth":65}"#, point)]), "sites.geojson")
        let s = try loader.sectors(fc, file: "sites.geojson")
        XCTAssertEqual(s.count, 1)
        XCTAssertEqual(s[0].location.x, Self.utmCentre.lonLat.x, accuracy: 1e-8)
        XCTAssertEqual(s[0].location.y, Self.utmCentre.lonLat.y, accuracy: 1e-8)
        XCTAssertEqual(s[0].tech, .g4)
        XCTAssertEqual(s[0].azimuth, 90)
        XCTAssertEqual(s[0].beamwidth, 65)
        // Without the flag, the same point is not a lon/lat position.
        var plain = InputLoader()
        assertError(try plain.sectors(fc, file: "sites.geojson"), "sites.geojson", "feature 0", "geometry",
                    "[300500, 1560500] is not a [lon, lat] position (is the file in another CRS? use --input-crs)")
    }

    // MARK: Sites as GeoJSON points

    func testSitePointChecks() throws {
        func load(_ properties: String, _ geometry: String) throws -> ([Sector], [String]) {
            var loader = InputLoader()
            let s = try loader.sectors(try read(collection([(properties, geometry)]), "sites.geojson"), file: "sites.geojson")
            return (s, loader.warnings)
        }
        let p = #"{"type":"Point","coordinates":[109.2,13.8]}"#
        assertError(try load(#"{"site_id":"S","operator":"V","tech":"4G"}"#, #"{"type":"MultiPoint","coordinates":[[109.2,13.8]]}"#),
                    "sites.geojson", "feature 0", "geometry", "MultiPoint; a site must be a Point")
        assertError(try load(#"{"site_id":"S","operator":"V","tech":"4G"}"#, "null"),
                    "sites.geojson", "feature 0", "geometry", "null; a site must be a Point")
        assertError(try load(#"{"site_id":"S","operator":"V","tech":"6G"}"#, p),
                    "sites.geojson", "feature 0", "tech", "\"6G\" is not a known technology (2G, 3G, 4G, 5G, GSM, UMTS, LTE, NR, with or without a band: GSM900, LTE1800, 5G NR…)")
        assertError(try load(#"{"operator":"V","tech":"4G"}"#, p), "sites.geojson", "feature 0", "site_id", "empty")
        // A numeric site id and azimuth are read as their text.
        let (s, w) = try load(#"{"site_id":12,"operator":"V","tech":"nr","azimuth":-90}"#, p)
        XCTAssertEqual(s[0].siteID, "12")
        XCTAssertEqual(s[0].location, Coordinate(109.2, 13.8))
        XCTAssertEqual(s[0].tech, .g5)
        XCTAssertEqual(s[0].azimuth, 270)
        XCTAssertEqual(s[0].beamwidth, 120)
        XCTAssertEqual(w, ["sites.geojson feature 0, field azimuth: -90° is outside 0–360; read as 270°",
                           "sites.geojson: 1 of 1 sector has no radius_m; each took its technology's radius (--radius-2g … --radius-5g)",
                           "sites.geojson: 1 of 1 sector has an azimuth and no beamwidth; each took 120°"])
    }

    // MARK: Sites CSV

    func testSiteRowsAreRead() throws {
        let (s, w) = try sites("""
        site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m
        BD-001, Viettel ,13.77,109.22,4G,,,
        BD-002,MobiFone,13.78,109.23,3G,120,,
        BD-003,VinaPhone,13.79,109.24,2G,240,65,1500
        BD-004,Viettel,13.80,109.25,5G,0,360,
        BD-005,Viettel,13.81,109.26,4G,10,400,
        """)
        // Defaults are counted, one warning each: radius for every row without radius_m, 120° for BD-002.
        XCTAssertEqual(w, ["sites.csv: 4 of 5 sectors have no radius_m; each took its technology's radius (--radius-2g … --radius-5g)",
                           "sites.csv: 1 of 5 sectors has an azimuth and no beamwidth; each took 120°"])
        XCTAssertEqual(s.map(\.siteID), ["BD-001", "BD-002", "BD-003", "BD-004", "BD-005"])
        XCTAssertEqual(s.map(\.operator), ["Viettel", "MobiFone", "VinaPhone", "Viettel", "Viettel"])
        XCTAssertEqual(s.map(\.tech), [.g4, .g3, .g2, .g5, .g4])
        XCTAssertEqual(s[0].location, Coordinate(109.22, 13.77))
        // No azimuth: omnidirectional, beamwidth 360. An azimuth alone: 120°.
        XCTAssertEqual(s.map(\.azimuth), [nil, 120, 240, 0, 10])
        XCTAssertEqual(s.map(\.beamwidth), [360, 120, 65, 360, 360])
        XCTAssertEqual(s.map(\.isOmnidirectional), [true, false, false, true, true])
        XCTAssertEqual(s.map(\.radius), [nil, nil, 1500, nil, nil])
        XCTAssertEqual(s.map(\.positionUncertainty), [nil, nil, nil, nil, nil])
    }

    func testTechAliases() throws {
        let names = ["2G", "GSM", "gsm", "3G", "UMTS", "WCDMA", "HSPA", "4G", "LTE", " lte ", "5G", "NR", "nr"]
        let rows = names.enumerated().map { "S\($0.offset),Viettel,14,109,\($0.element)" }.joined(separator: "\n")
        let (s, _) = try sites("site_id,operator,lat,lon,tech\n" + rows)
        XCTAssertEqual(s.map(\.tech), [.g2, .g2, .g2, .g3, .g3, .g3, .g3, .g4, .g4, .g4, .g5, .g5, .g5])
        for bad in ["6G", "CDMA", "", "4"] {
            assertError(try sites("site_id,operator,lat,lon,tech\nS,V,14,109,\(bad)"), "sites.csv", "row 2", "tech",
                        "\"\(bad)\" is not a known technology (2G, 3G, 4G, 5G, GSM, UMTS, LTE, NR, with or without a band: GSM900, LTE1800, 5G NR…)")
        }
    }

    func testMissingColumnsWithRenameHints() {
        assertError(try sites("site_id,operator,latitude,lng,tech\nS,V,14,109,4G"), "sites.csv", "row 1", "lat, lon",
                    "missing columns (rename latitude → lat, lng → lon); the header has site_id,operator,latitude,lng,tech")
        assertError(try sites("id,operator,lat,lon,tech\nS,V,14,109,4G"), "sites.csv", "row 1", "site_id",
                    "missing column (rename id → site_id); the header has id,operator,lat,lon,tech")
        assertError(try sites("site_id,lat,lon,tech\nS,14,109,4G"), "sites.csv", "row 1", "operator",
                    "missing column; the header has site_id,lat,lon,tech")
    }

    func testEmptyIdentityFields() {
        assertError(try sites("site_id,operator,lat,lon,tech\nS1,V,14,109,4G\n  ,V,14,109,4G"), "sites.csv", "row 3", "site_id", "empty")
        assertError(try sites("site_id,operator,lat,lon,tech\nS1,,14,109,4G"), "sites.csv", "row 2", "operator", "empty")
    }

    func testLatitudeAndLongitudeChecks() {
        let header = "site_id,operator,lat,lon,tech\n"
        func check(_ lat: String, _ lon: String, _ field: String, _ message: String, line: UInt = #line) {
            assertError(try sites(header + "S,V,\(lat),\(lon),4G"), "sites.csv", "row 2", field, message, line: line)
        }
        check("109.2", "13.77", "lat", "109.2 is outside −90…90 (lat and lon swapped?)")
        check("-95", "200", "lat", "-95 is outside −90…90")
        check("14", "190", "lon", "190 is outside −180…180")
        check("14", "-180.5", "lon", "-180.5 is outside −180…180")
        check("1560018.908", "570529.4245", "lat",
              "1560018.908 is outside −90…90 (lat and lon are WGS 84 degrees, also with --input-crs; give projected sites as GeoJSON points)")
        check("14", "570529", "lon",
              "570529 is outside −180…180 (lat and lon are WGS 84 degrees, also with --input-crs; give projected sites as GeoJSON points)")
        check("abc", "109", "lat", "\"abc\" is not a number")
        check("\"14,1\"", "109", "lat", "\"14,1\" is not a number (use a decimal point, not a comma)")
        check("", "109", "lat", "empty; a number is required")
        check("14", "nan", "lon", "\"nan\" is not a finite number")
        check("14", "0x6D", "lon", "\"0x6D\" is not a number")
        // The edges are inside.
        XCTAssertEqual(try sites(header + "S,V,-90,180,4G\nT,V,90,-180,4G").sectors.map(\.location),
                       [Coordinate(180, -90), Coordinate(-180, 90)])
    }

    func testRowNumbersCountRecordsAndLines() {
        // A quoted line break (in a column covgap does not read) moves the next record's line ahead of its row number.
        assertError(try sites("site_id,operator,lat,lon,tech,note\nS1,V,14,109,4G,\"two\nlines\"\nS2,V,95,109,4G,"), "sites.csv", "row 3 (line 4)", "lat",
                    "95 is outside −90…90")
        // In a name or an id it is refused.
        assertError(try sites("site_id,operator,lat,lon,tech\n\"S\n1\",V,14,109,4G"), "sites.csv", "row 2", "site_id",
                    "holds the control character U+000A at character 2; names and ids must be plain text")
    }

    func testAzimuthIsNormalisedWithAWarning() throws {
        let (s, w) = try sites("""
        site_id,operator,lat,lon,tech,azimuth
        A,V,14,109,4G,370
        B,V,14,109,4G,-30
        C,V,14,109,4G,360
        D,V,14,109,4G,720.5
        E,V,14,109,4G,0
        """)
        XCTAssertEqual(s.map(\.azimuth), [10, 330, 360, 0.5, 0])
        XCTAssertEqual(w, [
            "sites.csv row 2, field azimuth: 370° is outside 0–360; read as 10°",
            "sites.csv row 3, field azimuth: -30° is outside 0–360; read as 330°",
            "sites.csv row 5, field azimuth: 720.5° is outside 0–360; read as 0.5°",
            "sites.csv: 5 of 5 sectors have no radius_m; each took its technology's radius (--radius-2g … --radius-5g)",
            "sites.csv: 5 of 5 sectors have an azimuth and no beamwidth; each took 120°",
        ])
        assertError(try sites("site_id,operator,lat,lon,tech,azimuth\nA,V,14,109,4G,east"), "sites.csv", "row 2", "azimuth",
                    "\"east\" is not a number")
    }

    func testAManyBlockTableKeepsRowOrderInSectorsWarningsAndErrors() throws {
        // Rows are read in blocks of 4,096 on all cores: 10,000 rows make three blocks.
        var rows = ["site_id,operator,lat,lon,tech,azimuth,radius_m"]
        for i in 0..<10_000 {
            let azimuth = i == 5 || i == 9_000 ? "400" : "\(i % 360)"
            rows.append("S\(i),\(i % 3 == 0 ? "Viettel" : "VNPT"),14.\(i),109,\(i % 2 == 0 ? "LTE1800" : "5G"),\(azimuth),\(i == 7_000 ? "" : "500")")
        }
        let (s, w) = try sites(rows.joined(separator: "\n"))
        XCTAssertEqual(s.count, 10_000)
        XCTAssertEqual(s.map(\.siteID), (0..<10_000).map { "S\($0)" })
        XCTAssertEqual(s[4_097].tech, .g5)
        XCTAssertEqual(s[4_098].frequencyMHz, 1800)
        XCTAssertEqual(s[9_000].azimuth, 40)
        XCTAssertEqual(w, [
            "sites.csv row 7, field azimuth: 400° is outside 0–360; read as 40°",
            "sites.csv row 9002, field azimuth: 400° is outside 0–360; read as 40°",
            "sites.csv: 1 of 10000 sectors has no radius_m; each took its technology's radius (--radius-2g … --radius-5g)",
            "sites.csv: 10000 of 10000 sectors have an azimuth and no beamwidth; each took 120°",
        ])
        // Bad rows in two blocks: the first in file order is named.
        rows[9_001] = "S9000,V,14,109,6G,0,500"
        rows[5_001] = "S5000,V,95,109,4G,0,500"
        assertError(try sites(rows.joined(separator: "\n")), "sites.csv", "row 5002", "lat", "95 is outside −90…90")
    }

    func testBeamwidthAndRadiusChecks() {
        let header = "site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m\n"
        assertError(try sites(header + "A,V,14,109,4G,90,0,"), "sites.csv", "row 2", "beamwidth",
                    "0° must be greater than 0° (leave azimuth and beamwidth empty for an omnidirectional antenna)")
        assertError(try sites(header + "A,V,14,109,4G,90,-65,"), "sites.csv", "row 2", "beamwidth",
                    "-65° must be greater than 0° (leave azimuth and beamwidth empty for an omnidirectional antenna)")
        assertError(try sites(header + "A,V,14,109,4G,90,wide,"), "sites.csv", "row 2", "beamwidth", "\"wide\" is not a number")
        assertError(try sites(header + "A,V,14,109,4G,90,65,0"), "sites.csv", "row 2", "radius_m", "0 must be greater than 0 metres")
        assertError(try sites(header + "A,V,14,109,4G,90,65,-2.5"), "sites.csv", "row 2", "radius_m", "-2.5 must be greater than 0 metres")
        assertError(try sites(header + "A,V,14,109,4G,90,65,\"1,5\""), "sites.csv", "row 2", "radius_m",
                    "\"1,5\" is not a number (use a decimal point, not a comma)")
    }

    // MARK: OpenCelliD

    static let cellHeader = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n"

    func testOpenCelliDExportIsRecognised() throws {
        let (s, w) = try sites(Self.cellHeader + """
        LTE,452,4,10001,123456,0,109.2193,13.7765,1500,12,1,1459692342,1560000000,0
        GSM,452,1,201,3301,0,109.1,13.9,,3,1,1459692342,1560000000,0
        UMTS,452,02,301,77,0,109.0,14.1,800,3,1,1459692342,1560000000,0
        NR,452,5,401,88,0,108.9,14.2,250,3,1,1459692342,1560000000,0
        LTE,452,7,501,99,0,108.8,14.3,3000,3,1,1459692342,1560000000,0
        LTE,310,260,601,11,0,108.7,14.4,100,3,1,1459692342,1560000000,0
        """)
        // OpenCelliD gives no coverage radius: every cell takes its technology's.
        XCTAssertEqual(w, ["sites.csv: 6 of 6 sectors have no radius_m; each took its technology's radius (--radius-2g … --radius-5g)"])
        XCTAssertEqual(s.map(\.siteID), ["452-4-10001-123456", "452-1-201-3301", "452-02-301-77", "452-5-401-88", "452-7-501-99", "310-260-601-11"])
        XCTAssertEqual(s.map(\.operator), ["Viettel", "MobiFone", "VinaPhone", "Vietnamobile", "Gmobile", "310-260"])
        XCTAssertEqual(s.map(\.tech), [.g4, .g2, .g3, .g5, .g4, .g4])
        XCTAssertEqual(s[0].location, Coordinate(109.2193, 13.7765))
        // range is the position's uncertainty, not a coverage radius: every cell is omnidirectional at its tech's radius.
        XCTAssertEqual(s.map(\.positionUncertainty), [1500, nil, 800, 250, 3000, 100])
        XCTAssertEqual(s.map(\.radius), [nil, nil, nil, nil, nil, nil])
        XCTAssertEqual(s.map(\.azimuth), [nil, nil, nil, nil, nil, nil])
        XCTAssertEqual(s.map(\.beamwidth), [360, 360, 360, 360, 360, 360])
    }

    func testOpenCelliDHeaderIsRecognisedInAnyCaseAndOrder() throws {
        XCTAssertTrue(OpenCelliD.recognises(["RADIO", "MCC", "NET", "AREA", "CELL", "LON", "LAT", "RANGE"]))
        XCTAssertTrue(OpenCelliD.recognises(["lat", "lon", "range", "cell", "area", "net", "mcc", "radio", "extra"]))
        XCTAssertFalse(OpenCelliD.recognises(["radio", "mcc", "net", "area", "cell", "lon", "lat"]))  // no range
        let (s, _) = try sites("Range,LAT,Lon,Cell,Area,Net,MCC,Radio\n900,13.5,109.3,42,7,4,452,lte\n")
        XCTAssertEqual(s.map(\.siteID), ["452-4-7-42"])
        XCTAssertEqual(s.map(\.operator), ["Viettel"])
        XCTAssertEqual(s[0].location, Coordinate(109.3, 13.5))
        XCTAssertEqual(s[0].positionUncertainty, 900)
    }

    func testOpenCelliDRowChecks() {
        assertError(try sites(Self.cellHeader + "LTE,452,4,1,1,0,109,14,1,1,1,0,0,0\nCDMA,452,4,1,2,0,109,14,1,1,1,0,0,0"),
                    "sites.csv", "row 3", "radio", "\"CDMA\" is not a known radio (GSM, UMTS, LTE, NR)")
        assertError(try sites(Self.cellHeader + "LTE,452,4,1,1,0,13.9,109.2,1,1,1,0,0,0"),
                    "sites.csv", "row 2", "lat", "109.2 is outside −90…90 (lat and lon swapped?)")
        assertError(try sites(Self.cellHeader + "LTE,452,4,1,1,0,,14,1,1,1,0,0,0"),
                    "sites.csv", "row 2", "lon", "empty; a number is required")
        XCTAssertEqual(OpenCelliD.operatorName(mcc: "452", mnc: "04"), "Viettel")
        XCTAssertEqual(OpenCelliD.operatorName(mcc: "452", mnc: "3"), "452-03")
    }

    // MARK: Fibre and places

    func testFibreGeometryTypes() throws {
        var loader = InputLoader()
        let fc = try read(collection([
            (#"{"id":"F1","operator":"Viettel"}"#, #"{"type":"LineString","coordinates":[[109,14],[109.1,14]]}"#),
            (#"{"id":2}"#, #"{"type":"MultiLineString","coordinates":[[[109,14],[109,14.1]],[[109.2,14],[109.3,14]]]}"#),
            (#"{}"#, #"{"type":"Point","coordinates":[109.05,14.05]}"#),
            (#"{"operator":452}"#, #"{"type":"MultiPoint","coordinates":[[109.05,14.05],[109.06,14.06]]}"#),
        ]), "fibre.geojson")
        let f = try loader.fibre(fc, file: "fibre.geojson")
        XCTAssertEqual(f.map(\.id), ["F1", "2", nil, nil])
        XCTAssertEqual(f.map(\.operator), ["Viettel", nil, nil, "452"])
        XCTAssertEqual(f.map(\.shape.typeName), ["LineString", "MultiLineString", "Point", "MultiPoint"])
        XCTAssertEqual(f[2].shape, .point(Coordinate(109.05, 14.05)))

        func fail(_ properties: String, _ geometry: String) -> InputError? {
            var loader = InputLoader()
            return inputError { try loader.fibre(try read(collection([(#"{}"#, #"{"type":"Point","coordinates":[109,14]}"#), (properties, geometry)]), "fibre.geojson"), file: "fibre.geojson") }
        }
        XCTAssertEqual(fail("{}", Self.square), InputError(file: "fibre.geojson", location: "feature 1", field: "geometry",
                                                            message: "a Polygon; a fibre feature is a LineString, MultiLineString, Point or MultiPoint"))
        XCTAssertEqual(fail("{}", "null"), InputError(file: "fibre.geojson", location: "feature 1", field: "geometry",
                                                      message: "null; a fibre feature is a line (route) or a point (access node)"))
        XCTAssertEqual(fail(#"{"operator":true}"#, #"{"type":"Point","coordinates":[109,14]}"#),
                       InputError(file: "fibre.geojson", location: "feature 1", field: "operator", message: "must be text"))
        XCTAssertEqual(fail("{}", #"{"type":"LineString","coordinates":[[109,14],[109,95]]}"#),
                       InputError(file: "fibre.geojson", location: "feature 1", field: "geometry",
                                  message: "[109, 95] is not a [lon, lat] position (is the file in another CRS? use --input-crs)"))
    }

    func testPlacesGeometryTypesAndDefaults() throws {
        var loader = InputLoader()
        let fc = try read(collection([
            (#"{"id":"P1","name":"Bệnh viện Phù Cát","category":"hospital"}"#, #"{"type":"Point","coordinates":[109.05,14.05]}"#),
            (#"{"name":"KCN Phú Tài"}"#, Self.square),
            (#"{}"#, #"{"type":"MultiPoint","coordinates":[[109.05,14.05]]}"#),
            (#"{"id":"P4"}"#, #"{"type":"MultiPolygon","coordinates":[[[[109.0,14.0],[109.01,14.0],[109.01,14.01],[109.0,14.0]]]]}"#),
        ]), "places.geojson")
        let p = try loader.places(fc, file: "places.geojson")
        // A place without an id takes its feature index; without a name, its id; without a category, "other".
        XCTAssertEqual(p.map(\.id), ["P1", "1", "2", "P4"])
        XCTAssertEqual(p.map(\.name), ["Bệnh viện Phù Cát", "KCN Phú Tài", "2", "P4"])
        XCTAssertEqual(p.map(\.category), ["hospital", "other", "other", "other"])
        XCTAssertEqual(p.map(\.shape.typeName), ["Point", "Polygon", "MultiPoint", "MultiPolygon"])

        func fail(_ properties: String, _ geometry: String) -> InputError? {
            var loader = InputLoader()
            return inputError { try loader.places(try read(collection([(properties, geometry)]), "places.geojson"), file: "places.geojson") }
        }
        XCTAssertEqual(fail("{}", #"{"type":"LineString","coordinates":[[109,14],[109.1,14]]}"#),
                       InputError(file: "places.geojson", location: "feature 0", field: "geometry",
                                  message: "a LineString; a priority place is a Point or a Polygon"))
        XCTAssertEqual(fail("{}", "null"), InputError(file: "places.geojson", location: "feature 0", field: "geometry",
                                                      message: "null; a priority place is a Point or a Polygon"))
        XCTAssertEqual(fail(#"{"name":{}}"#, #"{"type":"Point","coordinates":[109,14]}"#),
                       InputError(file: "places.geojson", location: "feature 0", field: "name", message: "must be text"))
    }

    // MARK: Numbers

    func testNumberAcceptsOnlyFiniteDecimals() {
        XCTAssertEqual(InputLoader.number(" 12.5 "), 12.5)
        XCTAssertEqual(InputLoader.number("-1e3"), -1000)
        XCTAssertEqual(InputLoader.number("+7"), 7)
        for bad in ["", "nan", "inf", "-infinity", "0x1p3", "1,5", "12 m", "1e999"] {
            XCTAssertNil(InputLoader.number(bad), bad)
        }
        XCTAssertEqual(InputLoader.notANumber("1e999"), "\"1e999\" is not a finite number")
        XCTAssertEqual(InputLoader.notANumber("inf"), "\"inf\" is not a finite number")
    }
}

/// What a run says it read: features per file, sectors per operator and technology (operators
/// sorted, whichever order their rows come in; technologies in order), and the defaults applied.
final class ReadSummaryTests: XCTestCase {
    func testSectorsAreCountedPerOperatorAndTechnology() {
        let at = Coordinate(109, 14)
        func sector(_ op: String, _ tech: Tech, radius: Double? = nil) -> Sector {
            Sector(siteID: "s", operator: op, tech: tech, location: at, radius: radius)
        }
        // Viettel's rows on both sides of Mobifone's: its counts go on from where they were.
        let sectors = [sector("Viettel", .g4), sector("Viettel", .g2, radius: 800), sector("Mobifone", .g5),
                       sector("Viettel", .g4, radius: 500), sector("Viettel", .g3), sector("Mobifone", .g4, radius: 2000)]
        let square: Shape = .polygon([[at, Coordinate(109.01, 14), Coordinate(109.01, 14.01), at]])
        let villages = [Village(id: "a", name: "A", center: at, shape: square), Village(id: "b", name: "B", shape: square)]
        let loaded = LoadedInputs(input: AnalysisInput(villages: villages, sectors: sectors),
                                  files: [InputFileInfo(role: "villages", path: "v.geojson", sha256: "", count: 2),
                                          InputFileInfo(role: "sites", path: "s.csv", sha256: "", count: 6)],
                                  warnings: [])
        XCTAssertEqual(loaded.readSummary(), [
            "read v.geojson: 2 villages",
            "read s.csv: 6 sectors",
            "  Mobifone: 4G 1, 5G 1",
            "  Viettel: 2G 1, 3G 1, 4G 2",
            "defaults applied: radius by technology for 3 of 6 sectors; centre from the polygon for 1 of 2 villages",
        ])
    }
}
