/// A point on an integer grid (quantised coordinates), for shared-border extraction.
public struct GridPoint: Hashable, Comparable, Sendable {
    public var x: Int32
    public var y: Int32
    public init(_ x: Int32, _ y: Int32) { self.x = x; self.y = y }
    public static func < (a: GridPoint, b: GridPoint) -> Bool { a.x != b.x ? a.x < b.x : a.y < b.y }
    var packed: UInt64 { UInt64(UInt32(bitPattern: x)) << 32 | UInt64(UInt32(bitPattern: y)) }
}

/// Rings and lines on an integer grid cut into arcs so that a border two shapes share is stored
/// once (as in TopoJSON): a point is a junction where the shapes through it part ways (it is met
/// with different neighbours), at the ends of lines, or where a ring touches itself; rings and
/// lines are cut at junctions, and equal pieces (in either direction) become one arc. A ring
/// without a junction is one closed arc, started at its smallest point so that the same ring in
/// two shapes is found equal. Deterministic: the arcs are numbered in the order they are first met.
public struct SharedBorders: Sendable {
    /// The arcs' points. A closed arc (a whole ring) does not repeat its first point at the end.
    public private(set) var arcs: [[GridPoint]] = []
    /// Whether each arc is a whole ring.
    public private(set) var closed: [Bool] = []

    /// An arc used forwards (`index >= 0`) or backwards (`~index`, as in TopoJSON).
    public typealias Ref = Int

    /// A ring or line given as points (consecutive duplicates removed, rings without their
    /// closing point).
    public struct Path: Sendable {
        public var points: [GridPoint]
        public var isRing: Bool
        public init(points: [GridPoint], isRing: Bool) { self.points = points; self.isRing = isRing }
    }

    private var arcIndex: [[GridPoint]: Ref] = [:]

    /// The arcs of `paths` (a list of shapes, each a list of rings and lines): for each path, the
    /// arc references that trace it in order.
    public static func build(_ paths: [[Path]]) -> (SharedBorders, [[[Ref]]]) {
        var junction = Set<UInt64>()
        // The neighbours each point was first met with, as an unordered pair.
        var seen: [UInt64: (UInt64, UInt64)] = [:]
        for shape in paths {
            for path in shape {
                let ps = path.points, n = ps.count
                guard n > 0 else { continue }
                for i in 0..<n {
                    let p = ps[i].packed
                    var a: UInt64, b: UInt64
                    if path.isRing {
                        a = ps[(i + n - 1) % n].packed; b = ps[(i + 1) % n].packed
                    } else {
                        if i == 0 || i == n - 1 { junction.insert(p); continue }
                        a = ps[i - 1].packed; b = ps[i + 1].packed
                    }
                    if a > b { swap(&a, &b) }
                    if let s = seen[p] {
                        if s != (a, b) { junction.insert(p) }
                    } else {
                        seen[p] = (a, b)
                    }
                }
            }
        }
        seen = [:]
        var borders = SharedBorders()
        let refs = paths.map { shape in shape.map { borders.cut($0, junction: junction) } }
        return (borders, refs)
    }

    private mutating func cut(_ path: Path, junction: Set<UInt64>) -> [Ref] {
        let ps = path.points
        guard !ps.isEmpty else { return [] }
        if !path.isRing { return pieces(of: ps, junction: junction).map { add($0, closed: false) } }
        // A point met twice in the same ring is a junction too.
        var inRing = Set<UInt64>(), cuts: [Int] = []
        for (i, p) in ps.enumerated() {
            if junction.contains(p.packed) || !inRing.insert(p.packed).inserted { cuts.append(i) }
        }
        if cuts.isEmpty {
            // One closed arc, started at its smallest point.
            let start = ps.indices.min(by: { ps[$0] < ps[$1] })!
            return [add(Array(ps[start...] + ps[..<start]), closed: true)]
        }
        // Split the ring at every junction (and repeated point); the last piece returns to the first cut.
        let rotated = Array(ps[cuts[0]...] + ps[..<cuts[0]]) + [ps[cuts[0]]]
        var out: [Ref] = []
        var from = 0
        var cutSet = Set(cuts.map { ($0 - cuts[0] + ps.count) % ps.count })
        cutSet.insert(rotated.count - 1)
        for i in 1..<rotated.count where cutSet.contains(i) {
            out.append(add(Array(rotated[from...i]), closed: false))
            from = i
        }
        return out
    }

