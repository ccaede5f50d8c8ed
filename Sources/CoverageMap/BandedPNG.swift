import Coverage

/// report.png as covgap writes it: 8-bit RGB, not interlaced, its rows in bands, each band filtered
/// and compressed on its own (`Deflate.band`) into an IDAT chunk of its own. The zlib stream's
/// header has a chunk of its own before the bands, and its end (the last, empty block and the
/// Adler-32 of every band's filtered rows) one after them. A band's chunk depends on its pixels
/// alone, so a picture whose band did not change can take that chunk, byte for byte, from the
/// previous picture; only the checksum at the end is made from every band's (kept with it).
enum BandedPNG {
    /// One band of rows, compressed: its IDAT chunk whole (length, type, data, CRC) and the
    /// Adler-32 and byte count of its filtered rows.
    struct Band: Sendable, Equatable {
        var chunk: [UInt8]
        var adler: UInt32
        var rawCount: Int
    }

    /// The band of `rows` rows of `rgb` (three bytes a pixel, `width` pixels a row). Each row has
    /// the filter that leaves the smallest sum of its bytes taken as signed (PNG's own advice) of
    /// None, Sub and Up; the first row looks at no row above it (None or Sub). Paeth is not tried:
    /// on a national map it made the PNG larger (9.10 MB against 9.05) and a fifth slower.
    static func band(rgb: UnsafeBufferPointer<UInt8>, width: Int, rows: Int) -> Band {
        let stride = width * 3, line = stride + 1
        precondition(rgb.count == stride * rows, "BandedPNG: \(rgb.count) bytes for \(rows) rows of \(width) pixels")
        var filtered = [UInt8](repeating: 0, count: line * rows)
        filtered.withUnsafeMutableBufferPointer { out in
            @inline(__always) func size(_ byte: UInt8) -> Int { Int(Int8(bitPattern: byte).magnitude) }
            for r in 0..<rows {
                let row = rgb.baseAddress! + r * stride
                let target = out.baseAddress! + r * line
                // The three sums in one pass; the first row's Up is not tried.
                var none = 0, sub = 0, up = Int.max
                let first = min(3, stride)
                if r == 0 {
                    for i in 0..<first { none += size(row[i]); sub += size(row[i]) }
                    for i in first..<stride {
                        none += size(row[i])
                        sub += size(row[i] &- row[i - 3])
                    }
                } else {
                    let above = row - stride
                    up = 0
                    // The first pixel has none to its left.
                    for i in 0..<first {
                        none += size(row[i]); sub += size(row[i]); up += size(row[i] &- above[i])
                    }
                    for i in first..<stride {
                        let x = row[i]
                        none += size(x); sub += size(x &- row[i - 3]); up += size(x &- above[i])
                    }
                }
                var filter: UInt8 = 0, best = none
                if sub < best { filter = 1; best = sub }
                if up < best { filter = 2 }
                target[0] = filter
                for i in 0..<stride {
                    let x = row[i], a = i >= 3 ? row[i - 3] : 0
                    switch filter {
                    case 1: target[1 + i] = x &- a
                    case 2: target[1 + i] = x &- row[i - stride]
                    default: target[1 + i] = x
                    }
                }
            }
        }
        return filtered.withUnsafeBufferPointer { raw in
            var adler = PNGChecksums.Adler32()
            adler.add(raw)
            return Band(chunk: chunk("IDAT", Deflate.band(raw)), adler: adler.value, rawCount: raw.count)
        }
    }

    /// The PNG of a picture `width` × `height` whose bands, top to bottom, are `bands`, and where
    /// each band's chunk lies in it.
    static func file(width: Int, height: Int, bands: [Band]) -> (png: [UInt8], chunks: [Range<Int>]) {
        var out = KeptPicture.signature
        out.reserveCapacity(bands.reduce(100) { $0 + $1.chunk.count })
        out += chunk("IHDR", big(UInt32(width)) + big(UInt32(height)) + [8, 2, 0, 0, 0])
        // zlib's header: deflate with a 32 KB window, no dictionary (0x78 0x9C: 0x789C is a multiple of 31).
        out += chunk("IDAT", [0x78, 0x9C])
        var adler: UInt32 = 1
        var chunks: [Range<Int>] = []
        for b in bands {
            chunks.append(out.count..<(out.count + b.chunk.count))
            out += b.chunk
            adler = combine(adler, b.adler, count: b.rawCount)
        }
        out += chunk("IDAT", Deflate.end + big(adler))
        out += chunk("IEND", [])
        return (out, chunks)
    }

    /// Whether `bytes` are one whole chunk of type `type`: its length, type, data and CRC.
    static func isChunk(_ bytes: ArraySlice<UInt8>, type: String) -> Bool {
        guard bytes.count >= 12 else { return false }
        let start = bytes.startIndex
        let length = bytes[start..<(start + 4)].reduce(0) { $0 << 8 | Int($1) }
        let body = bytes[(start + 4)..<(bytes.endIndex - 4)]
        return length == bytes.count - 12 && body.starts(with: type.utf8)
            && Array(bytes.suffix(4)) == big(PNGChecksums.crc32(body))
    }

    /// The Adler-32 of two pieces one after the other, from each one's (`count` bytes in the second).
    static func combine(_ first: UInt32, _ second: UInt32, count: Int) -> UInt32 {
        let m: UInt64 = 65_521
        let a1 = UInt64(first & 0xFFFF), b1 = UInt64(first >> 16), a2 = UInt64(second & 0xFFFF), b2 = UInt64(second >> 16)
        let n = UInt64(count) % m
        let a = (a1 + a2 + m - 1) % m
        let b = (b1 + b2 + n * ((a1 + m - 1) % m)) % m
        return UInt32(b << 16 | a)
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return big(UInt32(data.count)) + body + big(PNGChecksums.crc32(body[...]))
    }

    static func big(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}
