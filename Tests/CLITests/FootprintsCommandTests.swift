import Foundation
import XCTest

final class FootprintsCommandTests: XCTestCase {
    func features(_ args: [String]) throws -> [[String: Any]] {
        let r = try CLI.run(["footprints"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        let fc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(fc["type"] as? String, "FeatureCollection")
        XCTAssertNil(fc["crs"])
        return fc["features"] as! [[String: Any]]
    }

    func testOneFeaturePerSectorWithItsProperties() throws {
        let all = try features(["--sites", "Tests/CLITests/Fixtures/crs/sites.csv", "--arc-step", "5"])
        XCTAssertEqual(all.count, 3)
        let props = all.map { $0["properties"] as! [String: Any] }
        XCTAssertEqual(props.map { $0["site_id"] as! String }, ["VT-1", "VT-1", "VNP-2"])
        XCTAssertEqual(props.map { $0["operator"] as! String }, ["Viettel", "Viettel", "VinaPhone"])
        XCTAssertEqual(props.map { $0["tech"] as! String }, ["4G", "5G", "3G"])
        XCTAssertEqual(props.map { $0["radius_m"] as! Double }, [2500, 800, 3000])
        XCTAssertEqual(props.map { $0["beamwidth"] as! Double }, [360, 360, 180])
        XCTAssertTrue(props[0]["azimuth"] is NSNull)
        XCTAssertEqual(props[2]["azimuth"] as? Double, 90)
        XCTAssertTrue(props[0]["position_uncertainty_m"] is NSNull)
        // docs/model.md §3: an omni circle has ceil(360/step) vertices plus the closing one; a sector has
        // the apex, ceil(beamwidth/step) + 1 arc vertices and the apex again.
        let rings = all.map { (($0["geometry"] as! [String: Any])["coordinates"] as! [[[Double]]])[0] }
        XCTAssertEqual(all.map { ($0["geometry"] as! [String: Any])["type"] as! String }, ["Polygon", "Polygon", "Polygon"])
        XCTAssertEqual(rings.map(\.count), [73, 73, 39])
        XCTAssertEqual(rings[2].first, [108.935, 14.105])
        XCTAssertEqual(rings[2].last, [108.935, 14.105])
        // The 3G sector faces east: its vertex at azimuth 90° lies 3 km east, on the site's latitude
        // (to 6 decimals, within 0.01° of longitude for 3 km at 14° N).
        let east = rings[2][1 + 18]
        XCTAssertEqual(east[0], 108.935 + 3000 / (111_320 * cos(14.105 * .pi / 180)), accuracy: 0.0005)
        XCTAssertEqual(east[1], 14.105, accuracy: 0.00005)
    }

    /// OpenCelliD's export layout: operator from MCC-MNC, tech from radio, range kept as position uncertainty.
    func testOpenCelliDExport() throws {
        let all = try features(["--sites", "Tests/CLITests/Fixtures/opencellid.csv"])
        let props = all.map { $0["properties"] as! [String: Any] }
        XCTAssertEqual(props.map { $0["operator"] as! String }, ["MobiFone", "VinaPhone", "Viettel", "Vietnamobile", "Gmobile", "452-08"])
        XCTAssertEqual(props.map { $0["tech"] as! String }, ["2G", "3G", "4G", "5G", "4G", "2G"])
        XCTAssertEqual(props.map { $0["site_id"] as! String },
                       ["452-1-10201-31021", "452-2-20311-8812345", "452-4-30012-26470401", "452-5-41001-123456789012", "452-7-50001-5001", "452-8-60001-6001"])
        // Omnidirectional at the tech's default radius; OpenCelliD's range is not a coverage radius.
        XCTAssertEqual(props.map { $0["radius_m"] as! Double }, [5000, 3000, 2500, 800, 2500, 5000])
        XCTAssertEqual(props.map { $0["beamwidth"] as! Double }, [360, 360, 360, 360, 360, 360])
        XCTAssertEqual(props.map { $0["position_uncertainty_m"] as! Double }, [1523, 870, 2210, 350, 1000, 4500])
        XCTAssertEqual(all.map { (($0["geometry"] as! [String: Any])["coordinates"] as! [[[Double]]])[0].count }, Array(repeating: 181, count: 6))
    }

    func testFootprintsToAFile() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let out = tmp.appendingPathComponent("f.geojson").path
        let r = try CLI.run(["footprints", "--sites", "GeoData/binh-dinh/sites.csv", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let fc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as! [String: Any]
        // One feature per row of the bundled sites table.
        let rows = try String(contentsOfFile: CLI.root.appendingPathComponent("GeoData/binh-dinh/sites.csv").path, encoding: .utf8)
            .split(separator: "\n").count - 1
        XCTAssertEqual((fc["features"] as! [Any]).count, rows)
        XCTAssertEqual(rows, 3042)
    }
}
