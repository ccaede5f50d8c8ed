import Foundation
import XCTest

/// Inputs far bigger than a village ever is: they must finish, in bounded memory.
final class LargeInputTests: XCTestCase {
    /// The largest resident set of any child process waited for so far, in bytes.
    static func childrenPeakBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// A village polygon of `n` vertices: an ellipse 0.01° across around the good sites' tower.
    static func circleVillage(vertices n: Int) -> String {
        var text = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"BIG","name":"Làng Lớn"},"geometry":{"type":"Polygon","coordinates":[["#
        text.reserveCapacity(n * 26 + 200)
        func position(_ k: Int) -> String {
            let a = 2 * Double.pi * Double(k % n) / Double(n)
            // Seven decimals, as many GIS exports write: half of the sixth-decimal ties are hard to round.
            return "[" + String(format: "%.7f", 108.805 + 0.01 * cos(a)) + "," + String(format: "%.7f", 14.305 + 0.01 * sin(a)) + "]"
        }
        for k in 0...n {
            if k > 0 { text += "," }
            text += position(k)
        }
        return text + "]]}}]}\n"
    }

    func testVillageWithAMillionVertices() throws {
        let folder = try CovgapProcess.temporaryDirectory("covgap-large")
        defer { try? FileManager.default.removeItem(at: folder) }
        let villages = folder.appendingPathComponent("villages.geojson")
        try Self.circleVillage(vertices: 1_000_000).write(to: villages, atomically: false, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        // A hang guard for slow (sanitizer) builds, not a timing: a debug build takes about 25 s.
        let r = try CovgapProcess.run(["analyze", "--villages", villages.path, "--sites", BadInputTests.goodSites,
                                       "--out", out.path, "--quiet"], limit: 900)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let v = try XCTUnwrap(try villagesOf(try reportJSON(out)).first)
        // π · 1078 m · 1106 m: the ellipse's semi-axes at 14.3° N.
        XCTAssertEqual(v["area_m2"] as? Double ?? 0, 3_746_000, accuracy: 40_000)
        XCTAssertEqual(v["mobile_status"] as? String, "covered")
        let geojson = try Data(contentsOf: out.appendingPathComponent("report.geojson"))
        XCTAssertGreaterThan(geojson.count, 20_000_000, "the village is written with all its vertices")
        let peakMiB = Self.childrenPeakBytes() / 1_048_576
        print("million-vertex village: peak resident memory of covgap runs so far \(peakMiB) MiB")
        // A 25 MB file needs ~170 MiB (debug); a copy per vertex or a quadratic buffer would show here.
        // (AddressSanitizer keeps freed memory in quarantine: its runs allow four times as much.)
        let sanitized = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
        XCTAssertLessThan(peakMiB, sanitized ? 4096 : 1024)
    }
}
