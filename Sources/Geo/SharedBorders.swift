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
    /// arc references that trace it in order. The work is shared among `jobs` threads; the arcs do
    /// not depend on how many.
    public static func build(_ paths: [[Path]], jobs: Int = defaultJobs) -> (SharedBorders, [[[Ref]]]) {
        // Every point's number among the distinct points, then per distinct point the neighbours
        // it was first met with (an unordered pair of numbers) and whether it is a junction. A
        // junction does not depend on the order the points are met: some occurrence has other
        // neighbours, or ends a line.
        let flat = paths.flatMap { $0 }
        var starts: [Int] = [], total = 0
        for path in flat { starts.append(total); total += path.points.count }
        let (numbers, distinct) = PointNumbers.numbered(paths, jobs: jobs)
        return numbers.withUnsafeBufferPointer { all in
            func numbersOf(_ k: Int) -> UnsafeBufferPointer<Int32> {
                UnsafeBufferPointer(rebasing: all[starts[k]..<(starts[k] + flat[k].points.count)])
            }
            var points = PointFacts(count: distinct)
            points.neighbours.withUnsafeMutableBufferPointer { neighbours in
                points.junction.withUnsafeMutableBufferPointer { junction in
                    // Each core keeps the facts of a share of the numbers, meeting its points in
                    // the order one pass would: the same first neighbours, the same junctions.
                    let shares = max(1, min(jobs, distinct))
                    _ = concurrentMap(shares, jobs: jobs, chunk: 1) { s in
                        let low = Int32(distinct * s / shares), high = Int32(distinct * (s + 1) / shares)
                        for k in flat.indices {
                            let ns = numbersOf(k), isRing = flat[k].isRing
                            let n = ns.count
                            for i in 0..<n where ns[i] >= low && ns[i] < high {
                                let p = Int(ns[i])
                                var a: Int32, b: Int32
                                if isRing {
                                    a = ns[i == 0 ? n - 1 : i - 1]; b = ns[i == n - 1 ? 0 : i + 1]
                                } else {
                                    if i == 0 || i == n - 1 { junction[p] = true; continue }
                                    a = ns[i - 1]; b = ns[i + 1]
                                }
                                if a > b { swap(&a, &b) }
                                if neighbours[p] == PointFacts.unmet {
                                    neighbours[p] = (a, b)
                                } else if neighbours[p] != (a, b) {
                                    junction[p] = true
                                }
                            }
                        }
                    }
                }
            }
            // The paths are cut into pieces on all cores, a batch at a time, each core with its own
            // record of the last ring that met a point; the pieces become arcs in the paths' order.
            var borders = SharedBorders()
            var refs: [[Ref]] = []
            refs.reserveCapacity(flat.count)
            let lanes = max(1, jobs)
            var lastRing = (0..<lanes).map { _ in [Int32](repeating: 0, count: distinct) }
            let junction = points.junction
            var batch = 0
            while batch < flat.count {
                // About 65,000 points a batch.
                var end = batch, batchPoints = 0
                while end < flat.count && (end == batch || batchPoints < 65_536) { batchPoints += flat[end].points.count; end += 1 }
                let first = batch, count = end - batch
                let pieces = lastRing.withUnsafeMutableBufferPointer { lastRing in
                    concurrentMap(lanes, jobs: jobs, chunk: 1) { lane in
                        (first + count * lane / lanes ..< first + count * (lane + 1) / lanes).map { k in
                            Self.pieces(of: flat[k], numbers: numbersOf(k), junction: junction,
                                        lastRing: &lastRing[lane], ring: Int32(k + 1))
                        }
                    }
                }
                for lane in pieces { for path in lane { refs.append(path.map { borders.add($0.points, closed: $0.closed, key: $0.key) }) } }
                batch = end
            }
            var k = 0
            return (borders, paths.map { shape in shape.map { _ in defer { k += 1 }; return refs[k] } })
        }
    }

    /// A piece of a path between two cuts, with its `ArcKey`.
    private struct Piece {
        var points: [GridPoint]
        var closed: Bool
        var key: UInt64
        init(_ points: [GridPoint], closed: Bool) {
            self.points = points
            self.closed = closed
            key = ArcKey.hash(points, closed: closed)
        }
    }

    /// `path` cut at its junctions (and a ring also where it meets a point again), in order.
    private static func pieces(of path: Path, numbers: UnsafeBufferPointer<Int32>, junction: [Bool],
                               lastRing: inout [Int32], ring: Int32) -> [Piece] {
        let ps = path.points
        guard !ps.isEmpty else { return [] }
        if !path.isRing {
            if ps.count < 2 { return [] }
            var out: [Piece] = [], from = 0
            for i in 1..<ps.count where i == ps.count - 1 || junction[Int(numbers[i])] {
                out.append(Piece(Array(ps[from...i]), closed: false))
                from = i
            }
            return out
        }
        // A point met twice in the same ring is a junction too (each point remembers the last ring
        // that met it).
        var cuts: [Int] = []
        for i in ps.indices {
            let p = Int(numbers[i])
            if junction[p] || lastRing[p] == ring { cuts.append(i) } else { lastRing[p] = ring }
        }
        if cuts.isEmpty {
            // One closed arc, started at its smallest point.
            let start = ps.indices.min(by: { ps[$0] < ps[$1] })!
            return [Piece(Array(ps[start...] + ps[..<start]), closed: true)]
        }
        // Split the ring at every junction (and repeated point); the last piece returns to the first cut.
        let rotated = Array(ps[cuts[0]...] + ps[..<cuts[0]]) + [ps[cuts[0]]]
        var isCut = [Bool](repeating: false, count: rotated.count)
        for c in cuts { isCut[(c - cuts[0] + ps.count) % ps.count] = true }
        isCut[rotated.count - 1] = true
        var out: [Piece] = []
        var from = 0
        for i in 1..<rotated.count where isCut[i] {
            out.append(Piece(Array(rotated[from...i]), closed: false))
            from = i
        }
        return out
    }

    /// The reference of `arc`, adding it when it is new: an arc equal to a known one is that arc,
    /// an arc equal to a known one reversed (for a closed arc: reversed and started again at its
    /// smallest point, which a closed arc starts at) is that arc backwards.
    private mutating func add(_ arc: [GridPoint], closed isClosed: Bool, key: UInt64) -> Ref {
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

    /// The first `count` arcs (all by default) thinned by Douglas–Peucker to `tolerance` grid units,
    /// keeping each arc's ends (so that a shared border stays shared); an open arc keeps at least
    /// `minimumOpen` points (3 for arcs of rings with fewer than three arcs, so that no ring
    /// collapses), a closed arc at least 3. An arc is thinned walked in one direction whichever way
    /// it was stored (an open arc from its smaller end; a closed arc, which starts at its smallest
    /// point, towards the smaller of that point's two neighbours), so that the same border stored
    /// by two sets of paths, either way round, keeps the same points.
    public func thinned(tolerance: Double, minimumOpen: [Int], count: Int? = nil, jobs: Int = defaultJobs) -> [[GridPoint]] {
        let count = count ?? arcs.count
        if tolerance <= 0 { return Array(arcs[..<count]) }
        return concurrentMap(count, jobs: jobs, chunk: 512) { i in
            let stored = arcs[i]
            let n = stored.count
            if closed[i] {
                guard n > 3 else { return stored }
                let backwards = stored[n - 1] < stored[1]
                let a = backwards ? [stored[0]] + stored[1...].reversed() : stored
                // Split at the point farthest from the start (the first of equals), thin both halves.
                var far = 0
                for k in 1..<n where d2(a[0], a[k]) > d2(a[0], a[far]) { far = k }
                let ring = a + [a[0]]
                var keep = douglasPeucker(ring, tolerance: tolerance, from: 0, to: far)
                keep.append(contentsOf: douglasPeucker(ring, tolerance: tolerance, from: far, to: ring.count - 1).dropFirst())
                keep.removeLast()
                if keep.count < 3 { return stored }
                let kept = keep.map { ring[$0] }
                return backwards ? [kept[0]] + kept[1...].reversed() : kept
            }
            let backwards = stored[n - 1] < stored[0] || (stored[n - 1] == stored[0] && n > 2 && stored[n - 2] < stored[1])
            let a = backwards ? Array(stored.reversed()) : stored
            var kept: [GridPoint]
            let keep = douglasPeucker(a, tolerance: tolerance, from: 0, to: n - 1)
            if keep.count < min(minimumOpen[i], n) {
                // Keep the farthest point from the chord as well (the first of equals).
                guard n > 2 else { return stored }
                var far = 1
                for k in 2..<(n - 1) where chordDistance2(a[k], a[0], a[n - 1]) > chordDistance2(a[far], a[0], a[n - 1]) { far = k }
                kept = [a[0], a[far], a[n - 1]]
            } else {
                kept = keep.map { a[$0] }
            }
            return backwards ? kept.reversed() : kept
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
///
/// The sort works on all cores and mostly in the cache: one pass deals the codes into 2,048
/// buckets by their highest 11 differing bits (each core counting and dealing its share of the
/// codes), and each bucket, a patch of the map, is then sorted on its own by the bits below (its
/// codes and their places fit in the cache), the buckets shared among the cores. The numbers are
/// the codes' ranks, so they do not depend on how the work was shared.
enum PointNumbers {
    /// Every point of `paths` by its number, in order, and how many distinct points there are.
    static func numbered(_ paths: [[SharedBorders.Path]], jobs: Int = defaultJobs) -> (numbers: [Int32], distinct: Int) {
        // Each shape's first point among all, so that the shapes' codes are made on all cores.
        var firstPoint: [Int] = [], total = 0
        firstPoint.reserveCapacity(paths.count)
        for shape in paths { firstPoint.append(total); for path in shape { total += path.points.count } }
        // No points: no array made in place (one of no capacity is Swift's shared empty storage,
        // whose count such a making sets, a write ThreadSanitizer sees racing other threads' reads).
        guard total > 0 else { return ([], 0) }
        var keys = [UInt64](unsafeUninitializedCapacity: total) { codes, made in
            _ = concurrentMap(paths.count, jobs: jobs, chunk: 256) { s in
                var at = firstPoint[s]
                for path in paths[s] { for point in path.points { codes[at] = morton(point); at += 1 } }
            }
            made = total
        }
        return numbered(codes: &keys, jobs: jobs)
    }

    /// The numbers of `keys` (sorted on the way).
    static func numbered(codes keys: inout [UInt64], jobs: Int = defaultJobs) -> (numbers: [Int32], distinct: Int) {
        let n = keys.count
        guard let first = keys.first else { return ([], 0) }
        // The codes split into shares of at least 65,536 codes, four per core: a core that comes
        // free from other work while the others are dealing (each first touch of the dealt arrays
        // is a fresh page the kernel zeroes) takes the shares left.
        let shares = max(1, min(4 * jobs, n >> 16))
        func share(_ s: Int) -> Range<Int> { (n * s / shares)..<(n * (s + 1) / shares) }
        let differing = keys.withUnsafeBufferPointer { k in
            concurrentMap(shares, jobs: jobs, chunk: 1) { s in share(s).reduce(UInt64(0)) { $0 | (k[$1] ^ first) } }.reduce(0, |)
        }
        if differing == 0 { return ([Int32](repeating: 0, count: n), 1) }
        // The bucket of a code: its highest `digitBits` differing bits.
        let shift = UInt64(max(0, 63 - differing.leadingZeroBitCount - (digitBits - 1)))
        let low = shift == 0 ? 0 : differing & ((1 << shift) - 1)
        @inline(__always) func bucket(_ k: UInt64) -> Int { Int((k >> shift) & digitMask) }
        // Dealt codes and their places; then each bucket's scratch is its stretch of `keys` and of
        // the numbers, which get the numbers once every bucket is sorted.
        let d = UnsafeMutablePointer<UInt64>.allocate(capacity: n), o = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer { d.deallocate(); o.deallocate() }
        var distinct = 0
        let numbers = keys.withUnsafeMutableBufferPointer { keysBuffer in
            [Int32](unsafeUninitializedCapacity: n) { numbersBuffer, made in
                let k = keysBuffer.baseAddress!, out = numbersBuffer.baseAddress!
                // Each share's count per bucket, then where its codes of each bucket go.
                let counts = concurrentMap(shares, jobs: jobs, chunk: 1) { s -> [Int] in
                    var c = [Int](repeating: 0, count: digits)
                    for i in share(s) { c[bucket(k[i])] += 1 }
                    return c
                }
                var starts = [Int](repeating: 0, count: digits + 1)
                var places = [[Int]](repeating: [Int](repeating: 0, count: digits), count: shares)
                var at = 0
                for b in 0..<digits {
                    starts[b] = at
                    for s in 0..<shares { places[s][b] = at; at += counts[s][b] }
                }
                starts[digits] = n
                _ = concurrentMap(shares, jobs: jobs, chunk: 1) { [places] s in
                    var place = places[s]
                    for i in share(s) {
                        let b = bucket(k[i]), to = place[b]
                        d[to] = k[i]
                        o[to] = Int32(i)
                        place[b] = to + 1
                    }
                }
                // Each bucket sorted by the bits below, ending in `keys` and `o`; its distinct codes.
                let distinctIn = concurrentMap(digits, jobs: jobs, chunk: 16) { [starts] b -> Int in
                    let lo = starts[b], count = starts[b + 1] - lo
                    guard count > 0 else { return 0 }
                    sortBucket(d + lo, o + lo, scratch: k + lo, out + lo, count: count, bits: low)
                    var distinct = 1
                    for i in (lo + 1)..<(lo + count) where k[i] != k[i - 1] { distinct += 1 }
                    return distinct
                }
                var firstNumber = [Int](repeating: 0, count: digits)
                for b in 0..<digits { firstNumber[b] = distinct; distinct += distinctIn[b] }
                _ = concurrentMap(digits, jobs: jobs, chunk: 16) { [starts, firstNumber] b in
                    let lo = starts[b], hi = starts[b + 1]
                    guard hi > lo else { return }
                    var number = Int32(firstNumber[b])
                    out[Int(o[lo])] = number
                    for i in (lo + 1)..<hi {
                        if k[i] != k[i - 1] { number += 1 }
                        out[Int(o[i])] = number
                    }
                }
                made = n
            }
        }
        return (numbers, distinct)
    }

    /// 11 bits a digit: 2,048 counters stay in the first-level cache, and as many places are
    /// written to at once.
    private static let digitBits = 11
    private static let digits = 1 << digitBits
    private static let digitMask = UInt64(digits - 1)

    /// Sorts `count` codes at `keys` (and their places at `order`) by the bits set in `bits`:
    /// least significant digit first, digits in which no code of the bucket differs skipped; a
    /// bucket of a few codes by insertion. The sorted codes end at `scratch`, their places at
    /// `order`; `scratchOrder` is room for the places.
    private static func sortBucket(_ keys: UnsafeMutablePointer<UInt64>, _ order: UnsafeMutablePointer<Int32>,
                                   scratch: UnsafeMutablePointer<UInt64>, _ scratchOrder: UnsafeMutablePointer<Int32>,
                                   count n: Int, bits: UInt64) {
        if n <= 32 {
            for i in 1..<max(1, n) {
                let key = keys[i], place = order[i]
                var j = i
                while j > 0 && keys[j - 1] > key { keys[j] = keys[j - 1]; order[j] = order[j - 1]; j -= 1 }
                keys[j] = key; order[j] = place
            }
            scratch.update(from: keys, count: n)
            return
        }
        var differing: UInt64 = 0
        for i in 1..<n { differing |= keys[i] ^ keys[0] }
        differing &= bits
        var (fromKeys, fromOrder, toKeys, toOrder) = (keys, order, scratch, scratchOrder)
        var counts = [Int](repeating: 0, count: digits)
        counts.withUnsafeMutableBufferPointer { c in
            for shift in stride(from: UInt64(0), to: 64, by: digitBits) where (differing >> shift) & digitMask != 0 {
                for i in 0..<digits { c[i] = 0 }
                for i in 0..<n { c[Int((fromKeys[i] >> shift) & digitMask)] += 1 }
                var sum = 0
                for i in 0..<digits { let count = c[i]; c[i] = sum; sum += count }
                for i in 0..<n {
                    let digit = Int((fromKeys[i] >> shift) & digitMask), at = c[digit]
                    toKeys[at] = fromKeys[i]
                    toOrder[at] = fromOrder[i]
                    c[digit] = at + 1
                }
                swap(&fromKeys, &toKeys)
                swap(&fromOrder, &toOrder)
            }
        }
        // Codes to `scratch`, places to `order`, whichever side the last pass left them on.
        if fromKeys != scratch { scratch.update(from: fromKeys, count: n) }
        if fromOrder != order { order.update(from: fromOrder, count: n) }
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
    static let unmet: (Int32, Int32) = (-1, -1)

    init(count: Int) {
        neighbours = Array(repeating: Self.unmet, count: count)
        junction = Array(repeating: false, count: count)
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
