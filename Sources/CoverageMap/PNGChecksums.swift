/// The two checksums of a PNG: Adler-32 of the image data's zlib stream (RFC 1950) and CRC-32 of
/// each chunk (ISO 3309), eight bytes at a time: a national picture's are taken over 16 MB.
enum PNGChecksums {
    /// Adler-32 (RFC 1950) of bytes given in pieces.
    struct Adler32 {
        private var a: UInt32 = 1, b: UInt32 = 0

        var value: UInt32 { b << 16 | a }

        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            var i = 0
            while i < bytes.count {
                // 5,552 bytes is the most that cannot overflow 32 bits before the modulo.
                let end = min(i + 5_552, bytes.count)
                while i + 8 <= end {
                    a &+= UInt32(bytes[i]); b &+= a
                    a &+= UInt32(bytes[i + 1]); b &+= a
                    a &+= UInt32(bytes[i + 2]); b &+= a
                    a &+= UInt32(bytes[i + 3]); b &+= a
                    a &+= UInt32(bytes[i + 4]); b &+= a
                    a &+= UInt32(bytes[i + 5]); b &+= a
                    a &+= UInt32(bytes[i + 6]); b &+= a
                    a &+= UInt32(bytes[i + 7]); b &+= a
                    i += 8
                }
                while i < end { a &+= UInt32(bytes[i]); b &+= a; i += 1 }
                a %= 65_521; b %= 65_521
            }
        }
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var sum = Adler32()
        bytes.withUnsafeBufferPointer { sum.add($0) }
        return sum.value
    }

    /// CRC-32 tables for eight bytes at a time ("slicing by eight"): table k gives the CRC of a
    /// byte followed by k zero bytes.
    private static let crcTables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let c = t[(k - 1) * 256 + n]
                t[k * 256 + n] = t[Int(c & 0xFF)] ^ (c >> 8)
            }
        }
        return t
    }()

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { crc32($0) }
    }

    static func crc32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        crcTables.withUnsafeBufferPointer { t in
            var c: UInt32 = 0xFFFF_FFFF
            var i = 0
            guard let p = bytes.baseAddress else { return 0 }
            while i + 8 <= bytes.count {
                let lo = c ^ UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self).littleEndian
                let hi = UnsafeRawPointer(p + i + 4).loadUnaligned(as: UInt32.self).littleEndian
                c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < bytes.count {
                c = t[Int((c ^ UInt32(p[i])) & 0xFF)] ^ (c >> 8)
                i += 1
            }
            return c ^ 0xFFFF_FFFF
        }
    }
}
