import XCTest
@testable import Geo

final class HilbertOrderTests: XCTestCase {
    /// The curve starts at the origin, so its first 16 cells fill the 4 × 4 block there, each once,
    /// and every step goes to a side neighbour.
    func testFirstCellsFillTheCornerBlockStepByStep() {
        var cellAt = [UInt64: (UInt32, UInt32)]()
        for x in UInt32(0)..<4 {
            for y in UInt32(0)..<4 { cellAt[HilbertOrder.index(x: x, y: y)] = (x, y) }
        }
        XCTAssertEqual(Set(cellAt.keys), Set(0..<16))
        for d in UInt64(1)..<16 {
            let (a, b) = (cellAt[d - 1]!, cellAt[d]!)
            XCTAssertEqual(abs(Int(a.0) - Int(b.0)) + abs(Int(a.1) - Int(b.1)), 1, "step \(d)")
        }
        // Quadrant by quadrant: lower left, upper left, upper right, lower right; it ends at (n − 1, 0).
        let n = UInt32(1) << 16, quarter = UInt64(n) * UInt64(n) / 4
        XCTAssertEqual(HilbertOrder.index(x: 0, y: 0), 0)
        XCTAssertEqual(HilbertOrder.index(x: 0, y: n / 2) / quarter, 1)
        XCTAssertEqual(HilbertOrder.index(x: n / 2, y: n / 2) / quarter, 2)
        XCTAssertEqual(HilbertOrder.index(x: n - 1, y: 0), 4 * quarter - 1)
    }

    func testOrderVisitsQuadrantsAlongTheCurveWithTiesByIndexAndNonFiniteLast() {
        let points = [Coordinate(10, 0), Coordinate(.nan, 1), Coordinate(0, 10), Coordinate(0, 0),
                      Coordinate(10, 10), Coordinate(0, 0), Coordinate(1, 9)]
        // Inside the upper-left quadrant the curve runs as the whole does: (1, 9) lies in the last
        // sixteenth of the quadrant's upper-left quarter, after the corner (0, 10).
        XCTAssertEqual(HilbertOrder.order(points), [3, 5, 2, 6, 4, 0, 1])
        XCTAssertEqual(HilbertOrder.order([Coordinate(5, 5), Coordinate(5, 5)]), [0, 1])
        XCTAssertEqual(HilbertOrder.order([]), [])
    }
}