    private func pieces(of ps: [GridPoint], junction: Set<UInt64>) -> [[GridPoint]] {
        if ps.count < 2 { return [] }
        var out: [[GridPoint]] = [], from = 0
        for i in 1..<ps.count where i == ps.count - 1 || junction.contains(ps[i].packed) {
            out.append(Array(ps[from...i]))
            from = i
        }
        return out
    }

    /// The reference of `arc`, adding it when it is new.
    private mutating func add(_ arc: [GridPoint], closed isClosed: Bool) -> Ref {
        if let r = arcIndex[arc] { return r }
        var reversed = Array(arc.reversed())
        if isClosed, let start = reversed.indices.min(by: { reversed[$0] < reversed[$1] }) {
            reversed = Array(reversed[start...] + reversed[..<start])
        }
        if let r = arcIndex[reversed] { return ~r }
        let r = arcs.count
        arcs.append(arc)
        closed.append(isClosed)
        arcIndex[arc] = r
        return r
    }

    /// The points an arc reference traces, in its direction (a closed arc without its closing point).
    public func points(_ ref: Ref) -> [GridPoint] { ref >= 0 ? arcs[ref] : arcs[~ref].reversed() }

    /// The arcs thinned by Douglas–Peucker to `tolerance` grid units, keeping each arc's ends (so
    /// that a shared border stays shared); an open arc keeps at least `minimumOpen` points (3 for
    /// arcs of rings with fewer than three arcs, so that no ring collapses), a closed arc at least 3.
    public func thinned(tolerance: Double, minimumOpen: [Int]) -> [[GridPoint]] {
        if tolerance <= 0 { return arcs }
        return concurrentMap(arcs.count, chunk: 512) { i in
            let a = arcs[i]
            if closed[i] {
                guard a.count > 3 else { return a }
                // Split at the point farthest from the start, thin both halves.
                let far = a.indices.max(by: { d2(a[0], a[$0]) < d2(a[0], a[$1]) })!
                let ring = a + [a[0]]
                var keep = douglasPeucker(ring, tolerance: tolerance, from: 0, to: far)
                keep.append(contentsOf: douglasPeucker(ring, tolerance: tolerance, from: far, to: ring.count - 1).dropFirst())
                keep.removeLast()
                if keep.count < 3 { return a }
                return keep.map { ring[$0] }
            }
            let keep = douglasPeucker(a, tolerance: tolerance, from: 0, to: a.count - 1)
            if keep.count < min(minimumOpen[i], a.count) {
                // Keep the farthest point from the chord as well.
                guard a.count > 2 else { return a }
                let far = (1..<(a.count - 1)).max(by: { chordDistance2(a[$0], a[0], a[a.count - 1]) < chordDistance2(a[$1], a[0], a[a.count - 1]) })!
                return [a[0], a[far], a[a.count - 1]]
            }
            return keep.map { a[$0] }
        }
    }
}

private func d2(_ a: GridPoint, _ b: GridPoint) -> Double {
    let dx = Double(a.x) - Double(b.x), dy = Double(a.y) - Double(b.y)
    return dx * dx + dy * dy
}

private func chordDistance2(_ c: GridPoint, _ p: GridPoint, _ q: GridPoint) -> Double {
    let dx = Double(q.x) - Double(p.x), dy = Double(q.y) - Double(p.y)
    let len2 = dx * dx + dy * dy
    if len2 == 0 { return d2(c, p) }
    let cross = dx * (Double(c.y) - Double(p.y)) - dy * (Double(c.x) - Double(p.x))
    return cross * cross / len2
}

/// Indices kept by Douglas–Peucker between `from` and `to` (both kept), ascending.
private func douglasPeucker(_ a: [GridPoint], tolerance: Double, from: Int, to: Int) -> [Int] {
    guard to > from else { return [from] }
    var keep = [Bool](repeating: false, count: to - from + 1)
    keep[0] = true; keep[to - from] = true
    var stack = [(from, to)]
    let t2 = tolerance * tolerance
    while let (i, j) = stack.popLast() {
        guard j > i + 1 else { continue }
        var worst = -1.0, at = i
        for k in (i + 1)..<j {
            let d = chordDistance2(a[k], a[i], a[j])
            if d > worst { worst = d; at = k }
        }
        if worst > t2 {
            keep[at - from] = true
            stack.append((i, at)); stack.append((at, j))
        }
    }
    return keep.indices.filter { keep[$0] }.map { $0 + from }
}
