import Coverage
import Geo

/// The picture rsvg-convert draws of everything on report.png but the map's shapes (the frame):
/// title, legend, scale, place names, and white all round, transparent where covgap's image of
/// the shapes goes and around the names over it. report.png is this laid over that image.
struct FrameImage {
    var width: Int, height: Int
    /// Four bytes a pixel, red, green, blue and alpha (not premultiplied, as PNG keeps them).
    var rgba: [UInt8]

    /// Why a frame's PNG could not be read.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// The pixels of a PNG as rsvg-convert writes them: 8 bits a channel, RGBA, not interlaced.
    static func decode(_ png: [UInt8]) throws -> FrameImage {
        func fail(_ why: String) -> Unreadable { Unreadable(description: "the frame's PNG " + why) }
        guard png.starts(with: KeptPicture.signature) else { throw fail("has no PNG signature") }
        func big(_ at: Int) -> Int { png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var at = 8, width = 0, height = 0, data: [UInt8] = [], ended = false
        while at + 12 <= png.count, !ended {
            let length = big(at), type = String(decoding: png[(at + 4)..<(at + 8)], as: UTF8.self)
            guard length <= png.count - at - 12 else { throw fail("ends inside its \(type) chunk") }
            let body = (at + 8)..<(at + 8 + length)
            switch type {
            case "IHDR":
                guard length == 13 else { throw fail("has an IHDR chunk of \(length) bytes") }
                width = big(body.lowerBound); height = big(body.lowerBound + 4)
                let form = Array(png[(body.lowerBound + 8)..<body.upperBound])
                guard form == [8, 6, 0, 0, 0] else { throw fail("is not 8-bit RGBA without interlacing (\(form))") }
                guard (1...KeptRaster.maxSide).contains(width), (1...KeptRaster.maxSide).contains(height),
                      width * height <= KeptRaster.maxPixels else { throw fail("is \(width) × \(height) pixels") }
            case "IDAT": data += png[body]
            case "IEND": ended = true
            default: break
            }
            at = body.upperBound + 4
        }
        guard ended, width > 0 else { throw fail(width == 0 ? "has no IHDR chunk" : "has no IEND chunk") }
        let line = 1 + 4 * width
        let raw: [UInt8]
        do { raw = try Zlib.inflate(data, count: line * height) } catch { throw fail("does not inflate: \(error)") }
        var rgba = [UInt8](repeating: 0, count: 4 * width * height)
        try rgba.withUnsafeMutableBufferPointer { out in
            try raw.withUnsafeBufferPointer { raw in
                let stride = 4 * width
                for y in 0..<height {
                    let filter = raw[y * line], source = raw.baseAddress! + y * line + 1
                    let row = out.baseAddress! + y * stride
                    // The first row's "above" is zeros: the filters that read it are the ones that
                    // read nothing there.
                    guard y > 0 || filter < 2 || filter > 4 else {
                        Self.unfilterFirst(filter, source, row, stride)
                        continue
                    }
                    let above = row - stride
                    // Each filter's loop on its own (a row's bytes left of the first pixel count as zeros).
                    switch filter {
                    case 0: row.update(from: source, count: stride)
                    case 1:
                        for i in 0..<min(4, stride) { row[i] = source[i] }
                        for i in min(4, stride)..<stride { row[i] = source[i] &+ row[i - 4] }
                    case 2: for i in 0..<stride { row[i] = source[i] &+ above[i] }
                    case 3:
                        for i in 0..<min(4, stride) { row[i] = source[i] &+ above[i] >> 1 }
                        for i in min(4, stride)..<stride { row[i] = source[i] &+ UInt8((UInt16(row[i - 4]) + UInt16(above[i])) >> 1) }
                    case 4:
                        for i in 0..<min(4, stride) { row[i] = source[i] &+ above[i] }
                        for i in min(4, stride)..<stride { row[i] = source[i] &+ paeth(row[i - 4], above[i], above[i - 4]) }
                    default: throw fail("has row filter \(filter)")
                    }
                }
            }
        }
        return FrameImage(width: width, height: height, rgba: rgba)
    }

    /// The first row under filters 2 to 4, whose row above is zeros: Up is None, Average halves the
    /// pixel to the left, Paeth is Sub.
    private static func unfilterFirst(_ filter: UInt8, _ source: UnsafePointer<UInt8>, _ row: UnsafeMutablePointer<UInt8>, _ stride: Int) {
        for i in 0..<stride {
            let a = i >= 4 ? row[i - 4] : 0
            row[i] = source[i] &+ (filter == 2 ? 0 : filter == 3 ? a >> 1 : a)
        }
    }

    /// PNG's Paeth predictor (rsvg-convert's rows may be filtered with it).
    @inline(__always) static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
    }

    /// Rows `rows` of the picture, RGB: this image laid over covgap's image of the map's shapes
    /// (`scene`, three bytes a pixel, `sceneWidth` × `sceneHeight` from the picture's pixel
    /// `sceneX`, `sceneY`) and over white elsewhere, each colour rounded to the nearest.
    func over(scene: UnsafeBufferPointer<UInt8>, sceneX: Int, sceneY: Int, sceneWidth: Int, sceneHeight: Int, rows: Range<Int>) -> [UInt8] {
        var out = [UInt8](repeating: 255, count: rows.count * width * 3)
        rgba.withUnsafeBufferPointer { frame in
            out.withUnsafeMutableBufferPointer { out in
                for y in rows {
                    let sceneRow = y - sceneY
                    let inScene = (0..<sceneHeight).contains(sceneRow)
                    for x in 0..<width {
                        let f = 4 * (y * width + x), o = 3 * ((y - rows.lowerBound) * width + x)
                        let alpha = Int(frame[f + 3])
                        if alpha == 255 {
                            out[o] = frame[f]; out[o + 1] = frame[f + 1]; out[o + 2] = frame[f + 2]
                            continue
                        }
                        let sx = x - sceneX
                        let s = inScene && sx >= 0 && sx < sceneWidth ? 3 * (sceneRow * sceneWidth + sx) : -1
                        for c in 0..<3 {
                            let under = s >= 0 ? Int(scene[s + c]) : 255
                            out[o + c] = alpha == 0 ? UInt8(under) : UInt8((Int(frame[f + c]) * alpha + under * (255 - alpha) + 127) / 255)
                        }
                    }
                }
            }
        }
        return out
    }
}
