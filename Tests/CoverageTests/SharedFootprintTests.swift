import Geo
import XCTest
@testable import Coverage

/// Footprints of co-located sectors made together (one geodesic set-up per bearing) are the rings
/// made one by one, bit for bit; sectors group by antenna position and direction.
final class SharedFootprintTests: XCTestCase {
    func testSharedRingsAreTheRingsMadeOneByOne() {
        let site = Coordinate(109.2196, 13.7765)
        let sectors = [
            Sector(siteID: "A", operator: "Viettel", tech: .g2, location: site, azimuth: 120, beamwidth: 65),
            Sector(siteID: "A", operator: "Viettel", tech: .g4, location: site, azimuth: 120, beamwidth: 65),
            Sector(siteID: "A", operator: "Viettel", tech: .g5, location: site, azimuth: 120, beamwidth: 65, radius: 5000),
            Sector(siteID: "A", operator: "Viettel", tech: .g3, location: site, azimuth: 120, beamwidth: 65, radius: 1234.5),
        ]
        var p = AnalysisParameters()
        p.arcStep = 1.5
        let radii = sectors.map(p.radius(for:))
        XCTAssertEqual(radii, [5000, 2500, 5000, 1234.5])
        let shared = Footprint.rings(of: sectors, radii: radii, arcStep: p.arcStep)
        for (s, ring) in zip(sectors, shared) {
            let alone = Footprint.ring(of: s, radius: p.radius(for: s), arcStep: p.arcStep)
            XCTAssertEqual(ring.count, alone.count)
            XCTAssertTrue(zip(ring, alone).allSatisfy { $0.x.bitPattern == $1.x.bitPattern && $0.y.bitPattern == $1.y.bitPattern })
        }
        // 65° in steps of at most 1.5°: 44 steps, 45 arc points, the apex twice.
        XCTAssertEqual(shared[0].count, 47)

        let omni = [Sector(siteID: "B", operator: "MobiFone", tech: .g2, location: Coordinate(-70.5, -33.4)),
                    Sector(siteID: "B", operator: "MobiFone", tech: .g3, location: Coordinate(-70.5, -33.4))]
        let rings = Footprint.rings(of: omni, radii: [5000, 3000], arcStep: 2)
        for (s, ring) in zip(omni, rings) {
            XCTAssertEqual(ring, Footprint.ring(of: s, radius: s.tech.defaultRadius, arcStep: 2))
        }
        XCTAssertEqual(rings[0].count, 181)

        XCTAssertEqual(CoverageAnalysis.antennaGroups(sectors + omni + [sectors[1]]), [[0, 1, 2, 3, 6], [4, 5]])
        let turned = Sector(siteID: "A", operator: "Viettel", tech: .g2, location: site, azimuth: 240, beamwidth: 65)
        XCTAssertEqual(CoverageAnalysis.antennaGroups([sectors[0], turned, sectors[1]]), [[0, 2], [1]])
    }
}
