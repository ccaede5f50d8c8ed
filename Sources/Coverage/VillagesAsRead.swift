import FileCommit
import Foundation
import Geo
import Synchronization

/// The villages file as a run read it (its villages before `--centres`, and the reader's
/// warnings), kept in the side file: a `--since` run whose villages file and reading options are
/// unchanged takes its villages from there instead of parsing the file again (docs/incremental.md).
public struct VillagesAsRead: Sendable {
    /// What the villages read depend on (see `key(display:sha256:inputCRS:fieldNames:)`).
    public var key: String
    /// The reader's warnings about the file, in order.
    public var warnings: [String]
    public var villages: [Village]
    /// The side file's bytes for these villages (one part), when they were read from one: written again as they are.
    var encoded: EncodedParts?

    public init(key: String, warnings: [String], villages: [Village]) {
        self.key = key; self.warnings = warnings; self.villages = villages
    }

    /// SHA-256 of what decides the villages read from a file covgap parses itself: its SHA-256,
    /// the name warnings give it, `--input-crs` and the `--field` choices.
    public static func key(display: String, sha256: String, inputCRS: String?, fieldNames: FieldNames) -> String {
        var text = [display, sha256, inputCRS ?? ""]
        for (field, name) in fieldNames.chosen.sorted(by: { $0.key < $1.key }) { text += [field, name] }
        return SHA256.hex(Array(text.joined(separator: "\u{0}").utf8))
    }

    /// Villages per block of the side file: blocks are written and read on all cores.
    static let blockSize = 1024

    /// Whether `v`'s fields are ones the villages reader can have made: an id, the centre a lon/lat
    /// position and the counts non-negative numbers within `InputLimits.maxCount`. Villages taken
    /// from a side file skip the reader's checks, so a side file holding any other is damaged, and
    /// the villages file is read instead; their polygons are checked as they are read
    /// (`IncrementalState.Reader.keptPolygon()`).
    static func hasFieldsAsRead(_ v: Village) -> Bool {
        !v.id.isEmpty && (v.center.map(InputLoader.isLonLat) ?? true)
            && [v.population, v.households].allSatisfy({ $0.map { (0...InputLimits.maxCount).contains($0) } ?? true })
    }

    /// Whether `v` is a village the villages reader can have made: its fields as
    /// `hasFieldsAsRead(_:)` says, and a Polygon or MultiPolygon whose rings are closed and have
    /// four positions or more, every one a lon/lat position, that a UTM zone measures (what
    /// `IncrementalState.Reader.keptPolygon()` checks in a side file's bytes; this checks a polygon made).
    static func isAsRead(_ v: Village) -> Bool {
        let polygons: [[[Coordinate]]]
        switch v.shape {
        case .polygon(let rings): polygons = [rings]
        case .multiPolygon(let ps): polygons = ps
        default: return false
        }
        guard hasFieldsAsRead(v) else { return false }
        let rings = polygons.joined()
        guard rings.allSatisfy({ $0.count >= 4 && $0.first == $0.last && $0.allSatisfy(InputLoader.isLonLat) }) else { return false }
        return v.shape.bounds.map(InputLimits.isMeasurable) ?? true
    }
}

/// A village's polygon as a side file keeps it (`Writer.shape(_:compact: true)`), checked and
/// boxed when the side file was read, and decoded the first time it is asked for: a `--since` run
/// measures and draws few of the villages it takes from the side file, and making all their
/// rings cost a third of its reading and some 200 MB at 100,000 villages. One object a village,
/// its lock within it (a `Once` would be three: itself, its lock and the closure).
final class KeptShape: Sendable {
    let bounds: Bounds?
    private let bytes: KeptBytes
    private let range: Range<Int>
    private let made = Mutex<Shape?>(nil)

    /// `bytes`: the side file's bytes the villages' polygons lie in; `range`: this polygon's.
    init(bytes: KeptBytes, range: Range<Int>, bounds: Bounds?) {
        self.bounds = bounds
        self.bytes = bytes
        self.range = range
    }

