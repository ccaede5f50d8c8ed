import XCTest
@testable import CoverageMap
@testable import Coverage
import Geo

/// The Google Earth placemark's table of one village.
final class ReportLayersDescriptionTests: XCTestCase {
    func village(mobile: Double, g5: Double) -> (Village, VillageCoverage) {
        let square = Shape.polygon([[Coordinate(109, 14), Coordinate(109.01, 14), Coordinate(109.01, 14.01), Coordinate(109, 14)]])
        let v = Village(id: "V1", name: "Làng <O2> & co", commune: "Vĩnh Kim", district: "Vĩnh Thạnh", households: 120, shape: square)
        let r = VillageCoverage(areaM2: 1_234_567, fractions: [mobile, mobile, 0, 0, mobile, g5], operatorFractions: [],
                                mobileStatus: .covered, gaps: [], fixed: nil, centre: Coordinate(109.005, 14.005), repairedShape: nil)
        return (v, r)
    }

    func testAShortfallNeverReadsAsAHundredPercent() {
        let (v, r) = village(mobile: 0.99963, g5: 0.0004)
        let html = ReportLayers.description(v, r)
        XCTAssertTrue(html.contains("<th align=\"left\">Phủ sóng di động / Mobile coverage</th><td>99.96 %</td>"), html)
        XCTAssertTrue(html.contains("<th align=\"left\">Phủ sóng 5G / 5G coverage</th><td>0.04 %</td>"), html)
        XCTAssertFalse(html.contains("100 %"), html)
        // Names are escaped for the placemark's HTML.
        XCTAssertTrue(html.contains("<td>Làng &lt;O2&gt; &amp; co</td>"), html)
        XCTAssertTrue(html.contains("<td>123.5 ha</td>"), html)
    }

    func testWholeCoverageReadsAsAHundredPercent() {
        let (v, r) = village(mobile: 1, g5: 0)
        let html = ReportLayers.description(v, r)
        XCTAssertTrue(html.contains("Mobile coverage</th><td>100.0 %</td>"), html)
        XCTAssertTrue(html.contains("5G coverage</th><td>0.0 %</td>"), html)
    }
}
