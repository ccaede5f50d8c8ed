import Foundation
import XCTest
import Geo
@testable import CoverageMap
import TestSupport

/// One palette and the run's thresholds in the page and the picture; the page's script is valid JavaScript.
final class PaletteTests: XCTestCase {
    func testThresholdPercentagesAsLegendsWriteThem() {
        XCTAssertEqual(Palette.Thresholds().coveredPercent, "95")
        XCTAssertEqual(Palette.Thresholds().uncoveredPercent, "5")
        XCTAssertEqual(Palette.Thresholds(coveredMin: 0.975, uncoveredMax: 0.025).coveredPercent, "97.5")
        XCTAssertEqual(Palette.Thresholds(coveredMin: 0.975, uncoveredMax: 0.025).uncoveredPercent, "2.5")
        XCTAssertEqual(Palette.Thresholds.fraction(0.025), "0.025")
    }

    func testPictureLegendFollowsTheThresholds() {
        let square = Shape.polygon([[Coordinate(109, 14), Coordinate(109.01, 14), Coordinate(109.01, 14.01), Coordinate(109, 14)]])
        let input = MapPictureInput(title: "t", villages: [.init(shape: square, status: "partial")],
                                    thresholds: .init(coveredMin: 0.9, uncoveredMax: 0.1))
        let svg = MapPicture.svg(input)
        XCTAssertTrue(svg.contains("Covered (≥ 90 %)"), svg)
        XCTAssertTrue(svg.contains("Partial (10–90 %)"))
        XCTAssertTrue(svg.contains("Uncovered (&lt; 10 %)") || svg.contains("Uncovered (< 10 %)"))
        XCTAssertFalse(svg.contains("95 %"))
        XCTAssertTrue(svg.contains(Palette.partial))
    }

    func testPageLegendAndClassesFollowTheThresholds() {
        let page = MapPage.html(payloadJSON: "{}", thresholds: .init(coveredMin: 0.975, uncoveredMax: 0.025))
        XCTAssertTrue(page.contains(#"{ label: "Covered (\u2265 97.5 %)", color: GREEN }"#))
        XCTAssertTrue(page.contains(#"{ label: "Partial (2.5\u201397.5 %)", color: AMBER }"#))
        XCTAssertTrue(page.contains("f < 0.025 ? 0 : f < 0.5 ? 1 : f < 0.975 ? 2 : 3;"))
        XCTAssertTrue(page.contains("--green: \(Palette.covered);"))
        XCTAssertTrue(page.contains(#"var RED = "\#(Palette.uncovered)""#))
        // Every placeholder was filled.
        XCTAssertNil(page.range(of: #"@[a-z_]+@"#, options: .regularExpression))
    }

    /// The script as the page embeds it parses as JavaScript (`node --check`).
    func testPageScriptPassesNodeCheck() throws {
        let node = ["/usr/bin/node", "/usr/local/bin/node"].first(where: FileManager.default.isExecutableFile)
        guard let node else { throw XCTSkip("node is not installed (Scripts/setup installs it)") }
        let page = MapPage.html(payloadJSON: "{}")
        let start = page.range(of: "</script>\n<script>\n")!.upperBound
        let end = page.range(of: "</script>", range: start..<page.endIndex)!.lowerBound
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-map-\(UUID().uuidString).js")
        try String(page[start..<end]).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try Tool.run(node, ["--check", file.path])
        XCTAssertEqual(r.status, 0, r.stderr)
    }
}
