import XCTest
import Geo
import GeoIO
@testable import CoverageMap
import Coverage

/// The map's share of the plan: target boxes from report.json's targets[], measured speeds for the
/// speed view, and commune centres marked apart from the 5G places.
final class PlanMapTests: XCTestCase {
    func testTargetsSpeedsAndCentresReachThePage() throws {
        let ring = [Coordinate(108.70, 14.20), Coordinate(108.72, 14.20), Coordinate(108.72, 14.22), Coordinate(108.70, 14.22), Coordinate(108.70, 14.20)]
        let report: JSONValue = [
            "summary": ["villages": 1, "mobile": ["covered": 1, "partial": 0, "uncovered": 0, "covered_pct": 100, "any_signal_pct": 100]],
            "targets": [["id": "mobile_villages", "label": "Mobile signal (villages covered)", "figure": "mobile.covered_pct",
                         "comparison": ">=", "value": 100, "target": 100, "unit": "%", "met": true, "baseline": ["value": 99.9]]],
            "villages": [["id": "V1", "name": "Thôn 1", "commune": "Xã A", "district": "Huyện B", "households": 10, "area_m2": 1,
                          "center": [108.71, 14.21], "coverage": ["mobile": 1], "operators": ["Viettel": 1], "mobile_status": "covered",
                          "fixed": nil, "quality": ["4G": ["mean_mbps": 42.5, "tests": 40, "share_at_floor": 0.75, "status": "meets"]]]],
            "priority_places": [["id": "CC1", "name": "UBND xã A", "category": "commune_centre", "has_5g": false, "coverage_5g": nil,
                                 "mobile_covered": true, "fixed_available": false]],
        ]
        let features = [Feature(index: 0, properties: ["kind": "village", "id": "V1"], geometry: .polygon([ring]))]
        let places = [PriorityPlace(id: "CC1", name: "UBND xã A", category: CommuneCentres.category, shape: .point(Coordinate(108.71, 14.21)))]
        let map = try MapData(report: report, features: features, sectors: [], fibre: nil, places: places)
        XCTAssertEqual(map.summary["targets"]?[0]?["id"]?.stringValue, "mobile_villages")
        XCTAssertEqual(map.villages[0].properties["quality"]?["4G"]?["mean_mbps"]?.doubleValue, 42.5)
        XCTAssertEqual(map.places[0].properties["mobile_covered"]?.boolValue, true)
        XCTAssertEqual(map.places[0].properties["fixed_available"]?.boolValue, false)
        let page = map.html()
        XCTAssertTrue(page.contains(#"data-view="speed""#))
        XCTAssertTrue(page.contains("function speedClass(v)"))
        // The payload stores properties as columns: the speed column is there, its value in the village's data.
        XCTAssertEqual(map.villages[0].properties["quality"]?["4G"]?["share_at_floor"]?.doubleValue, 0.75)
        XCTAssertTrue(page.contains("share_at_floor"))
    }
}
