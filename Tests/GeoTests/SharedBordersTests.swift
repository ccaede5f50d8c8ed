import TestSupport
import XCTest
@testable import Geo

/// Shared-border extraction against its plain definition: the arcs and references must be exactly
/// those of `PlainBorders` below (dictionaries of points and of whole arcs, as the definition reads),
/// on lattices of squares that share borders, with reversed rings, rings that touch themselves,
/// islands without a junction, lines through rings and repeated shapes.
final class SharedBordersTests: XCTestCase {
    func testTheSameArcsAsThePlainDefinition() {
        var generator = SplitMix64(state: 7)
        for trial in 0..<40 {
            let paths = Self.randomShapes(&generator, size: 2 + trial % 6)
            let (fast, fastRefs) = SharedBorders.build(paths)
            let (plain, plainRefs) = PlainBorders.build(paths)
            XCTAssertEqual(fast.arcs, plain.arcs, "trial \(trial)")
            XCTAssertEqual(fast.closed, plain.closed, "trial \(trial)")
            XCTAssertEqual(fastRefs, plainRefs, "trial \(trial)")
            // Each path comes back from its references (rings up to where they start).
            for (shape, refs) in zip(paths, fastRefs) {
                for (path, r) in zip(shape, refs) {
                    var traced: [GridPoint] = []
                    for ref in r {
                        let pts = fast.points(ref)
                        traced += traced.isEmpty ? pts : Array(pts.dropFirst())
                    }
                    if path.isRing {
                        if r.count > 1 || !fast.closed[r[0] >= 0 ? r[0] : ~r[0]] { traced.removeLast() }
                        XCTAssertEqual(traced.count, path.points.count)
                        XCTAssertTrue(path.points.indices.contains { s in path.points.indices.allSatisfy { path.points[(s + $0) % path.points.count] == traced[$0] } },
                                      "trial \(trial): a ring traced back")
                    } else {
                        XCTAssertEqual(traced, path.points)
                    }
                }
            }
        }
    }

    /// More than 65,536 points: the paths are cut on the cores in several batches, each core
    /// remembering its own rings; the arcs and references are still the plain definition's.
    func testTheSameArcsWhenThePathsAreCutInSeveralBatches() {
        var generator = SplitMix64(state: 13)
        let paths = Self.randomShapes(&generator, size: 120)
        XCTAssertGreaterThan(paths.reduce(0) { $0 + $1.reduce(0) { $0 + $1.points.count } }, 2 * 65_536)
        let (fast, fastRefs) = SharedBorders.build(paths)
        let (plain, plainRefs) = PlainBorders.build(paths)
        XCTAssertEqual(fast.arcs, plain.arcs)
        XCTAssertEqual(fast.closed, plain.closed)
        XCTAssertEqual(fastRefs, plainRefs)
    }

    /// Points numbered by sorting their codes: with a triangle spanning the whole grid beside the
    /// shapes, the codes differ in all 64 bits (every digit of the sort is used); the arcs are the
    /// plain definition's all the same.
    func testTheSameArcsWhenThePointsSpanTheWholeGrid() {
        var generator = SplitMix64(state: 11)
        for trial in 0..<10 {
            let far: [SharedBorders.Path] = [.init(points: [GridPoint(.min, .min), GridPoint(.max, .max), GridPoint(.max, .min)], isRing: true)]
            let paths = Self.randomShapes(&generator, size: 2 + trial % 5) + [far]
            let (fast, fastRefs) = SharedBorders.build(paths)
            let (plain, plainRefs) = PlainBorders.build(paths)
            XCTAssertEqual(fast.arcs, plain.arcs, "trial \(trial)")
            XCTAssertEqual(fastRefs, plainRefs, "trial \(trial)")
        }
    }