    /// The polygon, decoded by the first thread that asks (the others wait for it).
    var shape: Shape {
        made.withLock { made in
            if let made { return made }
            var r = IncrementalState.Reader(bytes.bytes, at: range.lowerBound, end: range.upperBound)
            // The same bytes read the same way as when they were checked.
            guard let shape = try? r.shape(compact: true), r.at == range.upperBound else {
                preconditionFailure("a village polygon checked in the side file no longer decodes")
            }
            made = shape
            return shape
        }
    }

    /// Whether the polygon has been decoded (asked for).
    var isMade: Bool { made.withLock { $0 != nil } }
}

extension IncrementalState.Writer {
    /// The kept villages: key, warnings, count, then blocks of villages, each after its length in
    /// bytes. The bytes so far and each block go to `flush` as they are (no copy of the whole).
    mutating func villagesAsRead(_ kept: VillagesAsRead, flush: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        func send(_ block: UnsafeRawBufferPointer) throws {
            try bytes.withUnsafeBytes(flush)
            bytes.removeAll(keepingCapacity: true)
            try flush(block)
        }
        if let encoded = kept.encoded { try encoded.withPart(0, send); return }
        string(kept.key)
        varint(UInt64(kept.warnings.count))
        kept.warnings.forEach { string($0) }
        let villages = kept.villages
        varint(UInt64(villages.count))
        let size = VillagesAsRead.blockSize
        let blocks = concurrentMap((villages.count + size - 1) / size, chunk: 1) { b -> [UInt8] in
            var w = IncrementalState.Writer()
            for v in villages[(b * size)..<min(villages.count, (b + 1) * size)] { w.village(v) }
            return w.bytes
        }
        varint(UInt64(blocks.count))
        for b in blocks { varint(UInt64(b.count)); try b.withUnsafeBytes(send) }
    }

    mutating func village(_ v: Village) {
        string(v.id)
        string(v.name)
        let present = [v.commune != nil, v.district != nil, v.province != nil, v.population != nil, v.households != nil, v.center != nil]
        varint(present.enumerated().reduce(0) { $0 | ($1.element ? 1 << UInt64($1.offset) : 0) })
        for s in [v.commune, v.district, v.province] { if let s { string(s) } }
        for d in [v.population, v.households] { if let d { double(d) } }
        if let c = v.center { coordinate(c) }
        shape(v.shape, compact: true)
    }

    /// A ring's coordinates, exactly: read from text with a few decimals, every number is an
    /// integer m over 10^k (m / 10^k giving its very bits), and the ring is k then the differences
    /// of m from one number to the next of its axis (zigzag varints, about two bytes a number);
    /// otherwise k = 255 and the numbers' bits.
    mutating func compactRing(_ ring: [Coordinate]) {
        varint(UInt64(ring.count))
        guard !ring.isEmpty else { return }
        guard let k = CompactCoordinates.decimals(of: ring) else {
            bytes.append(CompactCoordinates.raw)
            ring.forEach { coordinate($0) }
            return
        }
        bytes.append(UInt8(k))
        let p = CompactCoordinates.powerOfTen[k]
        var lastX: Int64 = 0, lastY: Int64 = 0
        for c in ring {
            let x = Int64((c.x * p).rounded()), y = Int64((c.y * p).rounded())
            varint(CompactCoordinates.zigzag(x &- lastX))
            varint(CompactCoordinates.zigzag(y &- lastY))
            lastX = x; lastY = y
        }
    }
}

