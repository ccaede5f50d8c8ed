@testable import Coverage
import Geo
import XCTest

/// The fibre kept in the side file comes back to the bit; a run keeps it only when every feature is
/// one the fibre reader can make, and a side file holding any other is damaged.
final class FibreAsReadTests: XCTestCase {
    func encoded(_ kept: FibreAsRead) -> [UInt8] { sideFileBytes { $0.fibreAsRead(kept, flush: $1) } }

    func read(_ bytes: [UInt8]) throws -> FibreAsRead {
        try readingSideFile(bytes) { r in
            let back = try r.fibreAsRead()
            XCTAssertEqual(r.at, bytes.count)
            return back
        }
    }

    let route: Shape = .lineString([Coordinate(108.123456, 14.5), Coordinate(108.2, 14.654321), Coordinate(108.1 / 3, 14.0 / 7)])
    let features: [FibreFeature] = [
        FibreFeature(id: "R1", operator: "VNPT", shape: .lineString([Coordinate(108.123456, 14.5), Coordinate(108.2, 14.654321)])),
        FibreFeature(id: nil, operator: "Viettel", shape: .multiLineString([[Coordinate(108.1 / 3, 14.0 / 7), Coordinate(108.5, 14)],
                                                                            [Coordinate(109, 13.5), Coordinate(109.1, 13.6), Coordinate(109, 13.5)]])),
        FibreFeature(id: "N7", operator: nil, shape: .point(Coordinate(108.75, 14.25))),
        FibreFeature(shape: .multiPoint([Coordinate(-180, -90), Coordinate(180, 90)])),
    ]

    func testTheFibreComesBackToTheBit() throws {
        let kept = try XCTUnwrap(FibreAsRead.keptIfAsRead(key: "k", warnings: ["a warning", "Tuyến cáp"], features: features))
        let back = try read(encoded(kept))
        XCTAssertEqual(back.key, "k")
        XCTAssertEqual(back.warnings, ["a warning", "Tuyến cáp"])
        XCTAssertEqual(back.features.map(\.id), features.map(\.id))
        XCTAssertEqual(back.features.map(\.operator), features.map(\.operator))
        XCTAssertTrue(zip(back.features, features).allSatisfy { $0.shape.hasSameBits(as: $1.shape) })
        // Read back, it is written again as it lay.
        XCTAssertEqual(encoded(back), encoded(kept))
        // The key: the file's digest, its name and --input-crs.
        let key = FibreAsRead.key(display: "f.geojson", sha256: "ab", inputCRS: nil)
        XCTAssertNotEqual(key, FibreAsRead.key(display: "f.geojson", sha256: "ac", inputCRS: nil))
        XCTAssertNotEqual(key, FibreAsRead.key(display: "g.geojson", sha256: "ab", inputCRS: nil))
        XCTAssertNotEqual(key, FibreAsRead.key(display: "f.geojson", sha256: "ab", inputCRS: "EPSG:3405"))
    }

    /// Features no reader makes: not kept by a run, and damage in a side file.
    func testFeaturesTheReaderCannotMakeAreNotKeptAndAreDamage() throws {
        let bad: [(String, FibreFeature)] = [
            ("a line of one position", FibreFeature(shape: .lineString([Coordinate(108, 14)]))),
            ("an empty set of points", FibreFeature(shape: .multiPoint([]))),
            ("a polygon", FibreFeature(shape: .polygon([[Coordinate(108, 14), Coordinate(108.1, 14), Coordinate(108, 14.1), Coordinate(108, 14)]]))),
            ("a position off the globe", FibreFeature(shape: .lineString([Coordinate(108, 14), Coordinate(181, 14)]))),
            ("not a number", FibreFeature(shape: .point(Coordinate(.nan, 14)))),
            ("a control character in the id", FibreFeature(id: "R\u{7}", shape: route)),
            ("a control character in the operator", FibreFeature(operator: "V\u{1B}[31m", shape: route)),
        ]
        for (what, feature) in bad {
            XCTAssertNil(FibreAsRead.keptIfAsRead(key: "k", warnings: [], features: features + [feature]), what)
            XCTAssertThrowsError(try read(encoded(FibreAsRead(key: "k", warnings: [], features: [features[0], feature]))), what) {
                XCTAssertEqual("\($0)", "report.reuse is damaged", what)
            }
        }
        // Flags beyond an id and an operator, and a count beyond the bytes left.
        var flags = encoded(FibreAsRead(key: "k", warnings: [], features: [features[2]]))
        // key (2 bytes), no warnings (1), count (1), then the flags.
        XCTAssertEqual(Array(flags[..<5]), [1, 0x6B, 0, 1, 1])
        flags[4] = 4
        XCTAssertThrowsError(try read(flags))
        var many = encoded(FibreAsRead(key: "k", warnings: [], features: [features[2]]))
        many[3] = 0x7F
        XCTAssertThrowsError(try read(many))
    }
}
