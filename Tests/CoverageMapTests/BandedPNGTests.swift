import Foundation
import XCTest
import TestSupport
@testable import CoverageMap

/// report.png's own compression: every picture GDAL (libpng and zlib, which check both checksums)
/// reads back pixel for pixel, bands that come apart and together again byte for byte, and sizes
/// against the stored form.
final class BandedPNGTests: XCTestCase {
    /// The PNG of `rgb` in bands of `bandRows` rows.
    func png(_ rgb: [UInt8], width: Int, height: Int, bandRows: Int = 32) -> [UInt8] {
        BandedPNG.file(width: width, height: height, bands: bands(rgb, width: width, height: height, bandRows: bandRows)).png
    }

    func bands(_ rgb: [UInt8], width: Int, height: Int, bandRows: Int = 32) -> [BandedPNG.Band] {
        stride(from: 0, to: height, by: bandRows).map { top in
            let rows = min(bandRows, height - top)
            return rgb.withUnsafeBufferPointer { p in
                BandedPNG.band(rgb: UnsafeBufferPointer(rebasing: p[(top * width * 3)..<((top + rows) * width * 3)]), width: width, rows: rows)
            }
        }
    }

    /// The pixels GDAL reads from `png`, interleaved RGB.
    func gdalPixels(_ png: [UInt8]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-banded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.png").path, output = dir.appendingPathComponent("out.raw").path
        try Data(png).write(to: URL(fileURLWithPath: input))
        let run = try Tool.run("/usr/bin/gdal_translate", ["-q", "-of", "ENVI", "-co", "INTERLEAVE=BIP", input, output])
        XCTAssertEqual(run.status, 0, run.stderr)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    func testEveryKindOfPictureReadsBackPixelForPixel() throws {
        var generator = SplitMix64(state: 7)
        var cases: [(String, Int, Int, [UInt8])] = []
        // Noise: nothing to match, literals only, a band of more symbols than one block holds.
        let w1 = 700, h1 = 70
        cases.append(("noise", w1, h1, (0..<(w1 * h1 * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
        // Flat areas with edges, as a map is: long matches at every distance.
        let w2 = 613, h2 = 131
        cases.append(("areas", w2, h2, (0..<(w2 * h2)).flatMap { i -> [UInt8] in
            let x = i % w2, y = i / w2
            let area = (x / 37 + y / 23) % 5
            return [UInt8(40 * area), UInt8(255 - 30 * area), x == y ? 0 : 200]
        }))
        // Gradients (Sub, Up and Paeth pay) and one pixel, one row, one column.
        let w3 = 257, h3 = 64
        cases.append(("gradients", w3, h3, (0..<(w3 * h3)).flatMap { i -> [UInt8] in
            let x = i % w3, y = i / w3
            return [UInt8(truncatingIfNeeded: x), UInt8(truncatingIfNeeded: y * 3), UInt8(truncatingIfNeeded: x + y)]
        }))
        cases.append(("pixel", 1, 1, [9, 200, 31]))
        cases.append(("row", 300, 1, (0..<900).map { UInt8(truncatingIfNeeded: $0 / 7) }))
        cases.append(("column", 1, 100, (0..<300).map { UInt8(truncatingIfNeeded: $0 * $0) }))
        for (name, w, h, rgb) in cases {
            for bandRows in [1, 32, 1_000] {
                let png = png(rgb, width: w, height: h, bandRows: bandRows)
                XCTAssertTrue(PNGConverter.isWhole(png), name)
                XCTAssertEqual(try gdalPixels(png), rgb, "\(name), bands of \(bandRows) rows")
            }
        }
        // The map's areas compress well: under a twentieth of their rows' bytes.
        let areas = png(cases[1].3, width: w2, height: h2)
        XCTAssertLessThan(areas.count * 20, (1 + 3 * w2) * h2)
    }

    func testABandIsItsPixelsAloneAndTheChecksumComesFromThePieces() throws {
        let w = 200, h = 100
        let rgb = (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: ($0 / 3 % w) / 16 * 40 + ($0 / (3 * w)) / 10 * 7) }
        let whole = bands(rgb, width: w, height: h)
        // The third band changed, the others kept: the file is the one made from all bands afresh.
        var changed = rgb
        for i in (2 * 32 * w * 3)..<(3 * 32 * w * 3) where i % 5 == 0 { changed[i] = 255 }
        var taken = bands(changed, width: w, height: h)
        let (afresh, chunks) = BandedPNG.file(width: w, height: h, bands: taken)
        for k in [0, 1, 3] { XCTAssertEqual(taken[k], whole[k]) }
        XCTAssertNotEqual(taken[2], whole[2])
        taken[2] = bands(changed, width: w, height: h)[2]
        XCTAssertEqual(BandedPNG.file(width: w, height: h, bands: taken).png, afresh)
        for (k, range) in chunks.enumerated() {
            XCTAssertEqual(Array(afresh[range]), taken[k].chunk)
            XCTAssertTrue(BandedPNG.isChunk(afresh[range], type: "IDAT"))
        }
        XCTAssertFalse(BandedPNG.isChunk(afresh[chunks[1].lowerBound..<(chunks[1].upperBound - 1)], type: "IDAT"))
        XCTAssertEqual(try gdalPixels(afresh), changed)

        // Adler-32 of two pieces from each one's, against the checksum of both.
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: ($0 &* 40_503) >> 5) }
        for cut in [0, 1, 5_551, 5_552, 65_521, 65_522, 199_999, 200_000] {
            let a = PNGChecksums.adler32(Array(bytes[..<cut])), b = PNGChecksums.adler32(Array(bytes[cut...]))
            XCTAssertEqual(BandedPNG.combine(a, b, count: bytes.count - cut), PNGChecksums.adler32(bytes), "cut at \(cut)")
        }
    }

    func testHuffmanCodesAreCompleteAndWithinTheirLimit() {
        // Counts of Fibonacci numbers make the longest codes: 30 symbols would need 29 bits.
        var fibonacci = [1, 1]
        while fibonacci.count < 30 { fibonacci.append(fibonacci[fibonacci.count - 1] + fibonacci[fibonacci.count - 2]) }
        for (counts, limit) in [(fibonacci, 15), (fibonacci, 7), ([0, 5, 0], 15), ([0, 0, 3], 7), ([1, 1], 15), (Array(repeating: 1, count: 286), 15)] {
            let lengths = Huffman.lengths(counts, limit: limit)
            XCTAssertLessThanOrEqual(Int(lengths.max() ?? 0), limit)
            // Kraft's sum is exactly one: a complete prefix code.
            XCTAssertEqual(lengths.filter { $0 > 0 }.reduce(0.0) { $0 + pow(2, -Double($1)) }, 1, "\(counts)")
            for (k, c) in counts.enumerated() where c > 0 { XCTAssertGreaterThan(lengths[k], 0) }
        }
        XCTAssertEqual(Huffman.lengths([1, 1, 2, 4], limit: 15), [3, 3, 2, 1])
        // Canonical codes (RFC 1951's example: lengths 3 3 3 3 3 2 4 4 → 010 011 100 101 110 00 1110 1111), bit-reversed.
        let codes = Huffman.codes([3, 3, 3, 3, 3, 2, 4, 4])
        XCTAssertEqual(codes, [0b010, 0b110, 0b001, 0b101, 0b011, 0b00, 0b0111, 0b1111])
    }
}
