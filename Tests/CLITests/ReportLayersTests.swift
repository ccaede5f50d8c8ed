import Foundation
import XCTest

/// report.gpkg, report.kmz and report.csv's dialects, checked with GDAL's own tools.
final class ReportLayersTests: XCTestCase {
    static let run: Result<URL, Error> = Result {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-layers-\(getpid())")
        try? FileManager.default.removeItem(at: out)
        atexit { try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("covgap-layers-\(getpid())")) }
        let r = try CLI.run(["analyze", "--out", out.path, "--outputs", "json,csv,gpkg,kmz", "--csv-dialect", "excel-vi", "--quiet"])
        guard r.status == 0 else { throw NSError(domain: r.stderr, code: Int(r.status)) }
        return out
    }

    func ogrinfo(_ arguments: [String]) throws -> String {
        let r = try CLI.runTool("/usr/bin/ogrinfo", ["-ro"] + arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    func testOnlyTheChosenFilesAreWritten() throws {
        let out = try Self.run.get()
        // report.reuse, the side file `--since` reads, is written whatever --outputs chooses.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(),
                       ["report.csv", "report.gpkg", "report.json", "report.kmz", "report.reuse"])
    }

    func testGeoPackageHasFiveTypedLayersAndStyles() throws {
        let gpkg = try Self.run.get().appendingPathComponent("report.gpkg").path
        let list = try ogrinfo([gpkg])
        for line in ["1: villages (Multi Polygon)", "2: gaps (Polygon)", "3: fibre_extensions (Line String)", "4: priority_places", "5: proposed_sites (Point)", "6: layer_styles (None)"] {
            XCTAssertTrue(list.contains(line), list)
        }
        let villages = try ogrinfo(["-so", gpkg, "villages"])
        for field in ["id: String", "households: Integer64", "area_m2: Real", "status: String", "mobile: Real", "mobile_pct: Real", "area_ha: Real", "fibre_m: Real"] {
            XCTAssertTrue(villages.contains(field), villages)
        }
        XCTAssertTrue(villages.contains("Feature Count: 1000"), villages)
        let sites = try ogrinfo(["-so", gpkg, "proposed_sites"])
        XCTAssertTrue(sites.contains("households: Integer64"), sites)
        // One default style per layer, the villages' categorised by status in report.geojson's colours
        // (which its description names).
        let styles = try ogrinfo([gpkg, "-sql", "SELECT f_table_name, useAsDefault, styleQML, description FROM layer_styles ORDER BY f_table_name"])
        XCTAssertTrue(styles.contains("description (String) = covgap: coloured as report.geojson and report.kmz"), styles)
        XCTAssertFalse(styles.contains("report.html"), styles)
        XCTAssertTrue(styles.contains("Feature Count: 5"), styles)
        for table in ["fibre_extensions", "gaps", "priority_places", "proposed_sites", "villages"] {
            XCTAssertTrue(styles.contains("f_table_name (String) = \(table)"), styles)
        }
        XCTAssertTrue(styles.contains(#"<renderer-v2 type="categorizedSymbol" attr="status""#), styles)
        XCTAssertTrue(styles.contains(#"<category value="uncovered" symbol="2""#), styles)
        XCTAssertTrue(styles.contains(#"value="215,25,28,255""#), "uncovered is #d7191c: \(styles)")
        // The villages' figures are report.json's.
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: try Self.run.get().appendingPathComponent("report.json"))) as! [String: Any]
        let first = (report["villages"] as! [[String: Any]])[0]
        let row = try ogrinfo([gpkg, "-sql", "SELECT id, status, mobile FROM villages WHERE fid = 1"])
        XCTAssertTrue(row.contains("id (String) = \(first["id"]!)"), row)
        XCTAssertTrue(row.contains("status (String) = \(first["mobile_status"]!)"), row)
    }

    func testKMZHasAFolderPerDistrict() throws {
        let kmz = try Self.run.get().appendingPathComponent("report.kmz").path
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: try Self.run.get().appendingPathComponent("report.json"))) as! [String: Any]
        let districts = Set((report["villages"] as! [[String: Any]]).map { $0["district"] as! String }).sorted()
        let info = try ogrinfo(["--config", "GDAL_SKIP", "KML", kmz])
        XCTAssertTrue(info.contains("using driver `LIBKML' successful"), info)
        for (k, d) in districts.enumerated() { XCTAssertTrue(info.contains("\(k + 1): \(d)"), "\(d) in \(info)") }
        XCTAssertFalse(info.contains("\(districts.count + 1): "), info)
        let one = try ogrinfo(["--config", "GDAL_SKIP", "KML", kmz, districts[0], "-fid", "1"])
        XCTAssertTrue(one.contains("Trạng thái di động / Mobile status"), one)
        XCTAssertTrue(one.contains("BRUSH(fc:#"), one)
    }

    func testSameBytesWhateverTheThreadCount() throws {
        let one = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["analyze", "--out", one.path, "--outputs", "gpkg,kmz", "--quiet", "--jobs", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: one.path).sorted(), ["report.gpkg", "report.kmz", "report.reuse"])
        for name in ["report.gpkg", "report.kmz"] {
            XCTAssertEqual(try Data(contentsOf: one.appendingPathComponent(name)),
                           try Data(contentsOf: try Self.run.get().appendingPathComponent(name)), name)
        }
    }

    func testExcelVietnameseCSV() throws {
        let bytes = try Data(contentsOf: try Self.run.get().appendingPathComponent("report.csv"))
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let lines = text.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("id;name;commune;district;households;area_m2;area_ha;mobile;mobile_pct;"), String(lines[0]))
        // Tổ dân phố 1 of Phường Nhơn Bình: 800752.41 m² → 800752,41 m² and 80,0752 ha; the fibre 276.03 m away.
        XCTAssertTrue(lines[1].hasPrefix("21550-01;Tổ dân phố 1;Phường Nhơn Bình;Thành phố Quy Nhơn;482;800752,41;80,0752;1;100;1;100;"), String(lines[1]))
        XCTAssertTrue(lines[1].contains(";covered;available;276,03;109,18374;13,815744;"), String(lines[1]))
    }
}
