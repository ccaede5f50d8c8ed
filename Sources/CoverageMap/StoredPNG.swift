/// An RGB picture as a PNG whose image data is stored, not compressed: for handing pixels to
/// rsvg-convert inside an SVG (it is decoded at once; the PNG a user gets is rsvg-convert's own,
/// compressed). Eight bits per channel, no filter, deflate's stored blocks.
enum StoredPNG {
    static func encode(rgb: [UInt8], width: Int, height: Int) -> [UInt8] {
        precondition(rgb.count == width * height * 3, "StoredPNG: \(rgb.count) bytes for \(width) × \(height) RGB")
        let row = width * 3
        var raw: [UInt8] = []
        raw.reserveCapacity((row + 1) * height)
        for y in 0..<height {
            raw.append(0)   // filter type None
            raw.append(contentsOf: rgb[(y * row)..<((y + 1) * row)])
        }
        // zlib: header (deflate, 32 KB window, no preset dictionary, fastest), stored blocks, Adler-32.
        var z: [UInt8] = [0x78, 0x01]
        z.reserveCapacity(raw.count + raw.count / 65_535 * 5 + 16)
        var at = 0
        repeat {
            let n = min(65_535, raw.count - at)
            z.append(at + n == raw.count ? 1 : 0)
            z += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            z.append(contentsOf: raw[at..<(at + n)])
            at += n
        } while at < raw.count
        z += bigEndian(adler32(raw))

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0], into: &png)
        chunk("IDAT", z, into: &png)
        chunk("IEND", [], into: &png)
        return png
    }

    private static func chunk(_ type: String, _ data: [UInt8], into png: inout [UInt8]) {
        png += bigEndian(UInt32(data.count))
        let start = png.count
        png += Array(type.utf8)
        png += data
        png += bigEndian(crc32(png[start...]))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var i = 0
        while i < bytes.count {
            // 5,552 bytes is the most that cannot overflow 32 bits before the modulo.
            let end = min(i + 5_552, bytes.count)
            while i < end { a &+= UInt32(bytes[i]); b &+= a; i += 1 }
            a %= 65_521; b %= 65_521
        }
        return b << 16 | a
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
