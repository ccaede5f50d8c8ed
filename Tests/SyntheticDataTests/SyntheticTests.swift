import XCTest
import Geo
@testable import SyntheticData
import Coverage

final class SyntheticTests: XCTestCase {
    func testSameSeedSameData() {
        let a = SyntheticNetwork(villages: 300, sites: 180, seed: 5).generate()
        let b = SyntheticNetwork(villages: 300, sites: 180, seed: 5).generate()
        XCTAssertEqual(a.villages.map(\.shape), b.villages.map(\.shape))
        XCTAssertEqual(a.sectors.map(\.location), b.sectors.map(\.location))
        XCTAssertEqual(a.fibre?.map(\.shape), b.fibre?.map(\.shape))
        let c = SyntheticNetwork(villages: 300, sites: 180, seed: 6).generate()
        XCTAssertNotEqual(a.villages.map(\.shape), c.villages.map(\.shape))
    }

    func testCountsSectorsAndVillageShapes() throws {
        let data = SyntheticNetwork(villages: 400, sites: 240, seed: 1).generate()
        XCTAssertEqual(data.villages.count, 400)
        XCTAssertEqual(Set(data.villages.map(\.id)).count, 400)
        XCTAssertEqual(Set(data.sectors.map(\.siteID)).count, 240)
        XCTAssertEqual(data.places?.count, 20)
        // Three sectors per tech on each directional site, 120° apart, beamwidth 65–120°.
        let bySiteAndTech = Dictionary(grouping: data.sectors.filter { !$0.isOmnidirectional }) { "\($0.siteID) \($0.tech)" }
        for (_, sectors) in bySiteAndTech {
            XCTAssertEqual(sectors.count, 3)
            XCTAssertEqual(sectors[1].azimuth! - sectors[0].azimuth!, 120, accuracy: 1e-9)
            XCTAssertTrue((65...120).contains(sectors[0].beamwidth))
        }
        // Valid, 50–200 vertices for single blobs, about 3 km², and no two neighbours overlap.
        let p = try Projection(from: "EPSG:4326", to: "EPSG:32648")
        let polygons = try data.villages.prefix(60).map { try Geometry(try p.transform($0.shape)) }
        for (v, g) in zip(data.villages.prefix(60), polygons) {
            XCTAssertTrue(try g.isValid, v.id)
            let area = try g.area()
            XCTAssertTrue((1.0e6...3.6e6).contains(area), "\(v.id): \(area) m²")
            if case .polygon(let rings) = v.shape, rings.count == 1 { XCTAssertTrue((51...201).contains(rings[0].count)) }
        }
        for i in 0..<polygons.count {
            for j in (i + 1)..<polygons.count {
                XCTAssertEqual(try polygons[i].intersection(polygons[j]).area(), 0, accuracy: 1e-6)
            }
        }
    }
}
