import Geo
import XCTest
@testable import Coverage

/// The indexed search for the nearest fibre vertex by the geodesic gives what a scan over every
/// vertex gives (same distance, same vertex on ties), near and far, and across many centres.
final class FarFibreTests: XCTestCase {
    /// The reference: every vertex of every feature, the nearest by the WGS 84 geodesic, the first on ties.
    static func scan(from centre: Coordinate, fibre: [FibreFeature], reach: Double) -> FixedAccess? {
        var best: (Double, Coordinate)?
        for f in fibre {
            f.shape.forEachCoordinate { c in
                let d = Geodesic.wgs84.distance(from: centre, to: c)
                if best == nil || d < best!.0 { best = (d, c) }
            }
        }
        return best.map { FixedAccess(status: $0.0 <= reach ? .available : .unavailable, distanceM: $0.0, nearest: $0.1) }
    }

    func testIndexedSearchMatchesTheFullScan() {
        var seed: UInt64 = 12345
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53)
        }
        // Routes over Vietnam's zones 48–50, and one access node on another continent.
        var fibre: [FibreFeature] = (0..<300).map { _ in
            let x = 102 + next() * 8, y = 8 + next() * 15
            return FibreFeature(shape: .lineString([Coordinate(x, y), Coordinate(x + next() * 0.05, y + next() * 0.05),
                                                    Coordinate(x + 0.02, y - 0.03)]))
        }
        fibre.append(FibreFeature(shape: .point(Coordinate(2.35, 48.85))))
        // A duplicated vertex: ties go to the first one, as in the scan.
        fibre.append(fibre[0])
        let index = FarFibreIndex(fibre)
        let centres = (0..<200).map { _ in Coordinate(100 + next() * 14, 5 + next() * 20) }
            + [Coordinate(2.0, 48.0), Coordinate(179.9, 0), Coordinate(-120, 60), Coordinate(10, 88)]
        for c in centres {
            let scan = Self.scan(from: c, fibre: fibre, reach: 1000)
            let indexed = index.nearest(to: c, reach: 1000)
            XCTAssertEqual(indexed?.distanceM, scan?.distanceM, "\(c)")
            XCTAssertEqual(indexed?.nearest, scan?.nearest, "\(c)")
            XCTAssertEqual(indexed?.status, scan?.status, "\(c)")
        }
        XCTAssertNil(FarFibreIndex([]).nearest(to: Coordinate(105, 12), reach: 1000))
        // Paris to the node in Paris: 0 m, available.
        XCTAssertEqual(index.nearest(to: Coordinate(2.35, 48.85), reach: 1000)?.status, .available)
    }
}
