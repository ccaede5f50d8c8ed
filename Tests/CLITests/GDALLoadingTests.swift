import Foundation
import XCTest

/// covgap opens libgdal only when a run needs GDAL (Geo's GDALLink): a start without it is about
/// 25 ms shorter. The dynamic loader says which files it opened when asked.
final class GDALLoadingTests: XCTestCase {
    /// The files the loader opened while covgap ran with `arguments`, and covgap's exit status.
    private func loaded(_ arguments: [String], in directory: URL, debug: String = "files") throws -> (files: [String], status: Int32, trace: String) {
        #if !os(Linux)
        throw XCTSkip("LD_DEBUG is the GNU loader's")
        #endif
        let run = try CovgapProcess.run(arguments, in: directory, environment: ["LD_DEBUG": debug])
        let text = run.rawStderr
        // "     1234:	file=libgdal.so [0];  dynamically loaded by …"
        let files = text.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "file=") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != " " })
        }
        return (files, run.status, text)
    }

    func testGeoJSONAndCSVRunsNeverOpenGDAL() throws {
        let version = try loaded(["--version"], in: CovgapProcess.fixtures)
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.files.contains { $0.hasPrefix("libgeos_c") }, "the loader's list: \(version.files)")
        XCTAssertFalse(version.files.contains { $0.contains("libgdal") }, "\(version.files)")

        let out = try CovgapProcess.temporaryDirectory("gdal-loading")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try loaded(["analyze", "--villages", "good/villages.geojson", "--sites", "good/sites.csv",
                              "--no-map", "--quiet", "--out", out.appendingPathComponent("out").path], in: CovgapProcess.fixtures)
        XCTAssertEqual(run.status, 0)
        XCTAssertFalse(run.files.contains { $0.contains("libgdal") }, "\(run.files)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("out/report.json").path))
    }

    /// A `--since` run that takes the previous run's image of the map's frame reads it back
    /// through zlib alone: GDAL is not opened for it.
    func testASinceRunTakingTheFramesImageNeverOpensGDAL() throws {
        try XCTSkipIf(!FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert"), "report.png needs rsvg-convert")
        let out = try CovgapProcess.temporaryDirectory("gdal-loading")
        defer { try? FileManager.default.removeItem(at: out) }
        let first = out.appendingPathComponent("first").path, moved = out.appendingPathComponent("moved.csv")
        // The site moved 300 m north: some of the map's bands are drawn again, the frame is the same.
        try Data("site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m\nVT-1,Viettel,14.308,108.805,4G,,,2500\n".utf8).write(to: moved)
        let villages = ["analyze", "--villages", "good/villages.geojson"]
        XCTAssertEqual(try CovgapProcess.run(villages + ["--sites", "good/sites.csv", "--quiet", "--out", first], in: CovgapProcess.fixtures).status, 0)
        let run = try loaded(villages + ["--sites", moved.path, "--since", first, "--out", out.appendingPathComponent("second").path],
                             in: CovgapProcess.fixtures)
        XCTAssertEqual(run.status, 0, run.trace.suffix(2_000).description)
        XCTAssertTrue(run.trace.contains("the frame's image taken from"), run.trace.suffix(2_000).description)
        XCTAssertFalse(run.files.contains { $0.contains("libgdal") }, "\(run.files)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("second/report.png").path))
    }

    func testAGeoPackageOutputOpensGDAL() throws {
        let out = try CovgapProcess.temporaryDirectory("gdal-loading")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try loaded(["analyze", "--villages", "good/villages.geojson", "--sites", "good/sites.csv",
                              "--no-map", "--outputs", "json,gpkg", "--quiet", "--out", out.appendingPathComponent("out").path],
                             in: CovgapProcess.fixtures, debug: "files,bindings")
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.files.contains("libgdal.so"), "\(run.files.filter { $0.contains("gdal") })")
        // Opened into the global scope, libgdal allocates through mimalloc as covgap does
        // ("binding file <caller> [0] to <provider> [0]: normal symbol `malloc'").
        if ProcessInfo.processInfo.environment["COVGAP_SYSTEM_MALLOC"] == nil {
            let gdalMalloc = run.trace.split(separator: "\n").filter { $0.contains("binding file") && $0.contains("libgdal.so") && $0.contains("symbol `malloc'") }
            XCTAssertFalse(gdalMalloc.isEmpty)
            XCTAssertTrue(gdalMalloc.allSatisfy { $0.contains("libmimalloc.so.2") }, "\(gdalMalloc.prefix(3))")
        }
        let gpkg = try Data(contentsOf: out.appendingPathComponent("out/report.gpkg"))
        XCTAssertEqual(Array(gpkg.prefix(16)), Array("SQLite format 3\0".utf8))
    }
}
