import FileCommit
import Foundation
import Geo

/// A 128-bit fingerprint of values fed word by word (two independent 64-bit lanes, each mixed by
/// the SplitMix64 finaliser). Not cryptographic: it tells a changed village or sector from an
/// unchanged one, where two different inputs meeting by chance (about 2⁻¹²⁸) is not a concern.
public struct Fingerprint: Hashable, Sendable {
    public var a: UInt64
    public var b: UInt64

    public init(a: UInt64, b: UInt64) { self.a = a; self.b = b }

    /// The fingerprint of nothing fed yet.
    public init() { a = 0x243f_6a88_85a3_08d3; b = 0x1319_8a2e_0370_7344 }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    public mutating func add(_ w: UInt64) {
        a = Self.mix(a ^ w)
        b = Self.mix(b &+ (w ^ 0x6a09_e667_f3bc_c908)) &* 0xff51_afd7_ed55_8ccd
    }

    /// The exact bits of a number (so 0.1 + 0.2 and 0.3 differ, as they do in the results).
    public mutating func add(_ d: Double) { add(d.bitPattern) }
    public mutating func add(_ i: Int) { add(UInt64(bitPattern: Int64(i))) }
    public mutating func add(_ c: Coordinate) { add(c.x); add(c.y) }

    /// The UTF-8 length, then the bytes eight at a time as little-endian words (the last padded with zeros).
    public mutating func add(_ s: String) {
        // Read in place where the string's bytes lie together (any native string), else from a copy.
        if s.utf8.withContiguousStorageIfAvailable({ add(utf8: $0) }) == nil {
            var s = s
            s.withUTF8 { add(utf8: $0) }
        }
    }

    private mutating func add(utf8 u: UnsafeBufferPointer<UInt8>) {
        add(u.count)
        var i = 0
        while i + 8 <= u.count {
            add(UInt64(littleEndian: UnsafeRawPointer(u.baseAddress! + i).loadUnaligned(as: UInt64.self)))
            i += 8
        }
        guard i < u.count else { return }
        var w: UInt64 = 0
        for k in 0..<(u.count - i) { w |= UInt64(u[i + k]) << UInt64(8 * k) }
        add(w)
    }

    /// A value that may be missing: a marker, then the value.
    public mutating func add(_ d: Double?) { if let d { add(1 as UInt64); add(d) } else { add(0 as UInt64) } }
    public mutating func add(_ s: String?) { if let s { add(1 as UInt64); add(s) } else { add(0 as UInt64) } }

    /// A ring or line: its count, then its numbers (`add(words:)`).
    public mutating func add(points: [Coordinate]) {
        add(points.count)
        points.withUnsafeBytes { add(words: $0) }
    }

    /// Bytes as 64-bit words (a whole number of them), read four lanes at a time as `FileDigest`
    /// reads a file (xxHash64's multiply–rotate round), the lanes then fed in turn: a third of the
    /// time of feeding each word, for the tens of millions of points whose prints a national
    /// `--since` run makes.
    public mutating func add(words raw: UnsafeRawBufferPointer) {
        let words = raw.count / 8
        var l0 = a, l1 = b, l2 = a ^ Self.lane, l3 = b &+ Self.lane
        var i = 0
        while i + 4 <= words {
            FileDigest.step(&l0, &l1, &l2, &l3, raw.baseAddress! + 8 * i)
            i += 4
        }
        if i > 0 { add(l0); add(l1); add(l2); add(l3) }
        while i < words { add(raw.load(fromByteOffset: 8 * i, as: UInt64.self)); i += 1 }
    }

    /// What two of the lanes start from beyond the fingerprint so far.
    private static let lane: UInt64 = 0x9e37_79b1_85eb_ca87

    public mutating func add(_ shape: Shape) {
        func ring(_ r: [Coordinate]) { add(points: r) }
        switch shape {
        case .point(let c): add(1); add(c)
        case .multiPoint(let cs): add(2); ring(cs)
        case .lineString(let cs): add(3); ring(cs)
        case .multiLineString(let ls): add(4); add(ls.count); ls.forEach(ring)
        case .polygon(let rs): add(5); add(rs.count); rs.forEach(ring)
        case .multiPolygon(let ps): add(6); add(ps.count); for p in ps { add(p.count); p.forEach(ring) }
        case .geometryCollection(let gs): add(7); add(gs.count); for g in gs { add(g) }
        }
    }

    public mutating func add(_ f: Fingerprint) { add(f.a); add(f.b) }

    /// 32 hex digits.
    public var hex: String { String(format: "%016llx%016llx", a, b) }
}

extension Fingerprint {
    /// Everything about a village that its coverage depends on: the polygon and the given centre.
    public static func geometry(of v: Village) -> Fingerprint {
        var f = Fingerprint()
        f.add(v.shape)
        if let c = v.center { f.add(1); f.add(c) } else { f.add(0) }
        return f
    }

    /// The village's other fields (names, administrative units, counts).
    public static func properties(of v: Village) -> Fingerprint {
        var f = Fingerprint()
        f.add(v.id); f.add(v.name); f.add(v.commune); f.add(v.district); f.add(v.province)
        f.add(v.population); f.add(v.households)
        return f
    }

    /// Every field of a sector (a row of the sites table).
    public static func sector(_ s: Sector) -> Fingerprint {
        var f = Fingerprint()
        f.add(s.siteID); f.add(s.operator); f.add(s.tech.rawValue); f.add(s.location)
        f.add(s.azimuth); f.add(s.beamwidth); f.add(s.radius); f.add(s.positionUncertainty)
        // The link budget's columns: a new antenna height or power changes the footprint.
        f.add(s.heightM); f.add(s.frequencyMHz); f.add(s.eirpDBm); f.add(s.environment?.rawValue)
        return f
    }
}

/// The first position of each fingerprint in a list: a table probed linearly, for the hundreds of
/// thousands of villages a `--since` run matches with the previous run's.
///
/// A fingerprint's bits are well mixed, but a side file could be written to hold fingerprints that
/// all start at one slot (a quadratic probe); as Swift's own dictionaries do, the slot is taken
/// from the bits mixed with a seed drawn for each table. What the table answers does not depend on it.
struct FirstIndex {
    private let prints: [Fingerprint]
    /// Positions in `prints`, -1 for an empty slot.
    private var slots: [Int32]
    private let mask: Int
    private let seed = UInt64.random(in: .min ... .max)

    private func start(_ f: Fingerprint) -> Int { Int(truncatingIfNeeded: Fingerprint.mix(f.a ^ seed) ^ f.b) & mask }

    init(_ prints: [Fingerprint]) {
        self.prints = prints
        var capacity = 16
        while capacity < 2 * prints.count { capacity *= 2 }
        mask = capacity - 1
        slots = [Int32](repeating: -1, count: capacity)
        for (i, f) in prints.enumerated() {
            var s = start(f)
            while slots[s] >= 0 && prints[Int(slots[s])] != f { s = (s + 1) & mask }
            if slots[s] < 0 { slots[s] = Int32(i) }
        }
    }

    subscript(_ f: Fingerprint) -> Int? {
        var s = start(f)
        while slots[s] >= 0 {
            if prints[Int(slots[s])] == f { return Int(slots[s]) }
            s = (s + 1) & mask
        }
        return nil
    }
}
