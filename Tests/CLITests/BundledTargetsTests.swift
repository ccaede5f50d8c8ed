import Foundation
import XCTest

/// The bundled commune centres and constructed speed tests: every centre on the fibre backbone and
/// inside a site's disc; each speed tile's quadkey names its WKT polygon (zoom 16, computed here
/// independently) and holds a village centre; most tiles above the floors, the few below as the
/// dataset's README lists them.
final class BundledTargetsTests: XCTestCase {
    static let folder = CLI.root.appendingPathComponent("GeoData/binh-dinh")

    func features(_ name: String) throws -> [[String: Any]] {
        let fc = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent(name))) as! [String: Any]
        return fc["features"] as! [[String: Any]]
    }

    func metres(_ a: [Double], _ b: [Double]) -> Double {
        hypot((a[0] - b[0]) * 111_320 * cos(a[1] * .pi / 180), (a[1] - b[1]) * 110_700)
    }

    func testEveryCommuneCentreHasFibreAndIsInsideASiteDisc() throws {
        let centres = try features("centres.geojson")
        XCTAssertEqual(centres.count, 159)
        let communes = Set(try features("communes.geojson").map { ($0["properties"] as! [String: Any])["name"] as! String })
        var ends: [[Double]] = []
        for f in try features("fibre.geojson") where (f["properties"] as! [String: Any])["kind"] as? String == "backbone" {
            ends += (f["geometry"] as! [String: Any])["coordinates"] as! [[Double]]
        }
        var discs: [([Double], Double)] = []
        let rows = try String(contentsOf: Self.folder.appendingPathComponent("sites.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        for row in rows {
            let f = row.split(separator: ",").map(String.init)
            discs.append(([Double(f[3])!, Double(f[2])!], Double(f[7])!))
        }
        for c in centres {
            let p = c["properties"] as! [String: Any]
            XCTAssertEqual(p["category"] as? String, "commune_centre")
            XCTAssertTrue(communes.contains(p["commune"] as! String), "\(p["commune"]!)")
            let at = (c["geometry"] as! [String: Any])["coordinates"] as! [Double]
            XCTAssertLessThan(ends.map { metres($0, at) }.min()!, 1, "\(p["name"]!) is a node of the backbone")
            XCTAssertTrue(discs.contains { metres($0.0, at) < 0.97 * $0.1 }, "\(p["name"]!) has mobile signal")
        }
        XCTAssertEqual(Set(centres.map { ($0["properties"] as! [String: Any])["commune"] as! String }), communes)
    }

    /// The zoom-16 tile of a point, by the Web Mercator tiling, and its bounds from the quadkey.
    func tile(_ lon: Double, _ lat: Double) -> String {
        let n = 65_536.0
        let x = Int((lon + 180) / 360 * n)
        let s = sin(lat * .pi / 180)
        let mercator: Double = log((1 + s) / (1 - s)) / (4 * Double.pi)
        let y = Int((0.5 - mercator) * n)
        var key = ""
        for bit in (0..<16).reversed() {
            let digit: Int = ((x >> bit) & 1) + 2 * ((y >> bit) & 1)
            key += String(digit)
        }
        return key
    }

    func bounds(_ quadkey: String) -> (west: Double, south: Double, east: Double, north: Double) {
        var x = 0, y = 0
        for ch in quadkey {
            let d = Int(String(ch))!
            x = x * 2 + (d & 1)
            y = y * 2 + (d >> 1)
        }
        func lon(_ x: Int) -> Double { Double(x) / 65_536 * 360 - 180 }
        func lat(_ y: Int) -> Double { atan(sinh(.pi * (1 - 2 * Double(y) / 65_536))) * 180 / .pi }
        return (lon(x), lat(y + 1), lon(x + 1), lat(y))
    }

    func rows(_ name: String) throws -> [(quadkey: String, tile: String, down: Int, up: Int, latency: Int, tests: Int, devices: Int)] {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines[0], "quadkey,tile,avg_d_kbps,avg_u_kbps,avg_lat_ms,tests,devices")
        return lines.dropFirst().map { line in
            let q = line.split(separator: "\"")
            let tail = q[2].split(separator: ",").map { Int($0)! }
            return (String(q[0].dropLast()), String(q[1]), tail[0], tail[1], tail[2], tail[3], tail[4])
        }
    }

    func testSpeedTilesAreZoom16QuadkeysOverVillageCentres() throws {
        var villageTiles = Set<String>(), o2Tile = ""
        for v in try features("villages.geojson") {
            let p = v["properties"] as! [String: Any], c = p["center"] as! [Double]
            villageTiles.insert(tile(c[0], c[1]))
            if p["id"] as? String == "21790-01" { o2Tile = tile(c[0], c[1]) }
        }
        let mobile = try rows("speedtests-mobile.csv"), fixed = try rows("speedtests-fixed.csv")
        XCTAssertEqual(Set(mobile.map(\.quadkey)), villageTiles.subtracting([o2Tile]),
                       "one mobile tile for each village centre's tile but Làng O2's, where there is no signal")
        XCTAssertEqual(mobile.count, villageTiles.count - 1)
        XCTAssertEqual(fixed.count, mobile.count - 7, "no fixed tile for the seven other villages without fibre")
        for r in mobile + fixed {
            XCTAssertEqual(r.quadkey.count, 16)
            let b = bounds(r.quadkey)
            let wkt = String(format: "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))",
                             b.west, b.south, b.east, b.south, b.east, b.north, b.west, b.north, b.west, b.south)
            XCTAssertEqual(r.tile, wkt, r.quadkey)
            XCTAssertGreaterThan(r.tests, 0)
            XCTAssertGreaterThan(r.devices, 0)
            XCTAssertLessThanOrEqual(r.devices, r.tests)
            XCTAssertLessThan(r.up, r.down)
        }
        // Most above the floors (40 Mb/s for mobile, 200 Mb/s fixed), a few below: 61 mobile tiles
        // (no 4G at the centre, or at the very edge of a 4G cell) and 12 fixed (the longest drops).
        XCTAssertEqual(mobile.filter { $0.down < 40_000 }.count, 61)
        XCTAssertEqual(fixed.filter { $0.down < 200_000 }.count, 12)
        XCTAssertGreaterThan(mobile.filter { $0.down >= 100_000 }.count, 100, "5G and the best 4G")
        let readme = try String(contentsOf: Self.folder.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("no 4G at the centre (3G only, 4-12 Mb/s): 16 villages"))
        XCTAssertTrue(readme.contains("at the very edge of a 4G cell (22-30 Mb/s): 45 villages"))
    }
}
