import Foundation
import XCTest

/// The bundled dataset is made by its generator, not by hand: running it again gives the same bytes.
final class BundledDatasetTests: XCTestCase {
    func testGeneratorRecreatesTheBundledFilesByteForByte() throws {
        let out = try CLI.temporaryDirectory(self)
        let r = try CLI.runTool("/usr/bin/env", ["python3", CLI.root.appendingPathComponent("Scripts/gen-binh-dinh").path,
                                                 "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let bundled = CLI.root.appendingPathComponent("GeoData/binh-dinh")
        for name in ["villages.geojson", "sites.csv", "fibre.geojson", "places.geojson", "README.md"] {
            let made = try Data(contentsOf: out.appendingPathComponent(name))
            XCTAssertGreaterThan(made.count, 1000, name)
            XCTAssertEqual(made, try Data(contentsOf: bundled.appendingPathComponent(name)), "\(name) differs from the generator's output")
        }
    }
}
