import CGEOS
import XCTest
@testable import Geo

/// Every way GEOS and PROJ report a failure becomes a thrown `GeoError`, never an ordinary answer.
final class ErrorPathTests: XCTestCase {
    func testInvalidWKBIsThrownWithGEOSMessage() {
        XCTAssertThrowsError(try Geometry(wkb: [0x01, 0x03, 0x00, 0x00, 0x00, 0xFF])) { error in
            guard case GeoError.geos(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("ParseException"), message)
        }
    }

    func testUnknownCRSIsThrown() {
        XCTAssertThrowsError(try Projection(from: "EPSG:4326", to: "EPSG:999999")) { error in
            guard case GeoError.unknownCRS(let crs, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(crs, "EPSG:999999")
        }
        XCTAssertFalse(try Projection.isKnown("EPSG:999999"))
        XCTAssertTrue(try Projection.isKnown("EPSG:9217"))
    }

    /// A predicate's 2 (GEOS caught an exception) is thrown with GEOS's message, not read as false.
    func testPredicateExceptionCodeIsThrown() throws {
        let ctx = try GEOSContext.current()
        XCTAssertTrue(try ctx.predicate(1, "isEmpty"))
        XCTAssertFalse(try ctx.predicate(0, "isEmpty"))
        XCTAssertThrowsError(try ctx.predicate(2, "isEmpty")) { error in
            XCTAssertEqual(error as? GeoError, .geos("isEmpty failed"))
        }
    }

    /// A negative count or type id (GEOS's -1 for an exception) is thrown, not used as a number.
    func testNegativeCountIsThrown() throws {
        let ctx = try GEOSContext.current()
        XCTAssertEqual(try ctx.count(3, "member count"), 3)
        XCTAssertThrowsError(try ctx.count(-1, "member count")) { error in
            XCTAssertEqual(error as? GeoError, .geos("member count failed"))
        }
    }

    /// A `void` GEOS call (an STRtree query or insert) that reports through the message handler is
    /// thrown: here the handler is fed by a real GEOS failure (a WKB parse) made inside the call.
    func testMessageReportedDuringAVoidCallIsThrown() throws {
        let ctx = try GEOSContext.current()
        let garbage: [UInt8] = [0x01, 0x07]
        XCTAssertThrowsError(try ctx.reporting("querying an STRtree") {
            XCTAssertNil(garbage.withUnsafeBufferPointer { GEOSGeomFromWKB_buf_r(ctx.handle, $0.baseAddress, $0.count) })
        }) { error in
            guard case GeoError.geos(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("ParseException"), message)
        }
        // And a call that reports nothing passes its result through.
        XCTAssertEqual(try ctx.reporting("nothing") { 42 }, 42)
    }

    /// Structure and measures of real geometries go through the checked paths and give real values.
    func testCheckedStructureAccessors() throws {
        let g = try Geometry(wkt: "MULTIPOLYGON (((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1)), ((10 10, 11 10, 11 11, 10 10)))")
        XCTAssertEqual(try g.type, .multiPolygon)
        XCTAssertFalse(try g.isEmpty)
        XCTAssertTrue(try g.isValid)
        XCTAssertEqual(try g.memberCount, 2)
        XCTAssertEqual(try g.coordinateCount, 14)
        XCTAssertEqual(try g.bounds, Bounds(minX: 0, minY: 0, maxX: 11, maxY: 11))
        XCTAssertEqual(try g.polygons().count, 2)
        XCTAssertThrowsError(try g.member(2)) { error in
            XCTAssertEqual(error as? GeoError, .invalidInput("member index 2 out of range"))
        }
        XCTAssertNil(try Geometry(wkt: "POLYGON EMPTY").bounds)
        XCTAssertFalse(try Geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))").isValid)
    }
}