    /// Point numbers from the radix sort are the ranks of the distinct codes, for codes that
    /// differ in a few low bits, in middle bits only, or in all 64, with many repeats; and with
    /// nearly all codes in one bucket of the first pass (one code in a hundred with the top bit set).
    /// 300,000 codes (all 64 bits, and one bucket) are dealt by four shares, taken by whichever core is free.
    func testPointNumbersAreTheRanksOfTheDistinctCodes() {
        var generator = SplitMix64(state: 5)
        let spreads: [(mask: UInt64, base: UInt64)] = [(0x3F, 1 << 40), (0xFFFF_FFFF << 12, 7), (.max, 0), (0x7FF << 20 | 0x3, 1 << 63), (0xF_FFFF_FFFF, 0)]
        for count in [0, 1, 2, 3_000, 100_000, 300_000] {
            for (mask, base) in spreads where count < 300_000 || base == 0 {
                var codes = (0..<count).map { i in
                    let code = base | (generator.next() & mask)
                    return mask == 0xF_FFFF_FFFF && i % 100 == 0 ? code | 1 << 50 : code
                }
                // Repeats: every fifth code is one met before.
                for i in stride(from: 5, to: codes.count, by: 5) { codes[i] = codes[Int(generator.next() % UInt64(i))] }
                let ranks = Dictionary(uniqueKeysWithValues: Set(codes).sorted().enumerated().map { ($1, Int32($0)) })
                var sorted = codes
                let (numbers, distinct) = PointNumbers.numbered(codes: &sorted)
                XCTAssertEqual(distinct, ranks.count, "\(count) codes, mask \(mask)")
                XCTAssertEqual(numbers, codes.map { ranks[$0]! }, "\(count) codes, mask \(mask)")
                XCTAssertEqual(sorted, codes.sorted())
            }
        }
    }

    /// A zig-zag border of 200,000 equal teeth (Douglas–Peucker's quadratic case) is thinned within
    /// the thinning budget: every tooth kept at a tolerance under its height, a handful of points,
    /// each dropped one within the tolerance, above it.
    func testZigZagBorderThinsWithinTolerance() {
        let line = (0..<200_000).map { GridPoint(Int32($0), $0 % 2 == 0 ? 100 : 99) }
        let (borders, refs) = SharedBorders.build([[.init(points: line, isRing: false)]])
        XCTAssertEqual(refs, [[[0]]])
        XCTAssertEqual(borders.thinned(tolerance: 0.3, minimumOpen: [2])[0].count, line.count)
        let coarse = borders.thinned(tolerance: 2, minimumOpen: [2])[0]
        XCTAssertLessThan(coarse.count, 10)
        XCTAssertEqual(coarse.first, line.first)
        XCTAssertEqual(coarse.last, line.last)
        // Every dropped point lies within 2 of the chord between the kept points around it.
        var j = 0
        for p in line.dropFirst() {
            if p == coarse[j + 1] { j += 1; if j == coarse.count - 1 { break }; continue }
            let a = coarse[j], b = coarse[j + 1]
            let dx = Double(b.x - a.x), dy = Double(b.y - a.y)
            let cross = dx * Double(p.y - a.y) - dy * Double(p.x - a.x)
            XCTAssertLessThanOrEqual(abs(cross) / (dx * dx + dy * dy).squareRoot(), 2, "\(p)")
        }
        XCTAssertEqual(j, coarse.count - 1)
    }

    /// The same border stored either way round thins to the same points: teeth of equal height,
    /// where Douglas–Peucker walking from the other end would keep other teeth among equals; and a
    /// ring of such teeth, stored in either direction from its smallest point.
    func testAnArcThinsToTheSamePointsWhicheverWayItIsStored() {
        let teeth = (0..<41).map { (k: Int) -> GridPoint in
            let height: Int = ((k * 7) % 5 - 2) * 3
            return GridPoint(Int32(k * 10), Int32(height))
        }
        func thinned(_ path: [GridPoint], ring: Bool, tolerance: Double) -> [GridPoint] {
            let (borders, refs) = SharedBorders.build([[.init(points: path, isRing: ring)]], jobs: 1)
            XCTAssertEqual(borders.arcs.count, 1)
            let arc = borders.thinned(tolerance: tolerance, minimumOpen: [2])[0]
            return refs[0][0] == [0] ? arc : arc.reversed()
        }
        let forward = thinned(teeth, ring: false, tolerance: 5)
        let backward = thinned(teeth.reversed(), ring: false, tolerance: 5)
        XCTAssertEqual(backward, Array(forward.reversed()))
        XCTAssertLessThan(forward.count, teeth.count)
        XCTAssertGreaterThan(forward.count, 2)
        // A closed ring: the teeth out along y = 0 and back along y = 100.
        let back = teeth.reversed().map { p -> GridPoint in GridPoint(p.x, 100 - p.y) }
        let ring = teeth + back.dropFirst().dropLast()
        let one = thinned(ring, ring: true, tolerance: 5), other = thinned(ring.reversed(), ring: true, tolerance: 5)
        XCTAssertEqual(one[0], other[0])
        XCTAssertEqual(Array(other.dropFirst()), Array(one.dropFirst().reversed()))
        XCTAssertLessThan(one.count, ring.count)
    }

