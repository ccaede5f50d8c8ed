@testable import Coverage
import Geo
import XCTest

/// A side file whose layout holds together but whose kept results no run can have made (edited,
/// or damaged where no count is) is damaged, not reused: the reports index a village's shares by
/// coverage class and operator, and the map turns positions into pixels.
final class SideFileChecksTests: XCTestCase {
    let square = [Coordinate(108, 14), Coordinate(108.01, 14), Coordinate(108.01, 14.01), Coordinate(108, 14)]

    /// A side file of one village and one place, the village changed by `change`.
    func sideFile(_ change: (inout KeptVillage) -> Void = { _ in }, placeShare: Double? = 0.5) -> [UInt8] {
        var village = KeptVillage(
            geometry: Fingerprint(), properties: Fingerprint(a: 5, b: 6), crs: "EPSG:32649", candidates: [0, 2],
            coverage: VillageCoverage(areaM2: 1.2e6, fractions: Array(repeating: 0.5, count: CoverageClass.allCases.count),
                                      operatorFractions: [0.25, 0.5], mobileStatus: .partial, gaps: [(.polygon([square]), 6e5)],
                                      fixed: FixedAccess(status: .available, distanceM: 120, nearest: Coordinate(108, 14)),
                                      centre: Coordinate(108.005, 14.005), repairedShape: nil),
            warnings: ["a warning"])
        change(&village)
        let place = KeptPlace(geometry: Fingerprint(a: 7, b: 8), crs: "EPSG:32649", candidates: [1],
                              coverage: PlaceCoverage(has5G: true, coverage5G: placeShare))
        let state = IncrementalState(generator: "covgap test", parameters: "p", inputs: ["sites": "x"], operators: ["A", "B"],
                                     zonePrint: Fingerprint(), sectorPrints: [Fingerprint(), Fingerprint(a: 1, b: 2), Fingerprint(a: 3, b: 4)],
                                     villages: [village], places: [place])
        var out: [UInt8] = []
        state.encode { out += $0 }
        return out
    }

    func testWholeResultsComeBack() throws {
        let back = try IncrementalState.decode(sideFile { $0.coverage.repairedShape = .polygon([self.square]) })
        XCTAssertEqual(back.villages.count, 1)
        let c = back.villages[0].coverage
        XCTAssertEqual(c.fractions, Array(repeating: 0.5, count: 6))
        XCTAssertEqual(c.operatorFractions, [0.25, 0.5])
        XCTAssertEqual(c.gaps.map(\.areaM2), [6e5])
        XCTAssertEqual(c.fixed?.distanceM, 120)
        XCTAssertEqual(back.villages[0].candidates, [0, 2])
        XCTAssertEqual(back.places.map(\.coverage.coverage5G), [0.5])
        // A point place keeps no share.
        XCTAssertEqual(try IncrementalState.decode(sideFile(placeShare: nil)).places.map(\.coverage.coverage5G), [nil])
    }

    func testResultsNoRunCanHaveMadeAreDamage() {
        let bad: [(String, [UInt8])] = [
            ("a class's share missing", sideFile { $0.coverage.fractions.removeLast() }),
            ("a share for an operator more", sideFile { $0.coverage.operatorFractions.append(0) }),
            ("no operator's share", sideFile { $0.coverage.operatorFractions = [] }),
            ("an area not a number", sideFile { $0.coverage.areaM2 = .nan }),
            ("a share not a number", sideFile { $0.coverage.fractions[2] = .infinity }),
            ("an operator's share not a number", sideFile { $0.coverage.operatorFractions[1] = -.infinity }),
            ("a gap's position not a number", sideFile { $0.coverage.gaps[0].shape = .polygon([[Coordinate(.nan, 14)] + self.square]) }),
            ("a gap's area not a number", sideFile { $0.coverage.gaps[0].areaM2 = .nan }),
            ("a fibre distance not a number", sideFile { $0.coverage.fixed!.distanceM = .nan }),
            ("a nearest fibre point not a number", sideFile { $0.coverage.fixed!.nearest = Coordinate(.infinity, 14) }),
            ("a centre not a number", sideFile { $0.coverage.centre = Coordinate(108, .nan) }),
            ("a repaired polygon's position not a number", sideFile { $0.coverage.repairedShape = .polygon([[Coordinate(.infinity, 0)]]) }),
            ("a place's 5G share not a number", sideFile(placeShare: .nan)),
        ]
        for (what, bytes) in bad {
            XCTAssertThrowsError(try IncrementalState.decode(bytes), what) { XCTAssertEqual("\($0)", "report.reuse is damaged", what) }
        }
    }

    /// Found by Scripts/fuzz SideFile: candidate steps whose sum passes Int32 trapped.
    func testCandidateStepsBeyondTheSectorsAreDamage() throws {
        var w = IncrementalState.Writer()
        w.varint(2); w.varint(0x7fff_ffff); w.varint(0x7fff_ffff)
        var r = IncrementalState.Reader(bytes: w.bytes)
        XCTAssertThrowsError(try r.candidates(below: 3)) { XCTAssertEqual("\($0)", "report.reuse is damaged") }
        for steps: [UInt64] in [[3], [1, 2], [UInt64.max]] {
            var w = IncrementalState.Writer()
            w.varint(UInt64(steps.count)); steps.forEach { w.varint($0) }
            var r = IncrementalState.Reader(bytes: w.bytes)
            XCTAssertThrowsError(try r.candidates(below: 3), "\(steps)")
        }
        var ok = IncrementalState.Writer()
        ok.candidates([0, 0, 2])
        var r2 = IncrementalState.Reader(bytes: ok.bytes)
        XCTAssertEqual(try r2.candidates(below: 3), [0, 0, 2])
    }
}
