import Foundation
import XCTest
@testable import CoverageMap

/// The picture's SVG stays readable by librsvg at national scale, and a converter that refuses
/// the SVG costs the PNG, not the run.
final class MapPictureTests: XCTestCase {
    func testPathDataIsSplitBetweenShapesBelowTheLimit() {
        let shapes = ["M0 0L1 0L1 1Z", "M5 5L6 5L6 6ZM5.2 5.2L5.8 5.2L5.8 5.8Z", "M9 9L10 9L10 10Z"]
        // Under the limit: one element, as a picture of one province always had.
        XCTAssertEqual(MapPicture.pathElements(shapes, ##" stroke="#fff""##),
                       ##"<path d="M0 0L1 0L1 1ZM5 5L6 5L6 6ZM5.2 5.2L5.8 5.2L5.8 5.8ZM9 9L10 9L10 10Z" stroke="#fff"/>"##)
        // A limit of 40 bytes: the two-ring shape (38 bytes) stays whole in its own element.
        XCTAssertEqual(MapPicture.pathElements(shapes, maxPathData: 40),
                       #"<path d="M0 0L1 0L1 1Z"/><path d="M5 5L6 5L6 6ZM5.2 5.2L5.8 5.2L5.8 5.8Z"/><path d="M9 9L10 9L10 10Z"/>"#)
        XCTAssertEqual(MapPicture.pathElements([]), #"<path d=""/>"#)
        XCTAssertLessThan(MapPicture.maxPathData, 10_000_000, "libxml2's limit on an attribute value")
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
