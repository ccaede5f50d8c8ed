import Foundation
import TestSupport
import XCTest

/// The bundled inputs converted by GDAL's ogr2ogr into the offices' usual formats, fed to covgap as
/// they are: report.json must say what the GeoJSON/CSV run says.
final class OGRInputTests: XCTestCase {
    static let bundled = CLI.root.appendingPathComponent("GeoData/binh-dinh")

    /// The converted files, made once for the whole class.
    static let converted: Result<URL, Error> = Result {
        let dir = try TestFolders.named("ogr")
        let b = bundled.path
        // The centre is a list GDAL's formats cannot hold; it travels in a points file (--centres).
        let plain = ["-select", "id,name,commune,district,province,population,households"]
        let steps: [[String]] = [
            ["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-t_srs", "EPSG:9217"] + plain + ["villages.shp", "\(b)/villages.geojson"],
            ["-f", "MapInfo File", "-t_srs", "EPSG:32649"] + plain + ["villages.tab", "\(b)/villages.geojson"],
            ["-f", "GPKG", "-nln", "villages"] + plain + ["inputs.gpkg", "\(b)/villages.geojson"],
            ["-update", "-f", "GPKG", "-nln", "fibre", "inputs.gpkg", "\(b)/fibre.geojson"],
            ["-update", "-f", "GPKG", "-nln", "places", "inputs.gpkg", "\(b)/places.geojson"],
            ["-update", "-f", "GPKG", "-nln", "sites", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "AUTODETECT_TYPE=YES",
             "-a_srs", "EPSG:4326", "inputs.gpkg", "\(b)/sites.csv"],
            ["-f", "LIBKML", "fibre.kmz", "\(b)/fibre.geojson"],
            ["-f", "LIBKML"] + plain + ["villages.kmz", "\(b)/villages.geojson"],
            ["-f", "XLSX", "-oo", "AUTODETECT_TYPE=YES", "-nln", "Trạm", "-sql",
             "SELECT site_id AS \"Mã trạm\", operator AS \"Nhà mạng\", lat AS \"Vĩ độ\", lon AS \"Kinh độ\", tech AS \"Công nghệ\", " +
             "azimuth AS \"Góc phương vị\", beamwidth AS \"Độ rộng búp sóng\", radius_m AS \"Bán kính\", environment AS \"Môi trường\" FROM sites",
             "sites.xlsx", "\(b)/sites.csv"],
        ]
        for s in steps { try ogr2ogr(s, in: dir) }
        // Google Earth's way: one folder per operator (a layer each, then one KML).
        let fibre = try JSONSerialization.jsonObject(with: Data(contentsOf: bundled.appendingPathComponent("fibre.geojson"))) as! [String: Any]
        let operators = Set((fibre["features"] as! [[String: Any]]).map { ($0["properties"] as! [String: Any])["operator"] as! String }).sorted()
        for op in operators {
            try ogr2ogr(["-f", "GPKG", "-append", "-nln", op, "-where", "operator = '\(op)'", "by-operator.gpkg", "\(b)/fibre.geojson"], in: dir)
        }
        try ogr2ogr(["-f", "LIBKML", "fibre.kml", "by-operator.gpkg"], in: dir)
        // The centres as points with the village id.
        let villages = try JSONSerialization.jsonObject(with: Data(contentsOf: bundled.appendingPathComponent("villages.geojson"))) as! [String: Any]
        let points = (villages["features"] as! [[String: Any]]).map { f -> [String: Any] in
            let p = f["properties"] as! [String: Any]
            return ["type": "Feature", "properties": ["id": p["id"]!], "geometry": ["type": "Point", "coordinates": p["center"]!]]
        }
        try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": points])
            .write(to: dir.appendingPathComponent("centres.geojson"))
        return dir
    }

    static func ogr2ogr(_ arguments: [String], in dir: URL) throws {
        let r = try CLI.runTool("/usr/bin/ogr2ogr", arguments, in: dir)
        guard r.status == 0 else { throw NSError(domain: "ogr2ogr \(arguments.joined(separator: " ")): \(r.stderr)", code: Int(r.status)) }
    }

