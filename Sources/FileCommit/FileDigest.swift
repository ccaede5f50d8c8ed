#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 128-bit digest of a file covgap wrote, to tell later whether it is still byte for byte as
/// written (a `--since` run copies text out of the previous report files only then).
///
/// Not cryptographic: it guards against files edited, cut short or damaged since, not against
/// someone forging one (who could as well rewrite the side file that holds the digest). Four
/// 64-bit lanes take 32 bytes per step with the multiply–rotate round of xxHash64, so that it
/// reads several gigabytes a second, against about one and a half for SHA-256 with the
/// processor's SHA instructions; two finalisations of the lanes give the two halves.
public struct FileDigest {
    @usableFromInline static let p1: UInt64 = 0x9E37_79B1_85EB_CA87, p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let p3: UInt64 = 0x1656_67B1_9E37_79F9, p4: UInt64 = 0x85EB_CA77_C2B2_AE63, p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var v1 = p1 &+ p2, v2 = p2, v3: UInt64 = 0, v4: UInt64 = 0 &- p1
    /// Bytes not yet taken in a step (fewer than 32), in `tail[0..<pending]`.
    private var tail = [UInt8](repeating: 0, count: 32)
    private var pending = 0
    private var total: UInt64 = 0

    public init() {}

    @inlinable @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    /// One step: the four lanes each take one of the 32 bytes' little-endian words (a `Fingerprint`
    /// of many numbers reads them so too).
    @inlinable @inline(__always) public static func step(_ a: inout UInt64, _ b: inout UInt64, _ c: inout UInt64, _ d: inout UInt64, _ p: UnsafeRawPointer) {
        a = round(a, word(p, 0)); b = round(b, word(p, 8)); c = round(c, word(p, 16)); d = round(d, word(p, 24))
    }

    @inlinable @inline(__always) static func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var n = bytes.count
        total &+= UInt64(n)
        if pending > 0 {
            let take = min(n, 32 - pending)
            tail.withUnsafeMutableBytes { t in (t.baseAddress! + pending).copyMemory(from: p, byteCount: take) }
            pending += take; p += take; n -= take
            guard pending == 32 else { return }
            tail.withUnsafeBytes { t in Self.step(&v1, &v2, &v3, &v4, t.baseAddress!) }
            pending = 0
        }
        var a = v1, b = v2, c = v3, d = v4
        while n >= 32 {
            Self.step(&a, &b, &c, &d, p)
            p += 32; n -= 32
        }
        v1 = a; v2 = b; v3 = c; v4 = d
        if n > 0 {
            tail.withUnsafeMutableBytes { t in t.baseAddress!.copyMemory(from: p, byteCount: n) }
            pending = n
        }
    }

    @inlinable @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    static func merge(_ h: UInt64, _ v: UInt64) -> UInt64 { (h ^ round(0, v)) &* p1 &+ p4 }

    static func avalanche(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33; h = h &* p2
        h ^= h >> 29; h = h &* p3
        return h ^ (h >> 32)
    }

    /// The digest as 32 lowercase hex digits.
    public func finish() -> String {
        // Two ways of folding the lanes, then the length and the bytes left over.
        var h1 = Self.rotl(v1, 1) &+ Self.rotl(v2, 7) &+ Self.rotl(v3, 12) &+ Self.rotl(v4, 18)
        var h2 = Self.rotl(v4, 5) &+ Self.rotl(v3, 11) &+ Self.rotl(v2, 23) &+ Self.rotl(v1, 41)
        for v in [v1, v2, v3, v4] { h1 = Self.merge(h1, v) }
        for v in [v4, v3, v2, v1] { h2 = Self.merge(h2, v) }
        h1 &+= total
        h2 ^= total &* Self.p5
        var k = 0
        while k < pending {
            var w: UInt64 = 0
            for j in 0..<min(8, pending - k) { w |= UInt64(tail[k + j]) << UInt64(8 * j) }
            h1 = Self.rotl(h1 ^ Self.round(0, w), 27) &* Self.p1 &+ Self.p4
            h2 = Self.rotl(h2 ^ Self.round(Self.p5, w), 31) &* Self.p2 &+ Self.p3
            k += 8
        }
        // The second half takes the first in, so that the halves are not independent digests.
        let first = Self.avalanche(h1)
        var out: [UInt8] = []
        for h in [first, Self.avalanche(h2 ^ first)] {
            for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: h >> UInt64(s))) }
        }
        return SHA256.lowercaseHex(out)
    }

    /// The digest of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        var d = FileDigest()
        bytes.withUnsafeBytes { d.update($0) }
        return d.finish()
    }

    /// The digest of what `fd` reads from its current offset to the end, four megabytes at a
    /// time; nil when a read fails.
    public static func hex(ofDescriptor fd: Int32) -> String? {
        var d = FileDigest()
        return readChunks(of: fd, size: 1 << 22) { d.update($0) } ? d.finish() : nil
    }
}