extension IncrementalState.Reader {
    mutating func villagesAsRead() throws -> VillagesAsRead {
        let start = at
        let key = try string()
        let warnings = try (0..<(try count())).map { _ in try string() }
        let villageCount = try count()
        var blocks: [Range<Int>] = []
        for _ in 0..<(try count()) {
            let n = try count()
            blocks.append(at..<(at + n))
            at += n
        }
        // Kept where they lie (`keep`); the villages' polygons are read from there when asked for.
        let encoded = keep([start..<at], from: start)
        let held = encoded.bytes, base = start - encoded.ranges[0].lowerBound
        // Block b holds villages b · blockSize and on, blockSize of them but for the last: each is
        // made in its place in the array (no copy of 100,000 villages' strings afterwards).
        let size = VillagesAsRead.blockSize
        guard blocks.count == (villageCount + size - 1) / size else { throw Self.damaged }
        let villages = try parallelMap(villageCount, jobs: defaultJobs, chunk: size, state: { nil as IncrementalState.Reader? }) { r, i -> Village in
            let b = i / size
            if r == nil { r = IncrementalState.Reader(held.bytes, shared: held, at: blocks[b].lowerBound - base, end: blocks[b].upperBound - base) }
            guard r!.at < r!.end else { throw Self.damaged }
            let v = try r!.village()
            guard VillagesAsRead.hasFieldsAsRead(v) else { throw Self.damaged }
            // A block's last village ends it.
            if (i + 1) % size == 0 || i + 1 == villageCount, r!.at != r!.end { throw Self.damaged }
            return v
        }.results
        // Every id once (read in place: a copy of each village is its strings retained and released).
        var ids = Set<String>(minimumCapacity: villages.count)
        for i in villages.indices where !ids.insert(villages[i].id).inserted { throw Self.damaged }
        var kept = VillagesAsRead(key: key, warnings: warnings, villages: villages)
        kept.encoded = encoded
        return kept
    }

    mutating func village() throws -> Village {
        let id = try string(), name = try string()
        let present = try varint()
        func has(_ bit: UInt64) -> Bool { present & (1 << bit) != 0 }
        let commune = has(0) ? try string() : nil
        let district = has(1) ? try string() : nil
        let province = has(2) ? try string() : nil
        let population = has(3) ? try double() : nil
        let households = has(4) ? try double() : nil
        let center = has(5) ? try coordinate() : nil
        let shapeStart = at
        let bounds = try keptPolygon()
        return Village(id: id, name: name, commune: commune, district: district, province: province,
                       population: population, households: households, center: center,
                       kept: KeptShape(bytes: shared!, range: shapeStart..<at, bounds: bounds))
    }

    /// Past a village's polygon as `shape(compact: true)` reads it, without making its rings: its
    /// lon/lat box (as `Shape.bounds` gives it; nil without positions). Damaged unless it is a
    /// polygon the villages reader can have made: a Polygon or MultiPolygon whose rings are closed
    /// and have four positions or more, every one a lon/lat position, that a UTM zone measures.
    mutating func keptPolygon() throws -> Bounds? {
        var box: Bounds?
        func polygon(_ r: inout Self) throws {
            for _ in 0..<(try r.count()) { try r.keptRing(into: &box) }
        }
        switch try varint() {
        case 5: try polygon(&self)
        case 6: for _ in 0..<(try count()) { try polygon(&self) }
        default: throw Self.damaged
        }
        if let box, !InputLimits.isMeasurable(box) { throw Self.damaged }
        return box
    }

