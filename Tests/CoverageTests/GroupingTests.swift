@testable import Coverage
import Geo
import XCTest

final class GroupingTests: XCTestCase {
    /// Groups in the order of their first members, each in the order given; a key may come back
    /// after others, and names equal as text (composed or not) are one group.
    func testGroupsKeepTheOrderGivenAndTextEquality() {
        let composed = "Ho\u{E0}i Nh\u{01A1}n", decomposed = "Hoa\u{0300}i Nho\u{031B}n"
        XCTAssertNotEqual(Array(composed.utf8), Array(decomposed.utf8))
        let keys = ["Tuy Phước", "Tuy Phước", composed, "An Nhơn", decomposed, "Tuy Phước", composed, "An Nhơn"]
        XCTAssertEqual(groups(of: keys.indices, by: { keys[$0] }), [[0, 1, 5], [2, 4, 6], [3, 7]])
        XCTAssertEqual(groups(of: [7, 2, 3], by: { keys[$0] }), [[7, 3], [2]])
        XCTAssertEqual(groups(of: [Int](), by: { keys[$0] }), [])
        let communes = [CommuneKey(district: "A", name: "X"), CommuneKey(district: "B", name: "X"), CommuneKey(district: "A", name: "X")]
        XCTAssertEqual(groups(of: communes.indices, by: { communes[$0] }), [[0, 2], [1]])
        // Keys compared by their bytes first are still equal as text, and hash alike when equal.
        XCTAssertEqual(groups(of: keys.indices, by: { NameKey(keys[$0]) }), [[0, 1, 5], [2, 4, 6], [3, 7]])
        XCTAssertEqual(NameKey(composed), NameKey(decomposed))
        XCTAssertEqual(NameKey(composed).hashValue, NameKey(decomposed).hashValue)
        XCTAssertNotEqual(NameKey("An Nhơn"), NameKey("An Nhon"))
        XCTAssertNotEqual(NameKey("An"), NameKey("An "))
        let spelled = [CommuneKey(district: composed, name: "X"), CommuneKey(district: decomposed, name: "X"),
                       CommuneKey(district: decomposed, name: "Y"), CommuneKey(district: "X", name: composed)]
        XCTAssertEqual(groups(of: spelled.indices, by: { spelled[$0] }), [[0, 1], [2], [3]])
        XCTAssertEqual(spelled[0].hashValue, spelled[1].hashValue)
    }
    /// Operators each once, sorted, whether their sectors come site by site or mixed; a name
    /// composed or not is one operator.
    func testOperatorNamesEachOnceSorted() {
        let composed = "\u{0110}i\u{1EC7}n l\u{1EF1}c", decomposed = "\u{0110}ie\u{0323}\u{0302}n lu\u{031B}\u{0323}c"
        XCTAssertEqual(composed, decomposed)
        let names = ["Viettel", "Viettel", "MobiFone", composed, "Viettel", "Vinaphone", "MobiFone", decomposed]
        let sectors = names.map { Sector(siteID: "S1", operator: $0, tech: .g4, location: Coordinate(109, 14),
                                         azimuth: nil, beamwidth: 360, radius: 1000) }
        XCTAssertEqual(sectors.operatorNames, ["MobiFone", "Viettel", "Vinaphone", composed])
        XCTAssertEqual(Array(sectors.prefix(2)).operatorNames, ["Viettel"])
        XCTAssertEqual([Sector]().operatorNames, [])
    }
}
