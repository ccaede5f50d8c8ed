import Coverage
import Foundation
import XCTest
import FileCommit
import Geo
import TestSupport
@testable import CoverageMap

/// report.png's shapes drawn by covgap: exact pixel coverage, holes, strokes and dashes, the gap
/// pattern, the stored PNG as GDAL reads it, and the whole picture against librsvg's own drawing.
final class MapRasterTests: XCTestCase {
    let black = RasterColour("#000000"), white = RasterColour("#ffffff")

    /// White on black: each pixel's value / 255 is the share of it covered.
    func coverage(_ layers: [RasterLayer], width: Int = 12, height: Int = 10, originX: Double = 0, originY: Double = 0) -> [Double] {
        let scene = RasterScene(originX: originX, originY: originY, width: width, height: height, background: black, layers: layers)
        let rgb = scene.pixels()
        return (0..<(width * height)).map { Double(rgb[3 * $0]) / 255 }
    }

    func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, hole: Bool = false) -> RasterLayer.Part {
        RasterLayer.Part(points: [x0, y0, x1, y0, x1, y1, x0, y1], closed: true, hole: hole)
    }

    func testASquareCoversItsPixelsAndHalfPixelEdgesHalf() {
        let c = coverage([RasterLayer(paint: .fill, colour: white, parts: [square(2, 1, 5.5, 4)])])
        for y in 0..<10 {
            for x in 0..<12 {
                let expected: Double = (1..<4).contains(y) ? (2..<5).contains(x) ? 1 : x == 5 ? 0.5 : 0 : 0
                XCTAssertEqual(c[y * 12 + x], expected, accuracy: 0.5 / 255, "pixel \(x), \(y)")
            }
        }
        // Either way round, the same pixels.
        let reversed = RasterLayer.Part(points: [2, 1, 2, 4, 5.5, 4, 5.5, 1], closed: true)
        XCTAssertEqual(coverage([RasterLayer(paint: .fill, colour: white, parts: [reversed])]), c)
    }

    func testADiagonalEdgeCoversTheAreaUnderIt() {
        // The triangle (0,0) (4,0) (0,4): pixels on the diagonal are half covered, 8 in all.
        let c = coverage([RasterLayer(paint: .fill, colour: white, parts: [RasterLayer.Part(points: [0, 0, 4, 0, 0, 4], closed: true)])])
        XCTAssertEqual(c.reduce(0, +), 8, accuracy: 0.02)
        XCTAssertEqual(c[0 * 12 + 3], 0.5, accuracy: 0.5 / 255)
        XCTAssertEqual(c[1 * 12 + 1], 1, accuracy: 0.5 / 255)
        XCTAssertEqual(c[3 * 12 + 3], 0, accuracy: 0.5 / 255)
    }

    func testHolesAndOverlapsAndTheFrame() {
        // A 6 × 6 square with a 2 × 2 hole: 32 pixels; the hole is empty whichever way it goes round.
        let holed = coverage([RasterLayer(paint: .fill, colour: white, parts: [square(1, 1, 7, 7), square(3, 3, 5, 5, hole: true)])])
        XCTAssertEqual(holed.reduce(0, +), 32, accuracy: 0.02)
        XCTAssertEqual(holed[4 * 12 + 4], 0)
        let holedReversed = coverage([RasterLayer(paint: .fill, colour: white, parts: [
            square(1, 1, 7, 7), RasterLayer.Part(points: [3, 3, 3, 5, 5, 5, 5, 3], closed: true, hole: true)])])
        XCTAssertEqual(holedReversed, holed)
        // Two overlapping squares count once where they overlap: 4 + 4 − 1.
        let overlap = coverage([RasterLayer(paint: .fill, colour: white, parts: [square(1, 1, 3, 3), square(2, 2, 4, 4)])])
        XCTAssertEqual(overlap.reduce(0, +), 7, accuracy: 0.02)
        // Shapes beyond the picture's edges are cut at them; the picture's origin moves them.
        let cut = coverage([RasterLayer(paint: .fill, colour: white, parts: [square(-5, -5, 2, 2), square(10, 8, 20, 20)])])
        XCTAssertEqual(cut.reduce(0, +), 4 + 4, accuracy: 0.02)
        // One reaching far past the right edge from the middle covers the rest of its rows.
        let wide = coverage([RasterLayer(paint: .fill, colour: white, parts: [square(4, 2, 30, 4)])])
        XCTAssertEqual(wide.reduce(0, +), 8 * 2, accuracy: 0.02)
        XCTAssertEqual(wide[3 * 12 + 11], 1, accuracy: 0.5 / 255)
        let moved = coverage([RasterLayer(paint: .fill, colour: white, parts: [square(102, 51, 105.5, 54)])], originX: 100, originY: 50)
        XCTAssertEqual(moved, coverage([RasterLayer(paint: .fill, colour: white, parts: [square(2, 1, 5.5, 4)])]))
    }

    /// A scene of four bands of rows (100 rows in bands of 32): a square in each band, a line
    /// through the second and third, hatched gaps; `moved` shifts the third band's square.
    func bandedScene(moved: Double = 0, colour: RasterColour? = nil, background: RasterColour? = nil) -> RasterScene {
        let squares = [square(2, 4, 12, 20), square(14, 40, 30, 52), square(5 + moved, 70, 25 + moved, 84), square(20, 97, 36, 100)]
        let line = RasterLayer.Part(points: [1, 35, 38, 80], closed: false)
        return RasterScene(originX: 0, originY: 0, width: 40, height: 100, background: background ?? black, layers: [
            RasterLayer(paint: .fill, colour: colour ?? white, parts: squares),
            RasterLayer(paint: .stroke(width: 1.5, round: true, caps: true, dash: nil), colour: RasterColour("#d73027"), parts: [line]),
            RasterLayer(paint: .hatch, colour: RasterColour("#1a9850"), parts: [square(30, 8, 38, 24)]),
        ])
    }

    /// A band whose shapes are those the previous image's band was drawn from is taken from it,
    /// the others drawn: the image is the one drawn whole, whatever changed.
    func testBandsOfThePreviousImageAreTakenWhereTheirShapesAreTheSame() {
        let first = bandedScene().pixels(previous: nil)
        XCTAssertEqual(first.drawn, [true, true, true, true])
        XCTAssertEqual(first.rgb, bandedScene().pixels())
        XCTAssertEqual(first.kept.bands.count, 4)
        XCTAssertTrue(first.kept.isWhole)
        // The same scene: nothing drawn.
        let same = bandedScene().pixels(previous: first.kept)
        XCTAssertEqual(same.drawn, [false, false, false, false])
        XCTAssertEqual(same.rgb, first.rgb)
        XCTAssertEqual(same.kept, first.kept)
        // The third band's square moved half a pixel: that band alone is drawn.
        let moved = bandedScene(moved: 0.5)
        let again = moved.pixels(previous: first.kept)
        XCTAssertEqual(again.drawn, [false, false, true, false])
        XCTAssertEqual(again.rgb, moved.pixels())
        XCTAssertNotEqual(again.rgb, first.rgb)
        XCTAssertEqual(again.kept.bands.enumerated().filter { $0.element != first.kept.bands[$0.offset] }.map(\.offset), [2])
        // Another colour or background changes every band's fingerprint.
        XCTAssertEqual(bandedScene(colour: RasterColour("#fdae61")).pixels(previous: first.kept).drawn, first.drawn)
        XCTAssertEqual(bandedScene(background: white).pixels(previous: first.kept).drawn, first.drawn)
        // An image of other sides, or one missing pixels, is not taken from.
        var short = first.kept
        short.rgb.removeLast(3)
        XCTAssertEqual(bandedScene().pixels(previous: short).drawn, first.drawn)
        var taller = first.kept
        taller.height = 101
        XCTAssertEqual(bandedScene().pixels(previous: taller).drawn, first.drawn)
    }

    /// A part's fingerprint is made once for the layers that share its points (a fill and its
    /// stroke), is the same for the same parts however they were made, and changes with anything
    /// the part is drawn from: a point, whether it is closed, a hole, its radius.
    func testPartsPrintsAreSharedByLayersOfTheSameRingsAndCoverWhatIsDrawn() {
        let parts = [square(2, 4, 12, 20), RasterLayer.Part.disc(x: 5, y: 5, r: 2)]
        let fill = RasterLayer(paint: .fill, colour: white, parts: parts)
        var stroke = fill
        stroke.paint = .stroke(width: 1, round: true, caps: true, dash: nil)
        func prints(_ layers: [RasterLayer]) -> [[Fingerprint]] {
            RasterScene(originX: 0, originY: 0, width: 40, height: 100, background: black, layers: layers).partPrints()
        }
        let shared = prints([fill, stroke, RasterLayer(paint: .fill, colour: white, parts: parts)])
        XCTAssertEqual(shared.map(\.count), [2, 2, 2])
        XCTAssertEqual(shared[1], shared[0])
        XCTAssertEqual(shared[2], shared[0])
        XCTAssertNotEqual(shared[0][0], shared[0][1])
        var open = parts[0]
        open.closed = false
        for (what, changed) in [("a point", square(2, 4, 12, 20.5)), ("a hole", square(2, 4, 12, 20, hole: true)), ("open", open),
                                ("the radius", RasterLayer.Part.disc(x: 5, y: 5, r: 2.5))] {
            let other = prints([RasterLayer(paint: .fill, colour: white, parts: [changed])])[0][0]
            XCTAssertFalse(shared[0].contains(other), what)
        }
    }

    func testStrokesAndDashes() {
        // A line 8 long and 2 wide along a row boundary, butt ends: 16 pixels' worth, half of two rows.
        let line = RasterLayer.Part(points: [2, 5, 10, 5], closed: false)
        let butt = coverage([RasterLayer(paint: .stroke(width: 2, round: false, caps: false, dash: nil), colour: white, parts: [line])])
        XCTAssertEqual(butt.reduce(0, +), 16, accuracy: 0.02)
        XCTAssertEqual(butt[4 * 12 + 5], 1, accuracy: 0.5 / 255)
        XCTAssertEqual(butt[3 * 12 + 5], 0)
        // Round caps add a disc's worth (two halves): the disc is a polygon of sides under 0.75 px.
        let disc = RasterLayer.circle(x: 0, y: 0, r: 1)
        var discArea = 0.0
        for i in 0..<(disc.count / 2) {
            let j = (i + 1) % (disc.count / 2)
            discArea += (disc[2 * i] * disc[2 * j + 1] - disc[2 * j] * disc[2 * i + 1]) / 2
        }
        XCTAssertEqual(discArea, .pi, accuracy: 0.25)
        let round = coverage([RasterLayer(paint: .stroke(width: 2, round: true, caps: true, dash: nil), colour: white, parts: [line])])
        XCTAssertEqual(round.reduce(0, +), 16 + discArea, accuracy: 0.05)

        // Dashes 6 on, 4 off along a line of 20, a corner inside the second dash.
        XCTAssertEqual(RasterLayer.dashes([0, 0, 20, 0], closed: false, on: 6, off: 4).map(\.0), [[0, 0, 6, 0], [10, 0, 16, 0]])
        XCTAssertEqual(RasterLayer.dashes([0, 0, 12, 0, 12, 10], closed: false, on: 6, off: 4).map(\.0),
                       [[0, 0, 6, 0], [10, 0, 12, 0, 12, 4], [12, 8, 12, 10]])
    }

    func testDiscsAreTheirPolygonsAndRingsAreTheirDifference() {
        let polygon = coverage([RasterLayer(paint: .fill, colour: white, parts: [
            RasterLayer.Part(points: RasterLayer.circle(x: 5.3, y: 4.6, r: 3), closed: true)])])
        let disc = coverage([RasterLayer(paint: .fill, colour: white, parts: [RasterLayer.Part.disc(x: 5.3, y: 4.6, r: 3)])])
        XCTAssertEqual(disc, polygon)
        // Discs of changing radii (each side count's circle is made once and kept, 16 of them at
        // most): 20 radii, some again after their circle has been let go.
        var centres: [(Double, Double, Double)] = [(5.3, 4.6, 3), (9.1, 3.2, 1.2), (3.7, 8.4, 3), (8.2, 8.8, 3)]
        for k in 1...20 {
            let x = Double(k % 7) + 2.5, y = Double(k % 5) + 3.5
            centres.append((x, y, Double(k) * 0.9))
        }
        centres += [(6.1, 6.2, 0.9), (4.4, 5.5, 1.2)]
        XCTAssertEqual(coverage([RasterLayer(paint: .fill, colour: white, parts: centres.map { RasterLayer.Part.disc(x: $0.0, y: $0.1, r: $0.2) })]),
                       coverage([RasterLayer(paint: .fill, colour: white, parts: centres.map {
                           RasterLayer.Part(points: RasterLayer.circle(x: $0.0, y: $0.1, r: $0.2), closed: true) })]))
        // The polygon's area: n triangles of two radii 3 apart by 2π/n (26 sides under 0.75 px).
        let n = Double(RasterLayer.circle(x: 0, y: 0, r: 3).count / 2)
        XCTAssertEqual(n, 26)
        XCTAssertEqual(disc.reduce(0, +), n / 2 * 9 * sin(2 * .pi / n), accuracy: 0.02)
        // A site's outline: the disc of 2.5 less the disc of 1.9.
        let ring = coverage([RasterLayer(paint: .fill, colour: white, parts: [
            RasterLayer.Part.disc(x: 5, y: 5, r: 2.5), RasterLayer.Part.disc(x: 5, y: 5, r: 1.9, hole: true)])])
        XCTAssertEqual(ring.reduce(0, +), (2.5 * 2.5 - 1.9 * 1.9) * .pi, accuracy: 0.1)
        XCTAssertEqual(ring[5 * 12 + 5], 0)
    }

    func testTheGapPatternCoversItsShareAndRunsAcrossTheDiagonal() {
        // 1.6 of every 6 px.
        var sum = 0.0
        for y in 0..<120 { for x in 0..<120 { sum += RasterScene.hatch(x: Double(x) + 0.5, y: Double(y) + 0.5) } }
        XCTAssertEqual(sum / 14_400, 1.6 / 6, accuracy: 0.002)
        // Constant along x + y, as the SVG's pattern turned by 45°.
        XCTAssertEqual(RasterScene.hatch(x: 10.5, y: 3.5), RasterScene.hatch(x: 3.5, y: 10.5), accuracy: 1e-12)
        XCTAssertEqual(RasterScene.hatch(x: 0.5, y: 0.5), 1, accuracy: 1e-12)   // u = 0.707: inside the stripe [0, 1.6)
        XCTAssertEqual(RasterScene.hatch(x: 2.5, y: 2.5), 0, accuracy: 1e-12)   // u = 3.54
    }

    /// The PNG's checksums against their published values and bit-by-bit definitions.
    func testThePNGChecksumsAreTheirDefinitions() {
        XCTAssertEqual(PNGChecksums.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(PNGChecksums.crc32(Array("123456789".utf8)[...]), 0xCBF4_3926)
        // Checksums of every length up to 40 and of 100,000 bytes, against bit-by-bit definitions.
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: ($0 &* 40_503) >> 5) }
        for n in Array(0...40) + [100_000] {
            XCTAssertEqual(PNGChecksums.crc32(bytes[0..<n]), Self.crc32(bytes[0..<n]), "\(n) bytes")
            XCTAssertEqual(PNGChecksums.adler32(Array(bytes[0..<n])), Self.adler32(bytes[0..<n]), "\(n) bytes")
        }
    }

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    static func adler32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return b << 16 | a
    }

    /// The frame is the picture without the map's shapes: rsvg-convert draws it transparent where
    /// covgap's image goes (but for the names over it) and opaque all round; report.png is the
    /// frame laid over that image.
    func testTheFrameIsThePictureWithoutTheShapesAndLiesOverTheImage() throws {
        let drawing = MapPicture.drawing(twoVillages(), width: 400)
        let frame = String(decoding: drawing.frameSVG, as: UTF8.self)
        XCTAssertFalse(frame.contains(#"id="villages-covered""#))
        XCTAssertTrue(frame.contains("Trường &lt;THCS&gt;"))
        XCTAssertTrue(frame.contains(#"id="legend""#))
        // What lies under the shapes is drawn outside the image's rectangle only (24, 80, 352 × 240).
        XCTAssertTrue(frame.contains(#"<path clip-rule="evenodd" d="M0 0H400V\#(drawing.height)H0ZM24 80H376V320H24Z"/>"#), String(frame.prefix(1_500)))
        XCTAssertTrue(frame.contains(##"<g clip-path="url(#frame-clip)"><rect width="100%" height="100%" fill="#ffffff"/>"##))
        guard let drawn = PNGConverter.start(svg: drawing.frameSVG), let picture = PNGConverter.start(drawing) else {
            throw XCTSkip("rsvg-convert is not installed")
        }
        let image = try FrameImage.decode(try XCTUnwrap(drawn.wait(), drawn.failure ?? ""))
        XCTAssertEqual([image.width, image.height], [400, drawing.height])
        func alpha(_ x: Int, _ y: Int) -> UInt8 { image.rgba[4 * (y * image.width + x) + 3] }
        // Inside the covered village: transparent; the title's corner and the legend's row: opaque.
        XCTAssertEqual(alpha(165, 236), 0)
        XCTAssertEqual(alpha(2, 2), 255)
        XCTAssertEqual(alpha(200, drawing.height - 5), 255)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-frame-\(UUID().uuidString).png")
        try Data(try XCTUnwrap(picture.wait(), picture.failure ?? "")).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertEqual(try pixel(file.path, 165, 236), [0x3f, 0x9e, 0x4d])
        XCTAssertEqual(try pixel(file.path, 2, 2), [255, 255, 255])
    }

    /// A frame that is not rsvg-convert's kind of PNG says what it is.
    func testAFrameThatIsNotAnRGBAPNGSaysWhy() {
        let pixels: [UInt8] = [1, 2, 3, 4, 5, 6]
        let rgb = BandedPNG.file(width: 2, height: 1, bands: [pixels.withUnsafeBufferPointer { BandedPNG.band(rgb: $0, width: 2, rows: 1) }]).png
        XCTAssertThrowsError(try FrameImage.decode(rgb)) { XCTAssertTrue("\($0)".contains("is not 8-bit RGBA"), "\($0)") }
        // Said to be RGBA (the header's colour type; its CRC is not read), then cut inside the band's chunk.
        var rgba = rgb
        rgba[25] = 6
        XCTAssertThrowsError(try FrameImage.decode(Array(rgba.prefix(62)))) { XCTAssertTrue("\($0)".contains("ends inside its IDAT chunk"), "\($0)") }
        XCTAssertThrowsError(try FrameImage.decode(Array(rgba.prefix(47)))) { XCTAssertTrue("\($0)".contains("has no IEND chunk"), "\($0)") }
        // Whole, but its rows are three bytes a pixel, not four: the stream makes too few bytes.
        XCTAssertThrowsError(try FrameImage.decode(rgba)) { XCTAssertTrue("\($0)".contains("does not inflate"), "\($0)") }
        XCTAssertThrowsError(try FrameImage.decode([1, 2, 3])) { XCTAssertTrue("\($0)".contains("no PNG signature"), "\($0)") }
    }

    /// Every row filter of PNG comes back to the pixels it was made from, the first row's too (the
    /// row above it counts as zeros): rows filtered here by PNG's definitions, None, Sub, Up,
    /// Average and Paeth in turn from each filter on the first row, compressed and read back.
    func testEveryRowFilterOfAFrameComesBackToItsPixels() throws {
        let width = 5, height = 7, stride = 4 * width
        var generator = SplitMix64(state: 11)
        let pixels = (0..<(stride * height)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
            let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
        }
        func adler(_ bytes: [UInt8]) -> [UInt8] {
            var a: UInt32 = 1, b: UInt32 = 0
            for x in bytes { a = (a + UInt32(x)) % 65_521; b = (b + a) % 65_521 }
            return BandedPNG.big(b << 16 | a)
        }
        for first in 0..<5 {
            var filtered: [UInt8] = []
            for y in 0..<height {
                let filter = (first + y) % 5
                filtered.append(UInt8(filter))
                for i in 0..<stride {
                    func at(_ y: Int, _ i: Int) -> Int { y >= 0 && i >= 0 ? Int(pixels[y * stride + i]) : 0 }
                    let (a, b, c) = (at(y, i - 4), at(y - 1, i), at(y - 1, i - 4))
                    let predicted = [0, a, b, (a + b) / 2, paeth(a, b, c)][filter]
                    filtered.append(UInt8(truncatingIfNeeded: at(y, i) - predicted))
                }
            }
            let stream = [0x78, 0x9C] + filtered.withUnsafeBufferPointer { Deflate.band($0) } + Deflate.end + adler(filtered)
            let png = KeptPicture.signature + BandedPNG.chunk("IHDR", BandedPNG.big(UInt32(width)) + BandedPNG.big(UInt32(height)) + [8, 6, 0, 0, 0])
                + BandedPNG.chunk("IDAT", stream) + BandedPNG.chunk("IEND", [])
            let image = try FrameImage.decode(png)
            XCTAssertEqual(image.rgba, pixels, "first row's filter \(first)")
        }
    }

    func testScratchFoldersOfDeadRunsAreRemovedAndOthersKept() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-litter-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var dead: Int32 = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        let old = Date(timeIntervalSinceNow: -3_600)
        func folder(_ name: String, changed: Date) throws -> String {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try Data("x".utf8).write(to: URL(fileURLWithPath: path + "/page-0001.svg"))
            try FileManager.default.setAttributes([.modificationDate: changed], ofItemAtPath: path)
            return path
        }
        let deadOld = try folder("covgap-atlas-\(dead)-aaaaaa", changed: old)
        let deadNew = try folder("covgap-atlas-\(dead)-bbbbbb", changed: Date())
        let alive = try folder("covgap-atlas-1-cccccc", changed: old)
        let mine = try folder("covgap-atlas-\(getpid())-dddddd", changed: old)
        let other = try folder("covgap-atlasx-\(dead)-eeeeee", changed: old)
        ScratchFolder.removeLitter(in: dir, prefix: PDFConverter.scratchPrefix)
        XCTAssertFalse(FileManager.default.fileExists(atPath: deadOld))
        for kept in [deadNew, alive, mine, other] { XCTAssertTrue(FileManager.default.fileExists(atPath: kept), kept) }
    }

    func testAScratchFolderIsPrivateHoldsItsFilesAndIsRemovedWhole() throws {
        let folder = try ScratchFolder.make(prefix: PDFConverter.scratchPrefix, files: [("page-0001.svg", Array("<svg/>".utf8))],
                                            later: ["atlas.pdf"])
        defer { ScratchFolder.remove(folder) }
        let name = (folder as NSString).lastPathComponent
        XCTAssertTrue(name.hasPrefix("covgap-atlas-\(getpid())-"), name)
        XCTAssertEqual(name.count, "covgap-atlas-\(getpid())-".count + 6, name)
        var info = stat()
        XCTAssertEqual(lstat(folder, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o700)
        XCTAssertEqual(lstat(folder + "/page-0001.svg", &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/page-0001.svg")), Data("<svg/>".utf8))
        // What the converter writes there later goes with it.
        try Data("%PDF".utf8).write(to: URL(fileURLWithPath: folder + "/atlas.pdf"))
        ScratchFolder.remove(folder)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder))

        // A temporary directory that cannot take the folder: the error names it and the reason.
        let missing = "/nonexistent-\(UUID().uuidString)"
        setenv("TMPDIR", missing, 1)
        defer { unsetenv("TMPDIR") }
        XCTAssertThrowsError(try ScratchFolder.make(prefix: PDFConverter.scratchPrefix, files: [])) { error in
            XCTAssertEqual("\(error)", "cannot make a scratch folder in \(missing): No such file or directory")
        }
    }

    /// One covered village, one uncovered with a gap over half of it, fibre, sites and places.
    func twoVillages() -> MapPictureInput {
        func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Shape {
            .polygon([[Coordinate(x0, y0), Coordinate(x1, y0), Coordinate(x1, y1), Coordinate(x0, y1), Coordinate(x0, y0)]])
        }
        var input = MapPictureInput(title: "Two villages", subtitle: "a test",
                                    villages: [.init(shape: box(109.0, 14.0, 109.1, 14.1), status: "covered"),
                                               .init(shape: box(109.1, 14.0, 109.2, 14.1), status: "uncovered")],
                                    gaps: [box(109.15, 14.0, 109.2, 14.1)],
                                    fibre: [.lineString([Coordinate(109.0, 14.05), Coordinate(109.1, 14.05)])],
                                    extensions: [.lineString([Coordinate(109.1, 14.05), Coordinate(109.17, 14.05)])],
                                    sites: [Coordinate(109.05, 14.02)],
                                    places: [.init(at: Coordinate(109.03, 14.08), name: "Trường <THCS>", has5G: true)])
        input.language = .en
        return input
    }

    func testThePictureDrawnWithTheRasterLooksLikeLibrsvgsOwn() throws {
        let input = twoVillages()
        let drawing = MapPicture.drawing(input, width: 400)
        XCTAssertEqual(drawing.svg, MapPicture.svg(input, width: 400))
        guard let ours = PNGConverter.start(drawing), let theirs = PNGConverter.start(svg: Array(drawing.svg.utf8)) else {
            throw XCTSkip("rsvg-convert is not installed")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-raster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("ours.png").path, b = dir.appendingPathComponent("theirs.png").path
        try Data(try XCTUnwrap(ours.wait(), ours.failure ?? "")).write(to: URL(fileURLWithPath: a))
        try Data(try XCTUnwrap(theirs.wait(), theirs.failure ?? "")).write(to: URL(fileURLWithPath: b))
        // Inside the covered village (109.08° E 14.03° N, away from the fibre, the site and the
        // place's name): the covered green in both.
        let x = 165, y = 236
        XCTAssertEqual(try pixel(a, x, y), [0x3f, 0x9e, 0x4d])
        XCTAssertEqual(try pixel(b, x, y), [0x3f, 0x9e, 0x4d])
        // Over the whole picture the two drawings differ by little: same size, and a mean difference
        // per channel under 1 of 255 (anti-aliasing; 0.13 when this was written).
        let mean = try meanDifference(a, b)
        XCTAssertLessThan(mean, 1)
        XCTAssertGreaterThan(mean, 0)
    }

    /// The mean difference per channel of two PNGs of the same size, as GDAL reads them.
    func meanDifference(_ a: String, _ b: String) throws -> Double {
        let diff = try Tool.run("/usr/bin/python3", ["-c", """
            import sys
            from osgeo import gdal
            a = gdal.Open(sys.argv[1]); b = gdal.Open(sys.argv[2])
            assert (a.RasterXSize, a.RasterYSize) == (b.RasterXSize, b.RasterYSize)
            ra = [a.GetRasterBand(i + 1).ReadRaster() for i in range(3)]
            rb = [b.GetRasterBand(i + 1).ReadRaster() for i in range(3)]
            n = sum(len(x) for x in ra)
            print(sum(abs(p - q) for x, y in zip(ra, rb) for p, q in zip(x, y)) / n)
            """, a, b])
        guard diff.status == 0 else { throw XCTSkip("GDAL's Python bindings are not installed: \(diff.stderr.prefix(200))") }
        return try XCTUnwrap(Double(diff.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// A drawing handed what the previous one kept takes its frame's image when the frame is the
    /// same, and the compressed band of every band of rows over none of the map's changed bands;
    /// whatever it takes, the PNG is the one drawn afresh, byte for byte. A previous PNG that is
    /// not the one kept (another digest) gives nothing; another frame is drawn again.
    func testTheNextDrawingTakesTheFrameAndTheBandsThatDidNotChange() throws {
        var input = twoVillages()
        input.places += (0..<30).map { MapPictureInput.Place(at: Coordinate(109.0 + 0.006 * Double($0), 14.09), name: "Nơi \($0)", has5G: $0 % 2 == 0) }
        let drawing = MapPicture.drawing(input, width: 400)
        let bandCount = (drawing.height + 31) / 32
        let started = PNGConverter.start(drawing, previous: nil)
        guard let first = started.job, let raster = started.raster else { throw XCTSkip("rsvg-convert is not installed") }
        XCTAssertFalse(started.frameTaken)
        let png = try XCTUnwrap(first.wait(), first.failure ?? "")
        let kept = try XCTUnwrap(first.keptPicture())
        XCTAssertEqual(first.compressed, bandCount)
        XCTAssertEqual(kept.frameKey, MapDrawing.frameKey(drawing.frameSVG))
        XCTAssertEqual(kept.digest, FileDigest.hex(png))
        XCTAssertEqual(kept.bands.count, bandCount)
        for b in kept.bands { XCTAssertTrue(BandedPNG.isChunk(png[b.chunk], type: "IDAT")) }
        XCTAssertEqual(try FrameImage.decode(kept.frame).width, 400)

        func again(_ d: MapDrawing, raster: KeptRaster, picture: KeptPicture, png: [UInt8], frameAhead: Bool = false) throws
            -> (png: [UInt8], frameTaken: Bool, compressed: Int, drawn: Int) {
            let previous = PNGConverter.Previous(raster: raster, picture: picture) { png }
            if frameAhead { previous.decodeFrameAhead() }
            let s = PNGConverter.start(d, previous: previous)
            let job = try XCTUnwrap(s.job)
            return (try XCTUnwrap(job.wait(), job.failure ?? ""), s.frameTaken, try XCTUnwrap(job.compressed), try XCTUnwrap(s.raster).drawn)
        }
        func afresh(_ d: MapDrawing) throws -> [UInt8] {
            let job = try XCTUnwrap(PNGConverter.start(d))
            return try XCTUnwrap(job.wait(), job.failure ?? "")
        }
        // The same drawing: everything taken.
        let same = try again(drawing, raster: raster.kept, picture: kept, png: png)
        XCTAssertEqual(same.png, png)
        XCTAssertTrue(same.frameTaken)
        XCTAssertEqual([same.compressed, same.drawn], [0, 0])
        // The uncovered village covered: the frame taken, only the bands over its rows compressed.
        var covered = input
        covered.villages[1].status = covered.villages[0].status
        let changed = MapPicture.drawing(covered, width: 400)
        let taken = try again(changed, raster: raster.kept, picture: kept, png: png)
        XCTAssertTrue(taken.frameTaken)
        XCTAssertGreaterThan(taken.drawn, 0)
        XCTAssertGreaterThan(taken.compressed, 0)
        XCTAssertLessThan(taken.compressed, bandCount)
        XCTAssertEqual(taken.png, try afresh(changed))
        XCTAssertNotEqual(taken.png, png)
        // The kept frame's pixels decoded ahead, on a thread of their own: the same PNG.
        let ahead = try again(changed, raster: raster.kept, picture: kept, png: png, frameAhead: true)
        XCTAssertTrue(ahead.frameTaken)
        XCTAssertEqual(ahead.png, taken.png)
        // A previous PNG edited since: its bands are not taken.
        var edited = png
        edited[kept.bands[0].chunk.lowerBound + 20] ^= 1
        let notTaken = try again(changed, raster: raster.kept, picture: kept, png: edited)
        XCTAssertEqual(notTaken.compressed, bandCount)
        XCTAssertEqual(notTaken.png, taken.png)
        // A place renamed: another frame, drawn again.
        var renamed = input
        renamed.places[0].name = "Trường mới"
        let other = MapPicture.drawing(renamed, width: 400)
        let redrawn = try again(other, raster: raster.kept, picture: kept, png: png)
        XCTAssertFalse(redrawn.frameTaken)
        XCTAssertEqual(redrawn.compressed, bandCount)
        XCTAssertEqual(redrawn.png, try afresh(other))
    }

    /// A pixel's RGB as GDAL reads the PNG.
    func pixel(_ path: String, _ x: Int, _ y: Int) throws -> [Int] {
        let out = try Tool.run("/usr/bin/gdallocationinfo", ["-valonly", path, String(x), String(y)])
        XCTAssertEqual(out.status, 0, out.stderr)
        return out.stdout.split(whereSeparator: \.isNewline).compactMap { Int($0) }
    }
}

extension RasterLayer {
    /// The polygon `CoverageAccumulator.disc` traces point by point, as an array of x, y pairs.
    static func circle(x: Double, y: Double, r: Double) -> [Double] {
        let n = circleSides(r)
        return (0..<n).flatMap { i -> [Double] in
            let a = 2 * Double.pi * Double(i) / Double(n)
            return [x + r * cos(a), y + r * sin(a)]
        }
    }
}
