/// An RGB picture as a PNG whose image data is stored, not compressed: for handing pixels to
/// rsvg-convert inside an SVG (it is decoded at once; the PNG a user gets is rsvg-convert's own,
/// compressed). Eight bits per channel, no filter, deflate's stored blocks.
///
/// The PNG is made in one array of its final size, rows copied straight to their places between
/// the blocks' headers, and its two checksums taken eight bytes at a time: the picture is made
/// between the map's drawing and rsvg-convert's start, on one core that everything after waits for.
enum StoredPNG {
    /// The most bytes of one stored block.
    static let blockSize = 65_535

    static func encode(rgb: [UInt8], width: Int, height: Int) -> [UInt8] {
        precondition(rgb.count == width * height * 3, "StoredPNG: \(rgb.count) bytes for \(width) × \(height) RGB")
        let row = width * 3
        // The image data: each row after its filter byte (type None), in stored blocks of at most
        // `blockSize` bytes (one empty block when there is none), each after its 5-byte header.
        let raw = (row + 1) * height
        let blocks = max(1, (raw + blockSize - 1) / blockSize)
        let zlibCount = 2 + 5 * blocks + raw + 4
        let beforeIDAT = 8 + 8 + 13 + 4    // signature, IHDR's length, type, data and CRC
        let count = beforeIDAT + 8 + zlibCount + 4 + 12
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            var at = 0
            func put(_ bytes: [UInt8]) { for b in bytes { out[at] = b; at += 1 } }
            func put32(_ v: UInt32) { put([UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]) }
            put([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            put32(13)
            put(Array("IHDR".utf8))
            put32(UInt32(width)); put32(UInt32(height)); put([8, 2, 0, 0, 0])
            put32(crc32(UnsafeBufferPointer(rebasing: out[(at - 17)..<at])))
            put32(UInt32(zlibCount))
            let typeAt = at
            put(Array("IDAT".utf8))
            // zlib: header (deflate, 32 KB window, no preset dictionary, fastest), stored blocks, Adler-32.
            put([0x78, 0x01])
            var adler = Adler32()
            rgb.withUnsafeBufferPointer { rgb in
                var done = 0   // bytes of the image data written
                for b in 0..<blocks {
                    let n = min(blockSize, raw - done)
                    put([b == blocks - 1 ? 1 : 0, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)])
                    let start = at, end = at + n
                    while at < end {
                        let column = done % (row + 1)
                        if column == 0 {
                            out[at] = 0
                            at += 1; done += 1
                            continue
                        }
                        let take = min(end - at, row + 1 - column)
                        let from = done / (row + 1) * row + column - 1
                        UnsafeMutableRawPointer(out.baseAddress! + at).copyMemory(from: rgb.baseAddress! + from, byteCount: take)
                        at += take; done += take
                    }
                    adler.add(UnsafeBufferPointer(rebasing: out[start..<end]))
                }
            }
            put32(adler.value)
            put32(crc32(UnsafeBufferPointer(rebasing: out[typeAt..<at])))
            put32(0)
            put(Array("IEND".utf8))
            put32(crc32(UnsafeBufferPointer(rebasing: out[(at - 4)..<at])))
            precondition(at == count, "StoredPNG: \(at) bytes written of \(count)")
            initialized = count
        }
    }

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
