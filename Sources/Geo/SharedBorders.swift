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

    /// Arcs by their direction-free hash (`ArcKey`): the first arc with that hash, and for each
    /// arc the next one with the same hash.
    private var arcsByHash: [UInt64: Int] = [:]
    private var nextWithHash: [Int] = []

    /// The arcs of `paths` (a list of shapes, each a list of rings and lines): for each path, the
    /// arc references that trace it in order.
    public static func build(_ paths: [[Path]]) -> (SharedBorders, [[[Ref]]]) {
        // Every point's number among the distinct points, then per distinct point the neighbours
        // it was first met with (an unordered pair of numbers) and whether it is a junction. A
        // junction does not depend on the order the points are met: some occurrence has other
        // neighbours, or ends a line.
        var starts: [Int] = [], total = 0
        for shape in paths { for path in shape { starts.append(total); total += path.points.count } }
        let (numbers, distinct) = PointNumbers.numbered(paths, total: total)
        return numbers.withUnsafeBufferPointer { all in
            func numbersOf(_ k: Int, _ path: Path) -> UnsafeBufferPointer<Int32> {
                UnsafeBufferPointer(rebasing: all[starts[k]..<(starts[k] + path.points.count)])
            }
            var points = PointFacts(count: distinct)
            var k = 0
            for shape in paths {
                for path in shape {
                    let ns = numbersOf(k, path)
                    k += 1
                    let n = ns.count
                    for i in 0..<n {
                        let p = Int(ns[i])
                        var a: Int32, b: Int32
                        if path.isRing {
                            a = ns[(i + n - 1) % n]; b = ns[(i + 1) % n]
                        } else {
                            if i == 0 || i == n - 1 { points.junction[p] = true; continue }
                            a = ns[i - 1]; b = ns[i + 1]
                        }
                        if a > b { swap(&a, &b) }
                        if points.neighbours[p] == PointFacts.unmet {
                            points.neighbours[p] = (a, b)
                        } else if points.neighbours[p] != (a, b) {
                            points.junction[p] = true
                        }
                    }
                }
            }
            var borders = SharedBorders()
            var ring: Int32 = 0
            k = 0
            let refs = paths.map { shape in
                shape.map { path in
                    let ns = numbersOf(k, path)
                    k += 1
                    ring += 1
                    return borders.cut(path, numbers: ns, points: &points, ring: ring)
                }
            }
            return (borders, refs)
        }
    }

    private mutating func cut(_ path: Path, numbers: UnsafeBufferPointer<Int32>, points: inout PointFacts, ring: Int32) -> [Ref] {
        let ps = path.points
        guard !ps.isEmpty else { return [] }
        if !path.isRing {
            if ps.count < 2 { return [] }
            var out: [Ref] = [], from = 0
            for i in 1..<ps.count where i == ps.count - 1 || points.junction[Int(numbers[i])] {
                out.append(add(Array(ps[from...i]), closed: false))
                from = i
            }
            return out
        }
        // A point met twice in the same ring is a junction too (each point remembers the last ring
        // that met it).
        var cuts: [Int] = []
        for i in ps.indices {
            let p = Int(numbers[i])
            if points.junction[p] || points.lastRing[p] == ring { cuts.append(i) } else { points.lastRing[p] = ring }
        }
        if cuts.isEmpty {
            // One closed arc, started at its smallest point.
            let start = ps.indices.min(by: { ps[$0] < ps[$1] })!
            return [add(Array(ps[start...] + ps[..<start]), closed: true)]
        }
        // Split the ring at every junction (and repeated point); the last piece returns to the first cut.
        let rotated = Array(ps[cuts[0]...] + ps[..<cuts[0]]) + [ps[cuts[0]]]
        var isCut = [Bool](repeating: false, count: rotated.count)
        for c in cuts { isCut[(c - cuts[0] + ps.count) % ps.count] = true }
        isCut[rotated.count - 1] = true
        var out: [Ref] = []
        var from = 0
        for i in 1..<rotated.count where isCut[i] {
            out.append(add(Array(rotated[from...i]), closed: false))
            from = i
        }
        return out
    }

    /// The reference of `arc`, adding it when it is new: an arc equal to a known one is that arc,
    /// an arc equal to a known one reversed (for a closed arc: reversed and started again at its
    /// smallest point, which a closed arc starts at) is that arc backwards.
    private mutating func add(_ arc: [GridPoint], closed isClosed: Bool) -> Ref {
        let key = ArcKey.hash(arc, closed: isClosed)
        var r = arcsByHash[key] ?? -1
        var backwards: Ref?
        while r >= 0 {
            if arcs[r] == arc { return r }
            if backwards == nil, ArcKey.isReversal(arcs[r], of: arc, closed: isClosed) { backwards = ~r }
            r = nextWithHash[r]
        }
        if let backwards { return backwards }
        let new = arcs.count
        arcs.append(arc)
        closed.append(isClosed)
        nextWithHash.append(arcsByHash[key] ?? -1)
        arcsByHash[key] = new
        return new
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

/// Indices kept by Douglas–Peucker between `from` and `to` (both kept), ascending: the one
/// thinning of covgap (`DouglasPeucker`, distance to the chord's line), so that a zig-zag border
/// stays within its O(n log n) budget here too.
private func douglasPeucker(_ a: [GridPoint], tolerance: Double, from: Int, to: Int) -> [Int] {
    guard to > from else { return [from] }
    let points = a[from...to].map { Coordinate(Double($0.x), Double($0.y)) }
    let keep = DouglasPeucker.kept(points, tolerance: tolerance, distance: .toLine)
    return keep.indices.filter { keep[$0] }.map { $0 + from }
}

/// The distinct points of a set of paths, numbered by sorting: each point's Morton code (x and y
/// bits interleaved) is sorted (a radix sort, only over the bits in which the codes differ), and
/// equal points get one number, their rank among the distinct points. Any
/// one-to-one numbering finds the same junctions, so the arcs do not depend on it. A sort reads
/// and writes memory in order, where a hash table of a national map's millions of points missed
/// the cache on every lookup; and points near each other on the map get numbers near each other,
/// so the passes over a ring's points that follow find their facts close together too.
enum PointNumbers {
    /// Every point of `paths` by its number, in order (`total` of them), and how many distinct
    /// points there are.
    static func numbered(_ paths: [[SharedBorders.Path]], total: Int) -> (numbers: [Int32], distinct: Int) {
        var keys = [UInt64]()
        keys.reserveCapacity(total)
        for shape in paths { for path in shape { for point in path.points { keys.append(morton(point)) } } }
        return numbered(codes: &keys)
    }

    /// The numbers of `keys` (sorted on the way).
    static func numbered(codes keys: inout [UInt64]) -> (numbers: [Int32], distinct: Int) {
        guard let first = keys.first else { return ([], 0) }
        var differing: UInt64 = 0
        for k in keys { differing |= k ^ first }
        var order = (0..<Int32(keys.count)).map { $0 }
        radixSort(&keys, carrying: &order, differing: differing)
        var numbers = [Int32](repeating: 0, count: keys.count)
        var distinct: Int32 = 0
        for i in keys.indices {
            if i > 0 && keys[i] != keys[i - 1] { distinct += 1 }
            numbers[Int(order[i])] = distinct
        }
        return (numbers, Int(distinct) + 1)
    }

    /// Sorts `keys`, and `values` with them, by the bits set in `differing`, stably: least
    /// significant digit first, 11 bits a digit (2,048 counters stay in the first-level cache, and
    /// as many places are written to at once), digits in which no key differs skipped.
    private static func radixSort(_ keys: inout [UInt64], carrying values: inout [Int32], differing: UInt64) {
        let n = keys.count
        var keysOut = [UInt64](repeating: 0, count: n), valuesOut = [Int32](repeating: 0, count: n)
        let bits: UInt64 = 11, digits = 1 << 11, mask = UInt64(digits - 1)
        var counts = [Int](repeating: 0, count: digits)
        for shift in stride(from: UInt64(0), to: 64, by: Int(bits)) where (differing >> shift) & mask != 0 {
            counts.withUnsafeMutableBufferPointer { c in
                keys.withUnsafeBufferPointer { k in
                    values.withUnsafeBufferPointer { v in
                        keysOut.withUnsafeMutableBufferPointer { kOut in
                            valuesOut.withUnsafeMutableBufferPointer { vOut in
                                for i in 0..<digits { c[i] = 0 }
                                for i in 0..<n { c[Int((k[i] >> shift) & mask)] += 1 }
                                var sum = 0
                                for i in 0..<digits { let count = c[i]; c[i] = sum; sum += count }
                                for i in 0..<n {
                                    let d = Int((k[i] >> shift) & mask), at = c[d]
                                    kOut[at] = k[i]
                                    vOut[at] = v[i]
                                    c[d] = at + 1
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keysOut)
            swap(&values, &valuesOut)
        }
    }

    /// x and y (sign bits flipped, so that −1 and 0 are neighbours) with their bits interleaved.
    @inline(__always) static func morton(_ p: GridPoint) -> UInt64 {
        func spread(_ v: Int32) -> UInt64 {
            var x = UInt64(UInt32(bitPattern: v) ^ 0x8000_0000)
            x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF
            x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF
            x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F
            x = (x | (x << 2)) & 0x3333_3333_3333_3333
            x = (x | (x << 1)) & 0x5555_5555_5555_5555
            return x
        }
        return spread(p.x) | spread(p.y) << 1
    }
}

/// What `SharedBorders.build` records per distinct point (by its `PointNumbers` number).
private struct PointFacts {
    /// The neighbours a point was first met with (`unmet` until then).
    var neighbours: [(Int32, Int32)]
    var junction: [Bool]
    var lastRing: [Int32]
    static let unmet: (Int32, Int32) = (-1, -1)

    init(count: Int) {
        neighbours = Array(repeating: Self.unmet, count: count)
        junction = Array(repeating: false, count: count)
        lastRing = Array(repeating: 0, count: count)
    }
}

/// A hash of an arc that is the same for the arc reversed (for a closed arc, reversed and started
/// again at the same smallest point), so that one lookup finds a border walked either way.
private enum ArcKey {
    static func hash(_ arc: [GridPoint], closed: Bool) -> UInt64 {
        let n = arc.count
        var forward: UInt64 = closed ? 1 : 2, backward = forward
        for i in 0..<n {
            forward = mix(forward, arc[i].packed)
            backward = mix(backward, arc[closed ? (n - i) % n : n - 1 - i].packed)
        }
        return min(forward, backward) ^ UInt64(n)
    }

    @inline(__always) static func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        var x = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 31
        return x
    }

    /// Whether `stored` is `arc` reversed (a closed `arc` reversed keeps its first point).
    static func isReversal(_ stored: [GridPoint], of arc: [GridPoint], closed: Bool) -> Bool {
        let n = arc.count
        guard stored.count == n else { return false }
        for i in 0..<n where stored[i] != arc[closed ? (n - i) % n : n - 1 - i] { return false }
        return true
    }
}
