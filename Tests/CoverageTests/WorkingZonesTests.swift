import XCTest
@testable import Coverage
import Geo

final class WorkingZonesTests: XCTestCase {
    func village(_ k: Int, lon: Double) -> Village {
        let lat = 14 + Double(k) * 1e-3
        return Village(id: "V\(k)", name: "V\(k)", shape: .polygon([[Coordinate(lon, lat), Coordinate(lon + 5e-4, lat),
                                                                       Coordinate(lon + 5e-4, lat + 5e-4), Coordinate(lon, lat)]]))
    }

    func testVillagesGroupedByUTMZoneInInputOrderTheFullestFirst() throws {
        // 3,000 villages alternating two at 107.9° E (zone 48) with one at 108.1° E (zone 49).
        let villages = (0..<3000).map { k in village(k, lon: k % 3 == 2 ? 108.1 : 107.9) }
        let places = [PriorityPlace(id: "P", name: "P", category: "school", shape: .point(Coordinate(108.2, 14.5)))]
        let zones = WorkingZones(villages: villages, places: places, crs: nil, defaultCRS: "EPSG:32648")
        XCTAssertEqual(zones.groups.map(\.crs), ["EPSG:32648", "EPSG:32649"])
        XCTAssertEqual(zones.groups[0].villages, (0..<3000).filter { $0 % 3 != 2 })
        XCTAssertEqual(zones.groups[1].villages, (0..<3000).filter { $0 % 3 == 2 })
        XCTAssertEqual(zones.groups[1].places, [0])
        XCTAssertEqual(zones.groups[0].places, [])
        let e0 = try XCTUnwrap(zones.groups[0].extent), e1 = try XCTUnwrap(zones.groups[1].extent)
        XCTAssertEqual(e0.minX, 107.9); XCTAssertEqual(e0.maxX, 107.9005, accuracy: 1e-12)
        XCTAssertEqual(e0.minY, 14); XCTAssertEqual(e0.maxY, 14 + 2998e-3 + 5e-4, accuracy: 1e-9)
        XCTAssertEqual(e1.minX, 108.1); XCTAssertEqual(e1.maxX, 108.2, accuracy: 1e-12)   // the place widens it
        XCTAssertEqual(e1.minY, 14.002, accuracy: 1e-12)
        XCTAssertEqual(zones.primaryCRS, "EPSG:32648")
    }
}
