import Foundation
import XCTest

/// The bundled dataset is made by its generator, not by hand: running it again from the committed
/// outlines gives the same bytes, relief and the sites placed against the terrain model included.
final class BundledDatasetTests: XCTestCase {
    static let files = ["villages.geojson", "sites.csv", "fibre.geojson", "places.geojson", "centres.geojson", "dem.tif",
                        "speedtests-mobile.csv", "speedtests-fixed.csv", "README.md"]

    func testGeneratorRecreatesTheBundledFilesByteForByte() throws {
        let python = "/usr/bin/python3"
        let probe = try CLI.runTool(python, ["-c", "import numpy, osgeo.gdal"])
        guard probe.status == 0 else { throw XCTSkip("GDAL's Python bindings or numpy are missing; Scripts/setup installs them") }
        let out = try CLI.temporaryDirectory(self)
        // The generator places sites against covgap's own terrain model: this build's covgap.
        setenv("COVGAP", CovgapProcess.executable, 1)
        let r = try CLI.runTool(python, [CLI.root.appendingPathComponent("Scripts/binh-dinh/generate.py").path,
                                         "data", "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let bundled = CLI.root.appendingPathComponent("GeoData/binh-dinh")
        for name in Self.files {
            let made = try Data(contentsOf: out.appendingPathComponent(name))
            XCTAssertGreaterThan(made.count, 1000, name)
            XCTAssertEqual(made, try Data(contentsOf: bundled.appendingPathComponent(name)), "\(name) differs from the generator's output")
        }
        // The outlines are read, not written, by this step.
        for name in ["communes.geojson", "districts.geojson", "province.geojson"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
    }
}