    func testTwoSquaresShareOneArc() {
        // Two unit squares side by side, the second traced clockwise: the common edge is one arc,
        // walked forwards by one and backwards by the other.
        let a = [GridPoint(0, 0), GridPoint(1, 0), GridPoint(1, 1), GridPoint(0, 1)]
        let b = [GridPoint(1, 0), GridPoint(1, 1), GridPoint(2, 1), GridPoint(2, 0)].reversed()
        let (borders, refs) = SharedBorders.build([[.init(points: a, isRing: true)], [.init(points: Array(b), isRing: true)]])
        XCTAssertEqual(borders.arcs.count, 3)
        let shared = Set(refs[0][0].map { $0 >= 0 ? $0 : ~$0 }).intersection(refs[1][0].map { $0 >= 0 ? $0 : ~$0 })
        XCTAssertEqual(shared.count, 1)
        let s = shared.first!
        XCTAssertEqual(Set(borders.arcs[s]), [GridPoint(1, 0), GridPoint(1, 1)])
        // One of the two walks it backwards.
        XCTAssertEqual(Set([refs[0][0], refs[1][0]].map { r in r.contains(s) }), [true, false])
    }

    /// Squares of a lattice (some traced the other way, some rotated), holes, a ring touching
    /// itself, lines across, and repeats of earlier shapes.
    static func randomShapes(_ g: inout SplitMix64, size: Int) -> [[SharedBorders.Path]] {
        var shapes: [[SharedBorders.Path]] = []
        func square(_ x: Int, _ y: Int, _ s: Int) -> [GridPoint] {
            var ring: [GridPoint] = []
            for k in 0..<s { ring.append(GridPoint(Int32(x + k), Int32(y))) }
            for k in 0..<s { ring.append(GridPoint(Int32(x + s), Int32(y + k))) }
            for k in 0..<s { ring.append(GridPoint(Int32(x + s - k), Int32(y + s))) }
            for k in 0..<s { ring.append(GridPoint(Int32(x), Int32(y + s - k))) }
            return ring
        }
        func varied(_ ring: [GridPoint]) -> [GridPoint] {
            var r = Int.random(in: 0..<2, using: &g) == 0 ? ring : ring.reversed()
            let start = Int.random(in: 0..<r.count, using: &g)
            r = Array(r[start...] + r[..<start])
            return r
        }
        for i in 0..<size {
            for j in 0..<size where Int.random(in: 0..<5, using: &g) > 0 {
                var shape: [SharedBorders.Path] = [.init(points: varied(square(3 * i, 3 * j, 3)), isRing: true)]
                if Int.random(in: 0..<4, using: &g) == 0 {
                    shape.append(.init(points: varied(square(3 * i + 1, 3 * j + 1, 1)), isRing: true))   // a hole
                }
                shapes.append(shape)
            }
        }
        // An island far away (one closed arc), twice, once reversed.
        let island = square(100, 100, 2)
        shapes.append([.init(points: island, isRing: true)])
        shapes.append([.init(points: island.reversed(), isRing: true)])
        // A figure eight: a ring through the same point twice.
        shapes.append([.init(points: [GridPoint(50, 50), GridPoint(51, 49), GridPoint(52, 50), GridPoint(51, 51),
                                      GridPoint(50, 50), GridPoint(49, 51), GridPoint(48, 50), GridPoint(49, 49)], isRing: true)])
        // Lines across the lattice, one along a lattice line, and one repeated backwards.
        let line = (0...(3 * size)).map { GridPoint(Int32($0), Int32($0 % 3)) }
        shapes.append([.init(points: line, isRing: false)])
        shapes.append([.init(points: (0...(3 * size)).map { GridPoint(Int32($0), 3) }, isRing: false)])
        shapes.append([.init(points: line.reversed(), isRing: false)])
        if !shapes.isEmpty { shapes.append(shapes[Int.random(in: 0..<shapes.count, using: &g)]) }
        return shapes
    }
}

