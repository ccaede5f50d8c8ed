import XCTest
import Geo
import GeoIO

/// The bundled commune outlines (GeoData/binh-dinh/communes.geojson, cleaned from the census-2009
/// polygons) form a coverage: no two communes overlap, their union has no hole, and the districts and
/// the province are exactly the unions of their communes.
final class BundledOutlinesTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("GeoData/binh-dinh")

    func layer(_ name: String) throws -> [(properties: JSONObject, geometry: Geometry)] {
        try GeoJSONReader.read(path: Self.folder.appendingPathComponent(name).path).features.map {
            ($0.properties, try Geometry(try XCTUnwrap($0.geometry)))
        }
    }

    func holes(_ g: Geometry) throws -> Int {
        try g.polygons().reduce(0) { n, p in
            guard case .polygon(let rings) = try p.shape() else { return n }
            return n + rings.count - 1
        }
    }

    func testCommunesFormACoverage() throws {
        let communes = try layer("communes.geojson")
        XCTAssertEqual(communes.count, 159)
        XCTAssertEqual(communes.reduce(0) { $0 + ($1.properties["population_2009"]?.intValue ?? 0) }, 1_462_552)
        XCTAssertEqual(Set(communes.compactMap { $0.properties["district"]?.stringValue }).count, 11)
        for c in communes { XCTAssertTrue(try c.geometry.isValid, c.properties["name"]?.stringValue ?? "?") }

        // No overlaps: the census polygons had 311 overlapping pairs (about 16 km²); none is left.
        let boxes = try communes.map { try XCTUnwrap(try $0.geometry.bounds) }
        var touching = 0, overlap = 0.0
        for i in communes.indices {
            for j in communes.indices where j > i && boxes[i].intersects(boxes[j]) {
                guard try communes[i].geometry.intersects(communes[j].geometry) else { continue }
                touching += 1
                overlap += try communes[i].geometry.intersection(communes[j].geometry).area()
            }
        }
        XCTAssertGreaterThan(touching, 350, "neighbours share their borders")
        XCTAssertEqual(overlap, 0, "overlap in square degrees")

        // No gaps: the union has no hole (the census polygons left 608 slivers).
        let union = try Geometry.unaryUnion(communes.map(\.geometry))
        XCTAssertEqual(try holes(union), 0)
        // Its area, about 6,040 km² (0.508 square degrees at 14° N).
        XCTAssertEqual(try union.area(), 0.5084, accuracy: 0.0005)

        // The districts and the province are the unions of their communes.
        let province = try layer("province.geojson")
        XCTAssertEqual(province.count, 1)
        XCTAssertEqual(try union.difference(province[0].geometry).area(), 0, accuracy: 1e-12)
        XCTAssertEqual(try province[0].geometry.difference(union).area(), 0, accuracy: 1e-12)
        let districts = try layer("districts.geojson")
        XCTAssertEqual(districts.count, 11)
        for d in districts {
            let name = try XCTUnwrap(d.properties["name"]?.stringValue)
            let members = try Geometry.unaryUnion(communes.filter { $0.properties["district"]?.stringValue == name }.map(\.geometry))
            XCTAssertEqual(try members.symmetricDifferenceArea(d.geometry), 0, accuracy: 1e-12, name)
        }
    }

    /// The 1,000 villages subdivide the communes: no overlap, no strip that belongs to no village,
    /// the same outline as the province; Làng O2 among them in Xã Vĩnh Kim.
    func testVillagesTileTheCommunes() throws {
        let villages = try layer("villages.geojson")
        XCTAssertEqual(villages.count, 1000)
        for v in villages { XCTAssertTrue(try v.geometry.isValid, v.properties["id"]?.stringValue ?? "?") }
        let boxes = try villages.map { try XCTUnwrap(try $0.geometry.bounds) }
        var overlap = 0.0
        for i in villages.indices {
            for j in villages.indices where j > i && boxes[i].intersects(boxes[j]) {
                guard try villages[i].geometry.intersects(villages[j].geometry) else { continue }
                overlap += try villages[i].geometry.intersection(villages[j].geometry).area()
            }
        }
        XCTAssertEqual(overlap, 0, "overlap in square degrees")
        let union = try Geometry.unaryUnion(villages.map(\.geometry))
        XCTAssertEqual(try holes(union), 0, "no unassigned strip")
        let province = try layer("province.geojson")[0].geometry
        XCTAssertEqual(try union.symmetricDifferenceArea(province) / province.area(), 0, accuracy: 1e-6)
        let communes = try layer("communes.geojson")
        XCTAssertEqual(villages.reduce(0) { $0 + ($1.properties["population"]?.intValue ?? 0) },
                       communes.reduce(0) { $0 + ($1.properties["population_2009"]?.intValue ?? 0) })
        let o2 = try XCTUnwrap(villages.first { $0.properties["id"]?.stringValue == "21790-01" })
        XCTAssertEqual(o2.properties["name"]?.stringValue, "Làng O2")
        let vinhKim = try XCTUnwrap(communes.first { $0.properties["name"]?.stringValue == "Xã Vĩnh Kim" })
        XCTAssertGreaterThan(try o2.geometry.intersection(vinhKim.geometry).area() / o2.geometry.area(), 0.999)
    }
}

private extension Geometry {
    func symmetricDifferenceArea(_ other: Geometry) throws -> Double {
        try difference(other).area() + other.difference(self).area()
    }
}
