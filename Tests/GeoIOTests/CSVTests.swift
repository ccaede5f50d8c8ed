import XCTest
@testable import GeoIO

final class CSVReaderTests: XCTestCase {
    private func read(_ text: String, source: String = "sites.csv") throws -> CSVTable {
        try CSVReader.read(bytes: Array(text.utf8), source: source)
    }

    private func error(_ text: String) -> String? {
        do { _ = try read(text); return nil } catch { return "\(error)" }
    }

    func testQuotingCases() throws {
        let t = try read(#"""
        site_id,operator,name,note
        S1,Viettel,"Trạm Vĩnh Kim, xã Vĩnh Kim","he said ""ok"""
        S2,MobiFone,"two
        lines",
        S3,VinaPhone,"","x"

        """#)
        XCTAssertEqual(t.header, ["site_id", "operator", "name", "note"])
        XCTAssertEqual(t.rows.count, 3)
        XCTAssertEqual(t.rows[0]["name"], "Trạm Vĩnh Kim, xã Vĩnh Kim")
        XCTAssertEqual(t.rows[0]["note"], "he said \"ok\"")
        XCTAssertEqual(t.rows[1]["name"], "two\nlines")
        XCTAssertEqual(t.rows[1]["note"], "")
        XCTAssertEqual(t.rows[2]["name"], "")
        XCTAssertNil(t.rows[2]["lat"])
        XCTAssertEqual(t.rows[2][0], "S3")
        // Spreadsheet row numbers count records; line numbers run ahead after the quoted line break.
        XCTAssertEqual(t.rows.map(\.number), [2, 3, 4])
        XCTAssertEqual(t.rows.map(\.line), [2, 3, 5])
        XCTAssertEqual(t.rows[2].location, "row 4 (line 5)")
    }

    func testCRLFAndBOMAndTrimmedHeader() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(" site_id , lat ,lon\r\nS1,14.2,108.7\r\n\"S,2\",\"1\r\n2\",3\r\n".utf8)
        let t = try CSVReader.read(bytes: bytes, source: "sites.csv")
        XCTAssertEqual(t.header, ["site_id", "lat", "lon"])
        XCTAssertEqual(t.rows.map(\.fields), [["S1", "14.2", "108.7"], ["S,2", "1\r\n2", "3"]])
        XCTAssertEqual(t.rows[1]["site_id"], "S,2")
    }

    func testLastLineWithoutNewlineAndBlankLines() throws {
        let t = try read("a,b\n\n1,2\n\n3,4")
        XCTAssertEqual(t.rows.map(\.fields), [["1", "2"], ["3", "4"]])
        XCTAssertEqual(t.rows.map(\.number), [3, 5])
    }

    func testFieldCountErrorsNameFileRowAndCounts() {
        let header = "site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m\n"
        let good = "S1,Viettel,14.2,108.7,4G,0,65,2500\n"
        let nine = "S7,Viettel,14.2,108.7,4G,0,65,2500,x\n"
        XCTAssertEqual(error(header + String(repeating: good, count: 5) + nine), "sites.csv row 7: the row has 9 fields, the header has 8 (a comma inside a field needs the field in double quotes)")
        XCTAssertEqual(error(header + good + "S2,Viettel\n"), "sites.csv row 3, field lat: missing: the row has 2 fields, the header has 8")
        XCTAssertEqual(error(header + "S1,\"multi\nline\",1,2,3,4,5,6\n" + "S2,Viettel\n"), "sites.csv row 3 (line 4), field lat: missing: the row has 2 fields, the header has 8")
        XCTAssertEqual(error("a,b\n1\n"), "sites.csv row 2, field b: missing: the row has 1 field, the header has 2")
    }

    func testStructuralErrors() {
        XCTAssertEqual(error(""), "sites.csv: the file is empty; it needs a header row naming the columns")
        XCTAssertEqual(error("\n\n"), "sites.csv: the file is empty; it needs a header row naming the columns")
        XCTAssertEqual(error("a,b,a\n1,2,3\n"), "sites.csv row 1: column \"a\" appears twice (columns 1 and 3)")
        XCTAssertEqual(error("a,b\n1,\"2\n3,4\n"), "sites.csv row 2: a quoted field opened on line 2 is never closed")
        XCTAssertEqual(error("a,b\n1,\"2\"x\n"),
                       "sites.csv row 2 (line 2, column 6): unexpected text after the closing quote of a field; a quote inside a quoted field is written twice (\"\")")
    }

    func testDecomposedTextIsNormalised() throws {
        let nfdName = "Xa\u{0303} Vi\u{0303}nh Kim"
        let t = try read("te\u{0302}n,commune\n\(nfdName),La\u{0300}ng Ka\u{0300} Bu\u{031B}ng\n")
        XCTAssertEqual(t.header, ["tên", "commune"])
        XCTAssertEqual(t.rows[0]["tên"], "Xã Vĩnh Kim")
        XCTAssertEqual(t.rows[0]["commune"], "Làng Kà Bưng")
        XCTAssertEqual(t.rows[0]["commune"]?.unicodeScalars.count, 12)
    }

    func testSemicolonAndTabSeparators() throws {
        XCTAssertEqual(try read("a;b\n\"1,5\";2\n").rows[0].fields, ["1,5", "2"])
        XCTAssertEqual(try read("a\tb\n1\t2\n").rows[0].fields, ["1", "2"])
        XCTAssertEqual(try read("a,b;c\n1,2;3\n").rows[0].fields, ["1", "2;3"])
    }

    func testTableErrorHelper() throws {
        let t = try read("site_id,lat\nS1,138.2\n")
        XCTAssertEqual(t.error(t.rows[0], field: "lat", "138.2 is outside -90…90").description,
                       "sites.csv row 2, field lat: 138.2 is outside -90…90")
    }
}

final class CSVWriterTests: XCTestCase {
    func testQuotingOnlyWhenNeeded() {
        var w = CSVWriter(header: ["id", "name", "note"])
        w.append(["V1", "Làng O2", "plain"])
        w.append(["V2", "Canh Tiến, Canh Liên", "say \"hi\""])
        w.append(["V3", "two\nlines", " padded "])
        w.append(["V4", "", "crlf\r\n"])
        XCTAssertEqual(w.text, "id,name,note\n"
                       + "V1,Làng O2,plain\n"
                       + "V2,\"Canh Tiến, Canh Liên\",\"say \"\"hi\"\"\"\n"
                       + "V3,\"two\nlines\",\" padded \"\n"
                       + "V4,,\"crlf\r\n\"\n")
    }

    func testDrainedTableAndRangesAreTheWholeOnes() {
        // A table written whole, then again drained after every row with the second row copied
        // as the text the first writing gave it: the same text, the same ranges.
        let rows = [["V1", "Làng O2", "1,5"], ["V2", "two\nlines", ""], ["V3", "Vĩnh Kim", "x"]]
        func write(_ drain: Bool, _ copied: ArraySlice<UInt8>?) -> (text: [UInt8], ranges: [Range<Int>]) {
            var w = CSVWriter(header: ["id", "name", "note"], separator: 0x3B, byteOrderMark: true)
            var text: [UInt8] = [], ranges: [Range<Int>] = []
            for (k, r) in rows.enumerated() {
                if k == 1, let copied { ranges.append(w.appendRaw(copied)) } else { ranges.append(w.append(r)) }
                if drain { w.drain { text += $0 } }
            }
            w.drain { text += $0 }
            XCTAssertTrue(w.bytes.isEmpty)
            XCTAssertEqual(w.drained, text.count)
            return (text, ranges)
        }
        let (whole, drained) = writtenWholeAndDrained(write)
        XCTAssertEqual(String(decoding: whole.text, as: UTF8.self), "\u{FEFF}id;name;note\nV1;Làng O2;1,5\nV2;\"two\nlines\";\nV3;Vĩnh Kim;x\n")
        XCTAssertEqual(String(decoding: drained.text[drained.ranges[1]], as: UTF8.self), "V2;\"two\nlines\";\n")
    }

    func testRoundTripThroughReader() throws {
        let rows = [["1", "Xã Vĩnh Kim, huyện Vĩnh Thạnh", "a\"b"], ["2", "x\ny", ""]]
        var w = CSVWriter(header: ["id", "name", "x"])
        rows.forEach { w.append($0) }
        XCTAssertFalse(w.bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let t = try CSVReader.read(bytes: w.bytes, source: "out.csv")
        XCTAssertEqual(t.header, ["id", "name", "x"])
        XCTAssertEqual(t.rows.map(\.fields), rows)
    }
}