    func report(_ arguments: [String]) throws -> (json: [String: Any], stderr: String) {
        let dir = try Self.converted.get()
        let out = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["analyze"] + arguments + ["--out", out.path, "--quiet"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        return (json, r.stderr)
    }

    func testShapefileInVN2000SheetWithVietnameseHeadersAndKMLFolders() throws {
        let r = try report(["--villages", "villages.shp", "--centres", "centres.geojson", "--sites", "sites.xlsx",
                            "--fibre", "fibre.kml", "--places", "inputs.gpkg:places"])
        try assertSameReport(r.json, tolerance: 1e-6)
        // Every folder of the KML was read, and the run said so.
        let fibreCount = ((r.json["inputs"] as! [String: Any])["fibre"] as! [String: Any])["count"] as! Int
        XCTAssertEqual(fibreCount, 642)
        let warnings = r.json["warnings"] as! [String]
        XCTAssertEqual(warnings, ["fibre.kml has 3 layers (FPT Telecom, VNPT, Viettel); all are read as fibre (name one as fibre.kml:LAYER to read only it)"])
        XCTAssertTrue(r.stderr.contains("all are read as fibre"), r.stderr)
    }

    func testGeoPackageLayersAndKMZ() throws {
        let r = try report(["--villages", "inputs.gpkg:villages", "--centres", "centres.geojson", "--sites", "inputs.gpkg:sites",
                            "--fibre", "fibre.kmz", "--places", "inputs.gpkg:places"])
        try assertSameReport(r.json, tolerance: 1e-6)
        let k = try report(["--villages", "villages.kmz", "--centres", "centres.geojson", "--sites", "\(Self.bundled.path)/sites.csv"])
        let original = try JSONSerialization.jsonObject(with: try Self.reference.get()) as! [String: Any]
        // Without fibre and places only the mobile figures compare.
        let mobile = { (r: [String: Any]) in (r["villages"] as! [[String: Any]]).map { [$0["id"]!, $0["name"]!, $0["mobile_status"]!, $0["coverage"]!] as [Any] } }
        assertSameFigures(mobile(original), mobile(k.json), tolerance: 1e-6)
    }

    func testVietnameseWindowsCSVWithAChosenField() throws {
        // Semicolons, decimal commas, Vietnamese headers, a byte-order mark, CRLF, "4G LTE"-style
        // technologies, and a site column only --field names.
        let csv = try String(contentsOf: Self.bundled.appendingPathComponent("sites.csv"), encoding: .utf8)
        let names = ["2G": "GSM900", "3G": "WCDMA", "4G": "4G LTE", "5G": "5G NR"]
        var lines = ["Ma_CSHT;Nhà mạng;Vĩ độ;Kinh độ;Công nghệ;Góc phương vị;Độ rộng búp sóng;Bán kính;Môi trường"]
        for line in csv.split(separator: "\n").dropFirst() {
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[4] = names[f[4]]!
            lines.append(f.map { $0.replacingOccurrences(of: ".", with: ",") }.joined(separator: ";"))
        }
        let dir = try CLI.temporaryDirectory(self)
        let path = dir.appendingPathComponent("tram.csv")
        try Data([0xEF, 0xBB, 0xBF] + Array((lines.joined(separator: "\r\n") + "\r\n").utf8)).write(to: path)
        let b = Self.bundled.path
        let r = try report(["--villages", "\(b)/villages.geojson", "--sites", path.path, "--fibre", "\(b)/fibre.geojson",
                            "--places", "\(b)/places.geojson", "--field", "site_id=Ma_CSHT"])
        try assertSameReport(r.json, tolerance: 1e-6)
        XCTAssertEqual(r.json["warnings"] as! [String], [])
        // Without --field the site column is missing, and the message says which it is.
        let out = dir.appendingPathComponent("out")
        let refused = try CLI.run(["analyze", "--villages", "\(b)/villages.geojson", "--sites", path.path, "--out", out.path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.hasPrefix("covgap: \(path.path) row 1, field site_id: missing column; the header has Ma_CSHT,"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testMapInfoTAB() throws {
        // MapInfo stores coordinates as integers over the layer's bounds: the smallest wards' blocks
        // (a few thousand square metres) move by a few parts in 10,000.
        let r = try report(["--villages", "villages.tab", "--centres", "centres.geojson", "--sites", "\(Self.bundled.path)/sites.csv",
                            "--fibre", "\(Self.bundled.path)/fibre.geojson", "--places", "\(Self.bundled.path)/places.geojson"])
        try assertSameReport(r.json, tolerance: 5e-4)
    }

    func testSeveralLayersForVillagesAsksWhich() throws {
        let dir = try Self.converted.get()
        let out = try CLI.temporaryDirectory(self).appendingPathComponent("out")
        let r = try CLI.run(["analyze", "--villages", "inputs.gpkg", "--sites", "\(Self.bundled.path)/sites.csv", "--out", out.path], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: inputs.gpkg: has 4 layers (villages, fibre, places, sites); say which holds the villages, e.g. --villages inputs.gpkg:villages\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testWithoutCentresTheDefaultIsCounted() throws {
        // Fibre reach is what the centre is for: with fibre and no centres the default is counted…
        let r = try report(["--villages", "inputs.gpkg:villages", "--sites", "\(Self.bundled.path)/sites.csv", "--fibre", "inputs.gpkg:fibre"])
        let warnings = r.json["warnings"] as! [String]
        // …and without fibre nothing is measured from it.
        let noFibre = try report(["--villages", "inputs.gpkg:villages", "--sites", "\(Self.bundled.path)/sites.csv"])
        XCTAssertEqual(noFibre.json["warnings"] as! [String], [])
        XCTAssertTrue(warnings.contains("inputs.gpkg:villages: 1000 of 1000 villages have no centre; fibre reach is measured from a point inside each polygon (give --centres, or a center property)"), "\(warnings)")
    }
}

/// Sheets OGR would read silently but wrongly are refused, naming sheet, row and column; nothing is written.
final class SheetProblemTests: XCTestCase {
    /// A copy of a five-sector sheet with `edit` applied to its first worksheet's XML (by python3's zipfile).
    func sheet(_ name: String, _ edit: String, in dir: URL) throws -> String {
        let csv = try String(contentsOf: OGRInputTests.bundled.appendingPathComponent("sites.csv"), encoding: .utf8)
        try (csv.split(separator: "\n").prefix(6).joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("small.csv"), atomically: true, encoding: .utf8)
        try OGRInputTests.ogr2ogr(["-f", "XLSX", "-oo", "AUTODETECT_TYPE=YES", "-nln", "Trạm", "small.xlsx", "small.csv"], in: dir)
        let script = """
        import re, sys, zipfile
        zi = zipfile.ZipFile('small.xlsx'); zo = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
        for it in zi.infolist():
            d = zi.read(it.filename)
            if it.filename == 'xl/worksheets/sheet1.xml':
                s = d.decode()
                \(edit)
                d = s.encode()
            zo.writestr(it, d)
        zo.close()
        """
        let r = try CLI.runTool("/usr/bin/env", ["python3", "-c", script, name], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        return name
    }

    func refusal(_ file: String, in dir: URL) throws -> String {
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["analyze", "--villages", OGRInputTests.bundled.appendingPathComponent("villages.geojson").path,
                             "--sites", file, "--out", out.path], in: dir)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        return r.stderr
    }

    func testFormulaMergedCellsAndEmptyRow() throws {
        let dir = try CLI.temporaryDirectory(self)
        let formula = try sheet("formula.xlsx", #"s = s.replace('<c r="C3">', '<c r="C3"><f>C2+0</f>', 1)"#, in: dir)
        XCTAssertEqual(try refusal(formula, in: dir),
                       "covgap: formula.xlsx:Trạm row 3, field lat: cell C3 holds a formula (=C2+0); covgap reads values only: copy the sheet and paste it as values\n")
        let merged = try sheet("merged.xlsx", #"s = s.replace('</sheetData>', '</sheetData><mergeCells count="1"><mergeCell ref="B4:B5"/></mergeCells>', 1)"#, in: dir)
        XCTAssertEqual(try refusal(merged, in: dir),
                       "covgap: merged.xlsx:Trạm row 4, field operator: cells B4:B5 are merged; unmerge them and give every row its own value\n")
        let empty = try sheet("empty.xlsx", #"s = re.sub(r'(<row r="4">).*?(</row>)', r'\1\2', s, flags=re.S)"#, in: dir)
        XCTAssertEqual(try refusal(empty, in: dir),
                       "covgap: empty.xlsx:Trạm row 4: the row is empty; remove it (a sites sheet is one sector per row, with no gaps)\n")
        // The untouched sheet is read: five sectors.
        let ok = try CLI.run(["analyze", "--villages", OGRInputTests.bundled.appendingPathComponent("villages.geojson").path,
                              "--sites", "small.xlsx", "--out", dir.appendingPathComponent("ok").path, "--quiet", "--no-map"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("ok/report.json"))) as! [String: Any]
        XCTAssertEqual(((json["inputs"] as! [String: Any])["sites"] as! [String: Any])["count"] as? Int, 5)
    }
}

/// report.json figures compared with the bundled GeoJSON/CSV run's.
extension XCTestCase {
    /// Every figure of `b` equal to `a`'s: strings and statuses exactly, fractions to `tolerance`
    /// (report.json keeps 6 decimals, so 1e-6 allows the last digit to round the other way).
    func assertSameFigures(_ a: Any, _ b: Any, tolerance: Double, path: String = "", file: StaticString = #filePath, line: UInt = #line) {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            XCTAssertEqual(Set(x.keys), Set(y.keys), path, file: file, line: line)
            for (k, v) in x { if let w = y[k] { assertSameFigures(v, w, tolerance: tolerance, path: "\(path)/\(k)", file: file, line: line) } }
        case (let x as [Any], let y as [Any]):
            XCTAssertEqual(x.count, y.count, path, file: file, line: line)
            for (k, (v, w)) in zip(x, y).enumerated() { assertSameFigures(v, w, tolerance: tolerance, path: "\(path)/\(k)", file: file, line: line) }
        case (let x as String, let y as String):
            XCTAssertEqual(x, y, path, file: file, line: line)
        case (let x as NSNumber, let y as NSNumber):
            // Areas and distances in metres scale with the village: compare them relative to their size.
            let scale = path.hasSuffix("_m2") || path.hasSuffix("_m") || path.hasSuffix("population") || path.hasSuffix("households") ? max(1, abs(x.doubleValue)) : 1
            XCTAssertEqual(x.doubleValue, y.doubleValue, accuracy: tolerance * scale + 1e-9, path, file: file, line: line)
        default:
            XCTAssertEqual("\(a)", "\(b)", path, file: file, line: line)
        }
    }

    /// The report of the bundled GeoJSON and CSV files named on the command line (flat footprints,
    /// as the converted files get: the bundled run's relief and measurements are not part of them).
    static let reference: Result<Data, Error> = Result {
        let out = try TestFolders.named("ogr-reference")
        let b = OGRInputTests.bundled.path
        let r = try CLI.run(["analyze", "--villages", "\(b)/villages.geojson", "--sites", "\(b)/sites.csv", "--fibre", "\(b)/fibre.geojson",
                             "--places", "\(b)/places.geojson", "--out", out.path, "--quiet", "--no-map"])
        guard r.status == 0 else { throw NSError(domain: "covgap analyze of the bundled files failed: \(r.stderr)", code: Int(r.status)) }
        return try Data(contentsOf: out.appendingPathComponent("report.json"))
    }

    func assertSameReport(_ other: [String: Any], tolerance: Double, file: StaticString = #filePath, line: UInt = #line) throws {
        let original = try JSONSerialization.jsonObject(with: try Self.reference.get()) as! [String: Any]
        for key in ["summary", "villages", "gaps", "priority_places", "parameters"] {
            assertSameFigures(original[key] as Any, other[key] as Any, tolerance: tolerance, path: key, file: file, line: line)
        }
        let statuses = { (r: [String: Any]) in (r["villages"] as! [[String: Any]]).map { "\($0["mobile_status"]!) \(($0["fixed"] as! [String: Any])["status"]!)" } }
        XCTAssertEqual(statuses(original), statuses(other), file: file, line: line)
    }
}