/// Shared borders as the definition reads: a dictionary of the neighbours each point was first
/// met with, a set of junctions, and a dictionary of whole arcs looked up forwards and then
/// reversed. Slow, and plainly right.
private struct PlainBorders {
    var arcs: [[GridPoint]] = []
    var closed: [Bool] = []
    var arcIndex: [[GridPoint]: Int] = [:]

    static func build(_ paths: [[SharedBorders.Path]]) -> (PlainBorders, [[[Int]]]) {
        var junction = Set<GridPoint>()
        var seen: [GridPoint: (GridPoint, GridPoint)] = [:]
        for shape in paths {
            for path in shape {
                let ps = path.points, n = ps.count
                for i in 0..<n {
                    var a: GridPoint, b: GridPoint
                    if path.isRing {
                        a = ps[(i + n - 1) % n]; b = ps[(i + 1) % n]
                    } else {
                        if i == 0 || i == n - 1 { junction.insert(ps[i]); continue }
                        a = ps[i - 1]; b = ps[i + 1]
                    }
                    if b.packed < a.packed { swap(&a, &b) }
                    if let s = seen[ps[i]] {
                        if s != (a, b) { junction.insert(ps[i]) }
                    } else {
                        seen[ps[i]] = (a, b)
                    }
                }
            }
        }
        var borders = PlainBorders()
        let refs = paths.map { shape in shape.map { borders.cut($0, junction: junction) } }
        return (borders, refs)
    }

    mutating func cut(_ path: SharedBorders.Path, junction: Set<GridPoint>) -> [Int] {
        let ps = path.points
        guard !ps.isEmpty else { return [] }
        if !path.isRing {
            guard ps.count >= 2 else { return [] }
            var out: [Int] = [], from = 0
            for i in 1..<ps.count where i == ps.count - 1 || junction.contains(ps[i]) {
                out.append(add(Array(ps[from...i]), closed: false)); from = i
            }
            return out
        }
        var inRing = Set<GridPoint>(), cuts: [Int] = []
        for (i, p) in ps.enumerated() where junction.contains(p) || !inRing.insert(p).inserted { cuts.append(i) }
        if cuts.isEmpty {
            let start = ps.indices.min(by: { ps[$0] < ps[$1] })!
            return [add(Array(ps[start...] + ps[..<start]), closed: true)]
        }
        let rotated = Array(ps[cuts[0]...] + ps[..<cuts[0]]) + [ps[cuts[0]]]
        var cutSet = Set(cuts.map { ($0 - cuts[0] + ps.count) % ps.count })
        cutSet.insert(rotated.count - 1)
        var out: [Int] = [], from = 0
        for i in 1..<rotated.count where cutSet.contains(i) {
            out.append(add(Array(rotated[from...i]), closed: false)); from = i
        }
        return out
    }

    mutating func add(_ arc: [GridPoint], closed isClosed: Bool) -> Int {
        if let r = arcIndex[arc] { return r }
        var reversed = Array(arc.reversed())
        if isClosed, let start = reversed.indices.min(by: { reversed[$0] < reversed[$1] }) {
            reversed = Array(reversed[start...] + reversed[..<start])
        }
        if let r = arcIndex[reversed] { return ~r }
        arcs.append(arc); closed.append(isClosed); arcIndex[arc] = arcs.count - 1
        return arcs.count - 1
    }
}
