import TestSupport
import XCTest
@testable import Geo

final class RingProofTests: XCTestCase {
    private func ring(_ points: [(Double, Double)]) -> [Coordinate] {
        let r = points.map { Coordinate($0.0, $0.1) }
        return r + [r[0]]
    }

    func testSimpleRingsAreProvenAndTheOthersLeftToGEOS() throws {
        let square = ring([(0, 0), (4, 0), (4, 4), (0, 4)])
        // Each case: whether it is proven here, and whether GEOS finds it valid (nil: covgap's
        // geometry refuses a ring of fewer than four positions before GEOS sees it).
        let cases: [(String, Shape, proven: Bool, valid: Bool?)] = [
            ("square", .polygon([square]), true, true),
            ("triangle", .polygon([ring([(0, 0), (3, 0), (0, 2)])]), true, true),
            ("a straight vertex", .polygon([ring([(0, 0), (2, 0), (4, 0), (4, 4)])]), true, true),
            ("concave", .polygon([ring([(0, 0), (6, 0), (6, 6), (3, 1), (0, 6)])]), true, true),
            ("bow tie", .polygon([ring([(0, 0), (4, 4), (4, 0), (0, 4)])]), false, false),
            ("a vertex on another edge", .polygon([ring([(0, 0), (4, 0), (4, 4), (2, 0.0), (0, 4)])]), false, false),
            ("pinched at a vertex", .polygon([ring([(0, 0), (2, 2), (4, 0), (4, 4), (2, 2), (0, 4)])]), false, false),
            ("a spike back along an edge", .polygon([ring([(0, 0), (4, 0), (4, 4), (4, 2)])]), false, false),
            ("a spike out and back", .polygon([ring([(0, 0), (4, 0), (6, 0), (4, 0), (4, 4)])]), false, false),
            ("collinear", .polygon([ring([(0, 0), (1, 1), (2, 2)])]), false, false),
            // Valid, but not what the proof takes: left to GEOS.
            ("a repeated point", .polygon([ring([(0, 0), (4, 0), (4, 0), (4, 4)])]), false, true),
            ("a hole", .polygon([square, ring([(1, 1), (1, 2), (2, 2), (2, 1)])]), false, true),
            ("two parts", .multiPolygon([[square], [ring([(5, 5), (6, 5), (6, 6)])]]), false, true),
            ("two edges", .polygon([ring([(0, 0), (4, 0)])]), false, nil),
        ]
        for (name, shape, proven, valid) in cases {
            XCTAssertEqual(RingProof.provesValid(shape), proven, name)
            if let valid { XCTAssertEqual(try Geometry(shape).isValid, valid, name) }
        }
        // Not closed, not finite, or too wide for its columns: no proof, and no trap.
        XCTAssertFalse(RingProof.provesSimple(square.dropLast() + [Coordinate(0, 1)]))
        XCTAssertFalse(RingProof.provesSimple(ring([(0, 0), (.nan, 0), (4, 4)])))
        XCTAssertFalse(RingProof.provesSimple(ring([(0, 0), (.infinity, 0), (4, 4)])))
        XCTAssertFalse(RingProof.provesSimple(ring([(-1.7e308, 0), (1.7e308, 0), (0, 1e300)])))
        // A star of 20,001 long edges (each reaching across the ring): simple, but past the
        // budget of cells and pairs, so left to GEOS at once instead of in quadratic time.
        let star = (0..<20_001).map { k -> (Double, Double) in
            let a = Double(k) * 2 * .pi / 20_001, r = k % 2 == 0 ? 1_000.0 : 1.0
            return (r * cos(a), r * sin(a))
        }
        XCTAssertFalse(RingProof.provesSimple(ring(star)))
        // Subnormal extents: no sign is sure there.
        let s = 8 * Double.leastNonzeroMagnitude
        XCTAssertFalse(RingProof.provesSimple(ring([(0, 0), (s, 0), (s, s), (0, s)])))
        XCTAssertTrue(RingProof.provesSimple(ring([(0, 0), (4e-9, 0), (4e-9, 4e-9), (0, 4e-9)])))
    }

    /// Thousands of rings, simple and not, some with vertices a rounding error off another edge:
    /// every ring proven is valid to GEOS, and the simple ones with room between edges are proven.
    func testWhatIsProvenGEOSFindsValid() throws {
        var rng = SplitMix64(state: 0x9E37_79B9_7F4A_7C15)
        func random() -> Double { rng.unit() }
        var proven = 0, simpleProven = 0, simple = 0
        for k in 0..<3_000 {
            let n = 3 + Int(random() * 60)
            var points: [(Double, Double)] = []
            switch k % 3 {
            case 0:
                // Star-shaped around (500000, 1500000): simple, at UTM-like magnitudes.
                let angles = (0..<n).map { _ in random() * 2 * .pi }.sorted()
                for a in angles {
                    let r = 100 + random() * 900
                    points.append((500_000 + r * cos(a), 1_500_000 + r * sin(a)))
                }
            case 1:
                // Random order: mostly crossing.
                for _ in 0..<n { points.append((random() * 1000, random() * 1000)) }
            default:
                // A square with a vertex pushed onto, or a hair off, its bottom edge.
                let off = [0, 1e-9, -1e-9, 1e-12, 0.5][Int(random() * 5)]
                points = [(0, 0), (1000, 0), (1000, 1000), (500, off), (0, 1000)]
            }
            let r = ring(points)
            let isProven = RingProof.provesSimple(r)
            let valid = try Geometry(.polygon([r])).isValid
            if isProven {
                proven += 1
                XCTAssertTrue(valid, "ring \(k) proven but invalid: \(r)")
            }
            if k % 3 == 0, Set(r.dropLast()).count == r.count - 1 {
                simple += 1
                if isProven { simpleProven += 1 }
            }
        }
        XCTAssertGreaterThan(proven, 1_000)
        // Star-shaped rings with distinct angles are simple; only near-collinear vertices where
        // angles crowd can be left to GEOS.
        XCTAssertGreaterThan(Double(simpleProven), 0.95 * Double(simple))
    }
}