    /// Past a ring as `compactRing()` reads it, checked as `keptPolygon()` says, `box` grown by its positions.
    mutating func keptRing(into box: inout Bounds?) throws {
        let n = try count()
        guard n >= 4, at < end else { throw Self.damaged }
        let k = Int(bytes[at])
        at += 1
        func grow(_ c: Coordinate) {
            if box == nil { box = Bounds(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } else { box!.expand(to: c) }
        }
        if k == Int(CompactCoordinates.raw) {
            let ring = try (0..<n).map { _ in try coordinate() }
            guard ring.allSatisfy(InputLoader.isLonLat), ring.first == ring.last else { throw Self.damaged }
            ring.forEach(grow)
            return
        }
        guard k < CompactCoordinates.powerOfTen.count else { throw Self.damaged }
        let p = CompactCoordinates.powerOfTen[k]
        // As `compactRing()` reads them, with one view of the bytes, but checked and boxed as the
        // integers m they are: m / 10^k is a longitude when |m| <= 180 · 10^k, and distinct
        // integers give distinct numbers (10^-k apart, well above their precision on the globe),
        // so no number need be made but the box's corners.
        let scale = Int64(p), limitX = 180 * scale, limitY = 90 * scale
        var next = at
        let end = self.end
        var x: Int64 = 0, y: Int64 = 0
        var low = (x: Int64.max, y: Int64.max), high = (x: Int64.min, y: Int64.min), first = (x: Int64(0), y: Int64(0))
        let bp = bytes
        for i in 0..<n {
            x = x &+ CompactCoordinates.unzigzag(try Self.varint(in: bp, at: &next, end: end))
            y = y &+ CompactCoordinates.unzigzag(try Self.varint(in: bp, at: &next, end: end))
            guard -limitX...limitX ~= x, -limitY...limitY ~= y else { throw Self.damaged }
            if i == 0 { first = (x, y) }
            low = (min(low.x, x), min(low.y, y)); high = (max(high.x, x), max(high.y, y))
        }
        at = next
        guard first == (x, y) else { throw Self.damaged }
        grow(Coordinate(Double(low.x) / p, Double(low.y) / p))
        grow(Coordinate(Double(high.x) / p, Double(high.y) / p))
    }

    mutating func compactRing() throws -> [Coordinate] {
        let n = try count()
        guard n > 0 else { return [] }
        guard at < end else { throw Self.damaged }
        let k = Int(bytes[at])
        at += 1
        if k == Int(CompactCoordinates.raw) { return try (0..<n).map { _ in try coordinate() } }
        guard k < CompactCoordinates.powerOfTen.count else { throw Self.damaged }
        let p = CompactCoordinates.powerOfTen[k]
        // The side file's largest part: its varints read from one view of the bytes. (No local
        // function reads them: one capturing `at` would box it and check every access at run time.)
        let b = bytes, end = self.end
        var next = at
        var x: Int64 = 0, y: Int64 = 0
        let ring = try [Coordinate](unsafeUninitializedCapacity: n) { out, made in
            while made < n {
                x = x &+ CompactCoordinates.unzigzag(try Self.varint(in: b, at: &next, end: end))
                y = y &+ CompactCoordinates.unzigzag(try Self.varint(in: b, at: &next, end: end))
                out[made] = Coordinate(Double(x) / p, Double(y) / p)
                made += 1
            }
        }
        at = next
        return ring
    }
}

/// Coordinates as integers over a power of ten (see `IncrementalState.Writer.compactRing`).
enum CompactCoordinates {
    /// 10^0 … 10^12: each exact, and 180 · 10^12 well inside the 2^53 a Double holds exactly.
    static let powerOfTen: [Double] = (0...12).map { pow(10, Double($0)) }
    /// The mark of a ring kept as the numbers' bits.
    static let raw: UInt8 = 255

    /// Decimals k at which every number of `ring` is m / 10^k for an integer m, to the bit (six,
    /// the usual precision of lon/lat text, tried first, then the fewest); nil when none serves.
    static func decimals(of ring: [Coordinate]) -> Int? {
        if fits(ring, 6) { return 6 }
        return powerOfTen.indices.first { $0 != 6 && fits(ring, $0) }
    }

    static func fits(_ ring: [Coordinate], _ k: Int) -> Bool {
        let p = powerOfTen[k]
        func exact(_ v: Double) -> Bool {
            let m = (v * p).rounded()
            // Through an integer, as the reader makes it (-0.0 becomes 0 there, so it fails here).
            return abs(m) < 9.0e15 && (Double(Int64(m)) / p).bitPattern == v.bitPattern
        }
        return ring.allSatisfy { exact($0.x) && exact($0.y) }
    }

    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }
}
