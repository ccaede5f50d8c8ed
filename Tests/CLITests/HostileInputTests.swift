import Foundation
import XCTest

/// Input built by someone who means harm: every case is refused with one clean line (exit 2),
/// within a second, leaking nothing, or read correctly.
final class HostileInputTests: XCTestCase {
    static let villages = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"A","name":"NAME","households":120},"geometry":{"type":"Polygon","coordinates":[[[108.8,14.3],[108.81,14.3],[108.81,14.31],[108.8,14.31],[108.8,14.3]]]}}]}"#
    static let sites = "site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m\nVT-1,Viettel,14.305,108.805,4G,,,2500\n"

    var dir: URL!

    override func setUpWithError() throws {
        dir = try CLI.temporaryDirectory(self)
        try write("villages.geojson", Self.villages)
        try write("sites.csv", Self.sites)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    func run(_ arguments: [String], limit: TimeInterval = 15) throws -> CovgapProcess.Outcome {
        try CovgapProcess.run(arguments, in: dir, limit: limit)
    }

    func analyze(villages: String = "villages.geojson", sites: String = "sites.csv", out: String = "out") throws -> CovgapProcess.Outcome {
        try run(["analyze", "--villages", villages, "--sites", sites, "--out", out, "--quiet"])
    }

    /// Exit 2, exactly `message` as the one line on standard error, nothing written.
    func assertRefused(_ r: CovgapProcess.Outcome, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 2, r.stderr, file: file, line: line)
        XCTAssertFalse(r.signalled, file: file, line: line)
        XCTAssertEqual(r.stderr, "covgap: " + message + "\n", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path), file: file, line: line)
    }

    /// No byte of standard output or error is a control character other than the line break.
    func assertNoControlCharacters(_ r: CovgapProcess.Outcome, file: StaticString = #filePath, line: UInt = #line) {
        let bad = (r.stdout + r.stderr).unicodeScalars.first { $0 != "\n" && ($0.value < 0x20 || (0x7F..<0xA0).contains($0.value)) }
        XCTAssertNil(bad, "U+\(String(bad?.value ?? 0, radix: 16)) printed", file: file, line: line)
    }

    // MARK: Special and oversized files

    /// Runs `body` and fails unless it took at most a second longer than covgap takes to refuse a
    /// missing file: prompt, whatever the machine's load or a sanitizer's slowdown.
    func assertPrompt(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) rethrows {
        let baselineStart = Date()
        XCTAssertEqual(try analyze(villages: "no-such-file.geojson").status, 2, file: file, line: line)
        let baseline = Date().timeIntervalSince(baselineStart)
        let start = Date()
        try body()
        XCTAssertLessThan(Date().timeIntervalSince(start), baseline + 1, "slower than refusing a missing file", file: file, line: line)
    }

    func testFIFOIsRefusedAtOnce() throws {
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("fifo").path, 0o600), 0)
        try assertPrompt {
            assertRefused(try analyze(villages: "fifo", out: "out"), "fifo: is a pipe (FIFO), not a regular file; save the data to a file first")
        }
    }

    func testDevZeroAndDirectoriesAreRefused() throws {
        try assertPrompt {
            assertRefused(try analyze(villages: "/dev/zero"), "/dev/zero: is a device, not a regular file")
        }
        // A folder is a GDAL source (a folder of Shapefiles); this one holds no vector data.
        let folder = try analyze(sites: ".")
        XCTAssertEqual(folder.status, 2)
        XCTAssertTrue(folder.stderr.hasPrefix("covgap: .: cannot open: GDAL error: "), folder.stderr)
    }

    func testSparseFileOfThreeGigabytesIsRefusedFromItsSize() throws {
        let path = dir.appendingPathComponent("huge.geojson").path
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(ftruncate(fd, 3_000_000_000), 0)
        close(fd)
        try assertPrompt {
            assertRefused(try analyze(villages: "huge.geojson"), "huge.geojson: is 3000000000 bytes, more than the 1073741824 (1 GiB) an input file may hold")
        }
    }

    func testBinaryFileIsRefusedFromItsFirstBytes() throws {
        // 200 MB whose fourth byte is NUL: refused before the rest is read.
        let path = dir.appendingPathComponent("blob.csv").path
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        XCTAssertEqual(Glibc.write(fd, "PK\u{3}", 3), 3)
        XCTAssertEqual(ftruncate(fd, 200_000_000), 0)
        close(fd)
        try assertPrompt {
            assertRefused(try analyze(sites: "blob.csv"), "blob.csv line 1, column 4: the file holds a NUL byte: it is binary data, not UTF-8 text")
        }
    }

    // MARK: Terminal and log injection

    func testControlCharactersInNamesAreRefusedAndEscaped() throws {
        // ESC ] 0 ; … BEL retitles a terminal; CR LF forges a line.
        try write("villages.geojson", Self.villages.replacingOccurrences(of: "NAME", with: #"X\u001b]0;pwned\u0007\r\nSummary: all targets met"#))
        let r = try analyze()
        assertRefused(r, #"villages.geojson feature 0, field name: holds the control character U+001B at character 2; names and ids must be plain text"#)
        assertNoControlCharacters(r)
    }

    func testNULInANameIsRefused() throws {
        try write("villages.geojson", Self.villages.replacingOccurrences(of: "NAME", with: #"Làng\u0000O2"#))
        assertRefused(try analyze(), "villages.geojson feature 0, field name: holds the control character U+0000 at character 5; names and ids must be plain text")
    }

    func testQuotedCSVFieldWithLineBreaksGivesOneLine() throws {
        try write("sites.csv", "site_id,operator,lat,lon,tech\nVT-1,\"Viettel\r\nall targets met\r\n\",14.3,108.8,4G\n")
        let r = try analyze()
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderrLines.count, 1, r.stderr)
        assertNoControlCharacters(r)
    }

    func testTenMegabyteFieldGivesAShortMessage() throws {
        try write("sites.csv", "site_id,operator,lat,lon,tech\nVT-1,Viettel,14.3,108.8," + String(repeating: "\u{1B}[2J", count: 2_500_000) + "\n")
        let r = try analyze()
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderrLines.count, 1)
        XCTAssertLessThan(r.stderr.utf8.count, 1_200)
        XCTAssertTrue(r.stderr.hasPrefix(#"covgap: sites.csv row 2, field tech: "\u{1B}[2J\u{1B}[2J"#), String(r.stderr.prefix(200)))
        XCTAssertTrue(r.stderr.hasSuffix(" more characters)\n"))
        assertNoControlCharacters(r)
    }

    func testEscapesInOptionValuesAreEscaped() throws {
        let r = try run(["analyze", "--villages", "villages.geojson", "--sites", "sites.csv", "--crs", "EPSG:\u{1B}[2J\r\n"])
        XCTAssertEqual(r.status, 2)
        assertNoControlCharacters(r)
    }

    // MARK: JSON

    func testDuplicateKeysAreRefusedNamingTheKey() throws {
        try write("villages.geojson", Self.villages.replacingOccurrences(of: #""households":120"#, with: #""households":120,"households":9"#))
        assertRefused(try analyze(), #"villages.geojson feature 0, line 1, column 113: the member "households" appears twice in one object; give each member once"#)
        try write("villages.geojson", Self.villages.replacingOccurrences(of: #""geometry":{"#, with: #""geometry":null,"geometry":{"#))
        let r = try analyze()
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains(#"the member "geometry" appears twice in one object"#), r.stderr)
    }

    // MARK: check, diff and footprints

    func testCheckAndDiffRefuseAnUnknownSchemaAndDuplicateIDs() throws {
        XCTAssertEqual(try analyze(out: "good").status, 0)
        let good = try String(contentsOf: dir.appendingPathComponent("good/report.json"), encoding: .utf8)
        try write("v999.json", good.replacingOccurrences(of: #""schema_version": 1"#, with: #""schema_version": 999"#))
        var r = try run(["check", "v999.json", "--require", "mobile.covered_pct>=0"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: v999.json field schema_version: 999; this covgap reads schema_version 1 only\n")
        r = try run(["diff", "good/report.json", "v999.json"])
        XCTAssertEqual(r.status, 2)

        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(good.utf8)) as? [String: Any])
        var villages = try XCTUnwrap(json["villages"] as? [Any])
        villages.append(villages[0])
        json["villages"] = villages
        try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("dup.json"))
        r = try run(["check", "dup.json", "--require", "mobile.covered_pct>=0"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: dup.json field villages[1].id: \"A\" is used again (first by villages[0]); village ids must be unique\n")

        // A line break hidden in a name of the summary could forge check's output.
        json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(good.utf8)) as? [String: Any])
        var summary = try XCTUnwrap(json["summary"] as? [String: Any])
        summary["districts"] = [["name": "X\nall targets met"]]
        json["summary"] = summary
        try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("lf.json"))
        r = try run(["check", "lf.json", "--require", "mobile.covered_pct>=0"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: lf.json field summary: holds a control character; covgap never writes one\n")
    }

    func testFootprintsRefusesToOverwriteItsInput() throws {
        let r = try run(["footprints", "--sites", "sites.csv", "--out", "./sites.csv"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--out ./sites.csv is the sites file itself"), r.stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("sites.csv"), encoding: .utf8), Self.sites)
    }

    // MARK: map

    /// A report from an untrusted source names a secret file and a FIFO as its inputs: map opens
    /// neither, prints nothing of them, and refuses a symbolic link planted beside the report.
    func testMapReadsOnlyItsArgumentsAndTheFilesBesideTheReport() throws {
        XCTAssertEqual(try analyze(out: "rep").status, 0)
        let secret = dir.appendingPathComponent("secret.txt")
        try Data("root:$6$SECRETHASH:19000:0:99999:7:::\n".utf8).write(to: secret)
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("fifo").path, 0o600), 0)
        let reportPath = dir.appendingPathComponent("rep/report.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: reportPath)) as? [String: Any])
        var inputs = try XCTUnwrap(json["inputs"] as? [String: Any])
        let secretSHA = try XCTUnwrap(CLI.runTool("/usr/bin/sha256sum", [secret.path]).stdout.split(separator: " ").first).description
        inputs["sites"] = ["path": secret.path, "sha256": secretSHA, "count": 1]
        inputs["fibre"] = ["path": dir.appendingPathComponent("fifo").path, "sha256": secretSHA, "count": 1]
        json["inputs"] = inputs
        try JSONSerialization.data(withJSONObject: json).write(to: reportPath)

        let start = Date()
        var r = try run(["map", "rep/report.json"], limit: 20)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains("SECRET"))

        // A link beside the report, named as the report names the sites file.
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("rep/secret.txt").path, withDestinationPath: secret.path)
        r = try run(["map", "rep/report.json"], limit: 20)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: rep/secret.txt: is a symbolic link; give the file itself\n")

        // A FIFO beside the report, named as the report names the fibre file.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("rep/secret.txt"))
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("rep/fifo").path, 0o600), 0)
        r = try run(["map", "rep/report.json"], limit: 20)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "covgap: rep/fifo: is a pipe (FIFO), not a regular file; save the data to a file first\n")
        XCTAssertFalse(r.stderr.contains("SECRET"))
    }

    // MARK: Numbers in range

    func testHouseholdsBeyondAnyVillageAreRefused() throws {
        try write("villages.geojson", Self.villages.replacingOccurrences(of: #""households":120"#, with: #""households":9.3e18"#))
        assertRefused(try analyze(), "villages.geojson feature 0, field households: 9.3e+18 is more than 100000000, the most one village can hold")
        // The largest allowed count prints as a whole number (no trap converting it).
        try write("villages.geojson", Self.villages.replacingOccurrences(of: #""households":120"#, with: #""households":100000000"#))
        let r = try run(["analyze", "--villages", "villages.geojson", "--sites", "sites.csv", "--out", "out"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("of 100000000\n"), r.stdout)
    }

    func testNumericOptionsOutsideTheirRangeAreRefused() throws {
        let cases: [([String], String)] = [
            (["--arc-step", "1e-6"], "--arc-step must be at least 0.1 and at most 90 degrees, got 1e-06"),
            (["--arc-step", "-1"], "--arc-step must be at least 0.1 and at most 90 degrees, got -1"),
            (["--arc-step", "nan"], "--arc-step must be at least 0.1 and at most 90 degrees, got nan"),
            (["--radius-4g", "1e9"], "--radius-4g must be more than 0 and at most 100000 metres, got 1000000000"),
            (["--fibre-reach", "inf"], "--fibre-reach must be at least 0 and at most 50000 metres, got inf"),
            (["--min-gap-area", "nan"], "--min-gap-area must be at least 0 and at most 1000000000000 square metres, got nan"),
            (["--jobs", "0"], "--jobs must be at least 1 and at most 1024, got 0"),
        ]
        for (options, message) in cases {
            let r = try run(["analyze", "--villages", "villages.geojson", "--sites", "sites.csv", "--out", "out"] + options)
            XCTAssertEqual(r.status, 2, "\(options)")
            XCTAssertEqual(r.stderrLines.first.map(String.init), "Error: " + message)
        }
        for cost in ["1e20", "nan", "-1"] {
            let r = try run(["plan", "--villages", "villages.geojson", "--sites", "sites.csv", "--fibre-cost-per-km", cost])
            XCTAssertEqual(r.status, 2, cost)
            XCTAssertFalse(r.signalled)
            XCTAssertTrue(r.stderr.hasPrefix("Error: --fibre-cost-per-km must be at least 0 and at most 1000000000000 VND per km, got "), r.stderr)
        }
        XCTAssertEqual(try run(["plan", "--villages", "villages.geojson", "--sites", "sites.csv", "--fibre-cost-per-km", "1e12"]).status, 0)
    }

    func testRadiusBeyondAnyCellIsRefused() throws {
        for radius in ["1e9", "1e7", "100001"] {
            try write("sites.csv", "site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m\nVT-1,Viettel,14.305,108.805,4G,,,\(radius)\n")
            let r = try analyze()
            XCTAssertEqual(r.status, 2)
            XCTAssertTrue(r.stderr.hasPrefix("covgap: sites.csv row 2, field radius_m: "), r.stderr)
            XCTAssertTrue(r.stderr.hasSuffix(" is more than 100000 metres, beyond any real cell\n"), r.stderr)
        }
    }

    /// A village 90° of longitude from the zone of `--crs`: refused, naming file, feature and field.
    func testVillageOutsideTheAreaOfUseOfTheCRSIsRefused() throws {
        let far = #"{"type":"Feature","properties":{"id":"FAR","name":"Far"},"geometry":{"type":"Polygon","coordinates":[[[18.8,14.3],[18.81,14.3],[18.81,14.31],[18.8,14.31],[18.8,14.3]]]}}"#
        try write("villages.geojson", Self.villages.replacingOccurrences(of: "]}}]}", with: "]}}," + far + "]}"))
        let r = try run(["analyze", "--villages", "villages.geojson", "--sites", "sites.csv", "--out", "out", "--crs", "EPSG:32649"])
        assertRefused(r, "villages.geojson feature 1, field geometry: lies outside the area of use of EPSG:32649 (longitude 108.0…114.0, latitude 0.0…84.0), where it would be measured wrongly; leave --crs out to measure each village in the UTM zone of its centre (village id FAR)")
        // Without --crs each village is measured in its own zone.
        XCTAssertEqual(try analyze().status, 0)
    }

    func testRingOfOneRepeatedPointIsAVillageWithoutArea() throws {
        try write("villages.geojson", Self.villages.replacingOccurrences(of: "[[108.8,14.3],[108.81,14.3],[108.81,14.31],[108.8,14.31],[108.8,14.3]]",
                                                                     with: "[[108.8,14.3],[108.8,14.3],[108.8,14.3],[108.8,14.3]]"))
        let r = try analyze()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("village 0 (id A): the polygon has no area; it counts as uncovered"), r.stderr)
        let v = try villagesOf(reportJSON(dir.appendingPathComponent("out")))
        XCTAssertEqual(v[0]["area_m2"] as? Double, 0)
        XCTAssertEqual(try canonical(v[0]["center"]), "[[108.8,14.3]]")
    }

    // MARK: Spreadsheet formulas

    func testNoReportCSVCellStartsAFormula() throws {
        try write("villages.geojson", Self.villages
            .replacingOccurrences(of: #""id":"A","name":"NAME""#,
                                  with: #""id":"-2+3","name":"=HYPERLINK(\"http://x\",\"y\")","commune":"+1","district":"@SUM(A1)""#))
        try write("sites.csv", "site_id,operator,lat,lon,tech\nVT-1,=cmd|' /C calc'!A0,14.305,108.805,4G\n")
        let r = try analyze()
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = parseCSV(try String(contentsOf: dir.appendingPathComponent("out/report.csv"), encoding: .utf8))
        XCTAssertEqual(rows.count, 2)
        for cell in rows.joined() where Double(cell) == nil {
            XCTAssertFalse(cell.first.map { "=+-@\t\r".contains($0) } ?? false, cell)
        }
        let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
        XCTAssertEqual(row["id"], "'-2+3")
        XCTAssertEqual(row["name"], #"'=HYPERLINK("http://x","y")"#)
        XCTAssertEqual(row["commune"], "'+1")
        XCTAssertEqual(row["district"], "'@SUM(A1)")
        XCTAssertEqual(row["'=cmd|' /C calc'!A0"], "1", "the operator's column, named safely, holds its coverage")
        // report.json keeps the names as they are.
        XCTAssertEqual(try villagesOf(reportJSON(dir.appendingPathComponent("out")))[0]["name"] as? String, #"=HYPERLINK("http://x","y")"#)
    }

    /// RFC 4180 records (quoted fields with doubled quotes); enough for report.csv.
    func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, pendingQuote = false
        for ch in text {
            if quoted {
                if ch == "\"" { quoted = false; pendingQuote = true } else { field.append(ch) }
                continue
            }
            switch ch {
            case "\"": if pendingQuote { field.append("\"") }; quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n": row.append(field); field = ""; rows.append(row); row = []
            default: field.append(ch)
            }
            pendingQuote = false
        }
        return rows
    }

    // MARK: The map of a huge polygon

    /// A valid village whose top is a zig-zag of 100,000 equal teeth: the map is drawn in time
    /// proportional to its size (it took minutes, quadratic in the vertex count).
    func testZigZagVillageOfAHundredThousandVerticesIsDrawn() throws {
        let n = 100_000
        var positions = (0..<n).map { k in String(format: "[%.8f,%@]", 108.8 + 0.05 * Double(k) / Double(n), k % 2 == 0 ? "14.31" : "14.309") }
        positions += ["[108.85,14.3]", "[108.8,14.3]", positions[0]]
        try write("villages.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"Z","name":"Zig"},"geometry":{"type":"Polygon","coordinates":[["#
            + positions.joined(separator: ",") + "]]}}]}")
        let start = Date()
        let r = try run(["analyze", "--villages", "villages.geojson", "--sites", "sites.csv", "--out", "out", "--quiet"], limit: 90)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)
        let svg = try String(contentsOf: dir.appendingPathComponent("out/report.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("Zig") || svg.contains("<path"))
    }
}
