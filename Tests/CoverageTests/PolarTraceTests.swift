import XCTest
@testable import Coverage

/// The loops traced around covered stretches of neighbouring directions against the plain form
/// of the same walk (a dictionary from each vertex to the segments leaving it, in the order they
/// were added): the same loops, vertex for vertex, on random columns with gaps, islands, cells
/// that touch only at a corner, periodic (omni) and not.
final class PolarTraceTests: XCTestCase {
    func testTheSameLoopsAsTheDictionaryWalk() {
        var g = SystemRandomNumberGenerator()
        var corners = 0
        for trial in 0..<400 {
            let n = Int.random(in: 1...24, using: &g)
            let columns: [[(Double, Double)]] = (0..<n).map { _ in
                // Stretches on a coarse set of distances, so that neighbours share ends and corners.
                var cuts = Set<Int>()
                for _ in 0..<Int.random(in: 0...6, using: &g) { cuts.insert(Int.random(in: 0...8, using: &g)) }
                let sorted = cuts.sorted()
                return stride(from: 0, to: sorted.count - 1, by: 2).map { (Double(sorted[$0]) * 100, Double(sorted[$0 + 1]) * 100) }
            }
            for periodic in [false, true] {
                let fast = PolarTrace.loops(columns: columns, periodic: periodic)
                let plain = plainLoops(columns: columns, periodic: periodic)
                XCTAssertEqual(fast.map { $0.map { [Double($0.u), $0.v] } }, plain.map { $0.map { [Double($0.u), $0.v] } },
                               "trial \(trial), periodic \(periodic): \(columns)")
                if plain.contains(where: { Set($0.map { "\($0.u) \($0.v)" }).count < $0.count }) { corners += 1 }
                // A loop said to meet no other boundary passes each vertex once (its ring needs no split).
                for t in PolarTrace.traced(columns: columns, periodic: periodic) where !t.meets {
                    XCTAssertEqual(Set(t.vertices).count, t.vertices.count, "trial \(trial): \(columns)")
                }
            }
        }
        // Loops through a vertex twice (cells touching at a corner) were met and took the left turn.
        XCTAssertGreaterThan(corners, 10)
    }

    func testOneStretchIsOneLoopOfFourVertices() {
        let loops = PolarTrace.loops(columns: [[(100, 300)]], periodic: false)
        XCTAssertEqual(loops.count, 1)
        XCTAssertEqual(loops[0].map { [Double($0.u), $0.v] }, [[0, 100], [1, 100], [1, 300], [0, 300]])
    }

    /// The walk as first written: a dictionary of the segments leaving each vertex.
    func plainLoops(columns: [[(Double, Double)]], periodic: Bool) -> [[PolarTrace.Vertex]] {
        typealias Vertex = PolarTrace.Vertex
        let n = columns.count
        var next: [Vertex: [Vertex]] = [:]
        for (a, b) in PolarTrace.segments(columns: columns, periodic: periodic) { next[a, default: []].append(b) }
        func remove(_ a: Vertex, _ b: Vertex) {
            guard var list = next[a], let i = list.firstIndex(of: b) else { return }
            list.remove(at: i)
            next[a] = list.isEmpty ? nil : list
        }
        var loops: [[Vertex]] = []
        for s in next.keys.sorted(by: { ($0.u, $0.v) < ($1.u, $1.v) }) {
            while let first = next[s]?.first {
                var loop = [s]
                var from = s, at = first
                remove(from, at)
                while at != s {
                    loop.append(at)
                    guard let options = next[at], !options.isEmpty else { break }
                    let chosen = options.count == 1 ? options[0] : PolarTrace.leftmost(from: from, at: at, options: options, n: n, periodic: periodic)
                    remove(at, chosen)
                    from = at
                    at = chosen
                }
                loops.append(loop)
            }
        }
        return loops
    }
}
