import Foundation
import XCTest

/// The bundled relief (GeoData/binh-dinh/dem.tif) and why Làng O2 is dark, checked with GDAL's own
/// tools as the oracle: gdal_viewshed from each site within reach (observer 30 m above the ground,
/// target 1.5 m, refraction coefficient 0.75) sees none of O2's centre, while the other named villages
/// and a spread of others are seen by at least one site within reach.
final class BundledTerrainTests: XCTestCase {
    static let folder = CLI.root.appendingPathComponent("GeoData/binh-dinh")

    func tool(_ name: String) throws -> String {
        guard let path = ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("\(name) (gdal-bin) is not installed; Scripts/setup installs it")
        }
        return path
    }

    struct Site { var id: String; var lon, lat, reach: Double }

    func sites() throws -> [Site] {
        var byID: [String: Site] = [:]
        let text = try String(contentsOf: Self.folder.appendingPathComponent("sites.csv"), encoding: .utf8)
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let (lat, lon, r) = (Double(f[2])!, Double(f[3])!, Double(f[7])!)
            byID[f[0], default: Site(id: f[0], lon: lon, lat: lat, reach: r)].reach = max(byID[f[0]]?.reach ?? r, r)
        }
        return byID.values.sorted { $0.id < $1.id }
    }

    func centres() throws -> [String: (name: String, lon: Double, lat: Double)] {
        let fc = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("villages.geojson"))) as! [String: Any]
        var out: [String: (String, Double, Double)] = [:]
        for f in fc["features"] as! [[String: Any]] {
            let p = f["properties"] as! [String: Any]
            let c = p["center"] as! [Double]
            out[p["id"] as! String] = (p["name"] as! String, c[0], c[1])
        }
        return out
    }

    func metres(_ lon: Double, _ lat: Double, _ lon2: Double, _ lat2: Double) -> Double {
        hypot((lon - lon2) * 111_320 * cos(lat * .pi / 180), (lat - lat2) * 110_700)
    }

    /// Whether `site` sees the point, by gdal_viewshed and gdallocationinfo.
    func sees(_ site: Site, _ lon: Double, _ lat: Double, in dir: URL) throws -> Bool {
        let raster = dir.appendingPathComponent("\(site.id).tif").path
        if !FileManager.default.fileExists(atPath: raster) {
            let r = try CLI.runTool(try tool("gdal_viewshed"), [
                "-q", "-ox", "\(site.lon)", "-oy", "\(site.lat)", "-oz", "30", "-tz", "1.5", "-cc", "0.75",
                "-md", "\(site.reach + 200)", "-f", "GTiff", Self.folder.appendingPathComponent("dem.tif").path, raster])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let v = try CLI.runTool(try tool("gdallocationinfo"), ["-valonly", "-wgs84", raster, "\(lon)", "\(lat)"])
        XCTAssertEqual(v.status, 0, v.stderr)
        return v.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "255"
    }

    func testRidgesHideLangO2FromEveryTowerWithinReach() throws {
        let dir = try CLI.temporaryDirectory(self)
        let all = try sites(), villages = try centres()
        func within(_ id: String) -> [Site] {
            let v = villages[id]!
            return all.filter { metres($0.lon, $0.lat, v.lon, v.lat) <= $0.reach }
        }
        let o2 = try XCTUnwrap(villages["21790-01"])
        XCTAssertEqual(o2.name, "Làng O2")
        let reaching = within("21790-01")
        XCTAssertGreaterThanOrEqual(reaching.count, 3, "O2 is inside the flat footprints")
        for s in reaching {
            XCTAssertGreaterThan(metres(s.lon, s.lat, o2.lon, o2.lat), 3500, s.id)
            XCTAssertFalse(try sees(s, o2.lon, o2.lat, in: dir), "\(s.id) sees Làng O2")
        }
        // The other named villages, the rest of Xã Vĩnh Kim and every 50th village are seen.
        let others = ["21619-01", "21619-05", "21631-06", "21997-01", "21997-02", "21997-04", "22000-01",
                      "21790-02", "21790-03", "21790-04", "21790-05"] + villages.keys.sorted().enumerated().filter { $0.offset % 50 == 7 }.map(\.element)
        for id in others where id != "21790-01" {
            let v = villages[id]!
            let seen = try within(id).sorted { metres($0.lon, $0.lat, v.lon, v.lat) < metres($1.lon, $1.lat, v.lon, v.lat) }
                .contains { try sees($0, v.lon, v.lat, in: dir) }
            XCTAssertTrue(seen, "\(id) \(v.name) is seen by no site within reach")
        }
    }

    func testTheReliefIsACompressedNinetyMetreGridMarkedConstructed() throws {
        let r = try CLI.runTool(try tool("gdalinfo"), ["-json", "-stats", "--config", "GDAL_PAM_ENABLED", "NO",
                                                        Self.folder.appendingPathComponent("dem.tif").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let info = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(info["size"] as? [Int], [1020, 1572])
        let gt = info["geoTransform"] as! [Double]
        XCTAssertEqual(gt[1], 1.0 / 1200, accuracy: 1e-12)        // about 90 m
        XCTAssertEqual((info["metadata"] as? [String: Any]).flatMap { ($0["IMAGE_STRUCTURE"] as? [String: String])?["COMPRESSION"] }, "DEFLATE")
        let description = ((info["metadata"] as? [String: Any])?[""] as? [String: String])?["TIFFTAG_IMAGEDESCRIPTION"] ?? ""
        XCTAssertTrue(description.contains("constructed"), description)
        let band = (info["bands"] as! [[String: Any]])[0]
        XCTAssertEqual(band["type"] as? String, "Int16")
        XCTAssertEqual(band["minimum"] as? Double, 0, "the sea")
        XCTAssertTrue((1000...1250).contains(band["maximum"] as! Double), "\(band["maximum"]!)")
        // West is high, the coast low: An Lão's highlands against Quy Nhơn's shore.
        func height(_ lon: Double, _ lat: Double) throws -> Int {
            let v = try CLI.runTool(try tool("gdallocationinfo"), ["-valonly", "-wgs84", Self.folder.appendingPathComponent("dem.tif").path, "\(lon)", "\(lat)"])
            return Int(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        XCTAssertGreaterThan(try height(108.66, 14.55), 500)
        XCTAssertLessThan(try height(109.05, 13.88), 30, "the Kôn valley in An Nhơn")
        XCTAssertEqual(try height(109.215, 13.86), 0, "the Thị Nại lagoon")
    }
}
