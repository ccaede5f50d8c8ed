import Foundation
import XCTest
import Geo
@testable import Coverage
import TestSupport

/// `los` against GDAL's own line-of-sight tool on a hilly DEM: per 1 km² village, the covered
/// fraction against the share of the village's DEM cells that gdal_viewshed marks visible.
final class ViewshedTests: XCTestCase, UTMFrame {
    func testLineOfSightAgreesWithGdalViewshed() throws {
        let cell = 30.0, half = 4_500.0
        // Hills of 100–300 m over a few kilometres: valleys a 30 m mast cannot see into.
        let dem = try DEMFile.write(minX: origin.x - half, minY: origin.y - half, maxX: origin.x + half, maxY: origin.y + half,
                                    cell: cell) { x, y in
            let u = x - origin.x, v = y - origin.y
            return 200 + 90 * sin(u / 650) * cos(v / 820) + 45 * sin((u + 1.7 * v) / 380) + 25 * cos((u - v) / 230)
        }
        let radius = 3_000.0
        let site = Coordinate(origin.x + 15, origin.y + 15)  // a cell centre
        let viewshed = try TestFolders.make("viewshed").appendingPathComponent("viewshed.tif").path
        try DEMFile.runTool("/usr/bin/gdal_viewshed", ["-q", "-ox", String(site.x), "-oy", String(site.y), "-oz", "30", "-tz", "1.5",
                                                       "-md", String(radius), "-cc", "0.75", "-vv", "1", "-iv", "0", "-ov", "0",
                                                       dem, viewshed])
        let visible = try Raster(contentsOf: viewshed)

        var villages: [Village] = []
        var truth: [Double] = []
        for i in -3..<3 {
            for j in -3..<3 {
                let x = Double(i) * 1000, y = Double(j) * 1000
                villages.append(Village(id: "\(i),\(j)", name: "V", shape: .polygon([try squareRing(x, y, 1000)])))
                // Cells whose centres lie in the village, visible or not.
                var seen = 0, total = 0
                for cx in stride(from: x + cell / 2, to: x + 1000, by: cell) {
                    for cy in stride(from: y + cell / 2, to: y + 1000, by: cell) {
                        total += 1
                        if visible.height(x: origin.x + cx, y: origin.y + cy) ?? 0 > 0.5 { seen += 1 }
                    }
                }
                truth.append(Double(seen) / Double(total))
            }
        }
        var p = parameters(jobs: 2)
        p.arcStep = 1
        p.radio.mode = .los
        p.radio.dem = try Raster(contentsOf: dem)
        p.radius[.g4] = radius
        let s = Sector(siteID: "S", operator: "V", tech: .g4, location: try lonLat(15, 15))
        let result = try CoverageAnalysis(input: AnalysisInput(villages: villages, sectors: [s]), parameters: p).run()
        let fractions = result.villages.map { $0.fraction(.mobile) }
        let agree = zip(fractions, truth).filter { abs($0 - $1) <= 0.05 }.count
        let differences = zip(fractions, truth).map { String(format: "%.3f/%.3f", $0, $1) }.joined(separator: " ")
        XCTAssertGreaterThanOrEqual(Double(agree) / Double(villages.count), 0.95, differences)
        // The hills hide something: neither all visible nor all hidden.
        XCTAssertTrue(truth.contains { $0 > 0.2 && $0 < 0.8 }, differences)
    }
}
