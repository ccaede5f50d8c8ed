import Foundation
import XCTest
import Coverage
import Geo
@testable import CoverageMap

/// The picture's SVG is drawn at national scale, and a converter that refuses the SVG costs the
/// PNG, not the run.
final class MapPictureTests: XCTestCase {
    func testPathDataWrittenAsBytesReadsAsTheNumbersInTenths() {
        // Every tenth as `tenth` writes it: signs, zero fractions, the clamped extremes.
        for t in [0, 1, 9, 10, 11, 99, 100, 105, 12345, -1, -9, -10, -15, -100, -12345, Int.max, -Int.max] {
            var bytes: [UInt8] = Array("x".utf8)
            MapPicture.appendTenth(t, to: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "x" + MapPicture.tenth(t), "\(t)")
        }
        // Against the numbers' own text, for every tenth to ±2000.0 and longer ones.
        func text(_ t: Int) -> String {
            let n = t.magnitude
            return (t < 0 ? "-" : "") + String(n / 10) + (n % 10 == 0 ? "" : "." + String(n % 10))
        }
        for t in Array(-20_000...20_000) + [99_999, 100_000, 123_456_789, -987_654_321, Int.max, -Int.max] {
            var bytes: [UInt8] = []
            MapPicture.appendTenth(t, to: &bytes)
            if String(decoding: bytes, as: UTF8.self) != text(t) { XCTFail("\(t): \(String(decoding: bytes, as: UTF8.self))"); break }
        }
        XCTAssertEqual(MapPicture.tenth(-5), "-0.5")
        XCTAssertEqual(MapPicture.tenth(1230), "123")
        typealias Part = PixelPart
        let first: [Part] = [Part(tenths: [(0, 0), (15, -20), (100, 7)], hole: false), Part(tenths: [(-3, 40), (5, 5)], hole: true)]
        let parts: [[Part]] = [first, [], [Part(tenths: [(1, 2), (3, 4)], hole: false)]]
        XCTAssertEqual(MapPicture.pathData(parts, closed: true), "M0 0L1.5 -2L10 0.7ZM-0.3 4L0.5 0.5ZM0.1 0.2L0.3 0.4Z")
        XCTAssertEqual(MapPicture.pathData(parts, closed: false), "M0 0L1.5 -2L10 0.7M-0.3 4L0.5 0.5M0.1 0.2L0.3 0.4")
        // Enough shapes to be made on both cores, joined in order.
        let many: [[Part]] = (0..<3000).map { i in [Part(tenths: [(i, -i), (i + 5, 10 * i)], hole: false)] }
        let expected: [String] = (0..<3000).map { i in
            let t = MapPicture.tenth
            return "M" + t(i) + " " + t(-i) + "L" + t(i + 5) + " " + t(10 * i)
        }
        XCTAssertEqual(MapPicture.pathData(many, closed: false), expected.joined())
    }

    /// A picture takes the outlines' pixels given with its input when they were made with its own
    /// key (the same shapes' thinning and projection), and makes them from the shapes otherwise: a
    /// village's pixels marked (a triangle no square makes) show in the SVG only with the right key.
    func testGivenPixelsAreTakenOnlyWithThePicturesOwnKey() throws {
        func square(_ x: Double, _ y: Double) -> Shape {
            .polygon([[Coordinate(x, y), Coordinate(x + 0.1, y), Coordinate(x + 0.1, y + 0.1), Coordinate(x, y + 0.1), Coordinate(x, y)]])
        }
        var input = MapPictureInput(title: "t", villages: [.init(shape: square(108.5, 14), status: "covered"),
                                                          .init(shape: square(108.8, 14.3), status: "uncovered")],
                                    gaps: [square(108.82, 14.32)], extensions: [.lineString([Coordinate(108.5, 14), Coordinate(108.9, 14.4)])])
        let made = MapPicture.drawing(input)
        XCTAssertEqual(made.pixels.villages.count, 2)
        XCTAssertEqual(made.pixels.gaps.count, 1)
        XCTAssertEqual(made.pixels.extensions.count, 1)
        XCTAssertEqual(made.pixels.villages[0].first?.tenths.count, 4, "a square's four corners, the closing point dropped")
        let triangle = [PixelPart(tenths: [(1_000, 1_000), (1_100, 1_000), (1_050, 1_100)], hole: false)]
        XCTAssertTrue(made.svg.contains(MapPicture.pathData([made.pixels.villages[0]], closed: true)))
        XCTAssertFalse(made.svg.contains(MapPicture.pathData([triangle], closed: true)))
        input.villages[0].pixels = triangle
        input.gapPixels = [triangle]
        input.pixelsMadeWith = made.pixels.key
        let taken = MapPicture.drawing(input)
        XCTAssertTrue(taken.svg.contains(MapPicture.pathData([triangle], closed: true)))
        XCTAssertTrue(PixelPart.same(taken.pixels.villages[0], triangle))
        XCTAssertTrue(PixelPart.same(taken.pixels.gaps[0], triangle))
        XCTAssertTrue(PixelPart.same(taken.pixels.villages[1], made.pixels.villages[1]), "no pixels given: made")
        XCTAssertEqual(taken.pixels.key, made.pixels.key)
        // Another thinning, or another projection (a village moved widens the box): made again.
        var thinnedOtherwise = input
        thinnedOtherwise.shapesKey.add(1)
        XCTAssertEqual(MapPicture.drawing(thinnedOtherwise).svg, made.svg)
        var moved = input
        moved.villages[1].shape = square(108.9, 14.3)
        let drawnMoved = MapPicture.drawing(moved)
        XCTAssertNotEqual(drawnMoved.pixels.key, made.pixels.key)
        XCTAssertFalse(drawnMoved.svg.contains(MapPicture.pathData([triangle], closed: true)))
    }

    func testAnSVGOverTenMegabytesIsDrawn() throws {
        // 12 MB of path data in one attribute: libxml2 refuses it unless told the input may be huge.
        var d = ""
        d.reserveCapacity(12_200_000)
        var k = 0
        while d.utf8.count < 12_000_000 {
            d += "M\(k % 400) \(k / 400 % 300)h0.5v0.5h-0.5Z"
            k += 1
        }
        let svg = Array(##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><path d="\##(d)" fill="#3f9e4d"/></svg>"##.utf8)
        guard let job = PNGConverter.start(svg: svg) else { throw XCTSkip("rsvg-convert is not installed") }
        let png = try XCTUnwrap(job.wait(), job.failure ?? "")
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    func testAConverterThatRefusesTheSVGCostsOnlyThePNG() throws {
        // 24 MB that is not SVG: rsvg-convert gives up after the first element, and the rest of
        // the write meets a closed pipe (SIGPIPE would end the process).
        let junk = Array("<html>not a picture</html>".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 24 << 20)
        guard let job = PNGConverter.start(svg: junk) else { throw XCTSkip("rsvg-convert is not installed") }
        XCTAssertNil(job.wait())
        let failure = try XCTUnwrap(job.failure)
        XCTAssertTrue(failure.hasPrefix("report.png was not drawn: rsvg-convert failed (exit status "), failure)
        // The same converter draws a good picture afterwards.
        let good = PNGConverter.start(svg: Array(##"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#3f9e4d"/></svg>"##.utf8))
        let png = try XCTUnwrap(good?.wait())
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertNil(good?.failure)
    }
}
