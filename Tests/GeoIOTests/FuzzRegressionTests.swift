import XCTest
@testable import GeoIO

/// Inputs that libFuzzer found to break a reader or its round trip (Fuzz/, Scripts/fuzz), kept
/// with what must happen to them now. The fuzz targets check that whatever a reader accepts, the
/// matching writer writes back as a file that reads the same.
final class FuzzRegressionTests: XCTestCase {
    /// Writes `table` with CSVWriter and reads it again.
    func rewritten(_ table: CSVTable) throws -> CSVTable {
        var writer = CSVWriter(header: table.header)
        for row in table.rows { writer.append(row.fields) }
        return try CSVReader.read(bytes: writer.bytes, source: "rewritten.csv")
    }

    /// CSVReader fuzz, crash-199f10d9: NUL bytes in fields were read, but the rewritten file
    /// (shorter, so more NULs per byte) then looked like UTF-16 and was refused. No text file
    /// holds NUL: the reader now refuses it, saying where.
    func testCSVWithNULBytesIsRefused() {
        let bytes: [UInt8] = [0x01, 0x3B, 0x00, 0x4E, 0x75, 0x6D, 0x65, 0x72, 0x69, 0x63, 0x00]
        XCTAssertThrowsError(try CSVReader.read(bytes: bytes, source: "fuzz.csv")) { error in
            XCTAssertEqual("\(error)", "fuzz.csv line 1, column 3: the file holds a NUL byte: it is binary data, not UTF-8 text")
        }
        XCTAssertThrowsError(try GeoJSONReader.read(bytes: Array(#"{"type":"FeatureCollection","features":[]}"#.utf8) + [0], source: "fuzz.geojson")) { error in
            XCTAssertEqual("\(error)", "fuzz.geojson line 1, column 43: the file holds a NUL byte: it is binary data, not UTF-8 text")
        }
    }

    /// CSVReader fuzz, crash-776274c1: a one-column header `"8;"` (quoted, so the separator is a
    /// comma) was written back unquoted as `8;`, which the reader's separator guess then took for
    /// two semicolon-separated columns. The writer now quotes semicolons and tabs.
    func testOneColumnHeaderWithASemicolonSurvivesARoundTrip() throws {
        let bytes = Array("\"8;\"\n;operato\";121;\"x;y\";13site_id1G\n1perato\";".utf8)
        let table = try CSVReader.read(bytes: bytes, source: "fuzz.csv")
        XCTAssertEqual(table.header, ["8;"])
        XCTAssertEqual(table.rows.map(\.fields), [[";operato\";121;\"x;y\";13site_id1G"], ["1perato\";"]])
        let again = try rewritten(table)
        XCTAssertEqual(again.header, table.header)
        XCTAssertEqual(again.rows.map(\.fields), table.rows.map(\.fields))
        XCTAssertEqual(CSVWriter.escape("8;"), "\"8;\"")
        XCTAssertEqual(CSVWriter.escape("a\tb"), "\"a\tb\"")
        XCTAssertEqual(CSVWriter.escape("Làng O2"), "Làng O2")
        // Whitespace at either end is kept by quoting, ASCII or not; a visible end needs nothing.
        for spaced in [" a", "a ", "\u{00A0}Thôn 1", "Thôn 1\u{3000}", "\u{2009}x"] {
            XCTAssertEqual(CSVWriter.escape(spaced), "\"" + spaced + "\"", spaced)
        }
        for plain in ["a", "Đ", "x\u{0301}", "1.5", ""] { XCTAssertEqual(CSVWriter.escape(plain), plain) }
    }

    /// CSVReader fuzz, crash-20b40ff2: a header of one empty quoted field (`""`) was written back
    /// as an empty line, which readers skip, leaving a file with no header. The writer now quotes
    /// a lone empty field.
    func testLoneEmptyFieldSurvivesARoundTrip() throws {
        let table = try CSVReader.read(bytes: Array("\"\"\n".utf8), source: "fuzz.csv")
        XCTAssertEqual(table.header, [""])
        XCTAssertEqual(table.rows.count, 0)
        var writer = CSVWriter(header: [""])
        writer.append([""])
        XCTAssertEqual(writer.text, "\"\"\n\"\"\n")
        let again = try rewritten(table)
        XCTAssertEqual(again.header, [""])
        XCTAssertEqual(again.rows.count, 0)
        let one = try CSVReader.read(bytes: writer.bytes, source: "one.csv")
        XCTAssertEqual(one.rows.map(\.fields), [[""]])
    }

    /// CSVReader fuzz, crash-644c0495: a quote followed by a combining mark (U+0314) inside an unquoted
    /// field. The writer doubled quotes with String.replacingOccurrences, which compares
    /// Characters: the quote and its mark are one Character, so it was not doubled and the file
    /// did not read back. The writer now doubles quote bytes.
    func testQuoteFollowedByACombiningMarkSurvivesARoundTrip() throws {
        let bytes: [UInt8] = Array("namlti\nls_etiidine\"".utf8) + [0xCC, 0x94] + Array("ng Oin".utf8)
        let table = try CSVReader.read(bytes: bytes, source: "fuzz.csv")
        XCTAssertEqual(table.rows.map { Array($0.fields[0].utf8) }, [Array("ls_etiidine\"".utf8) + [0xCC, 0x94] + Array("ng Oin".utf8)])
        let again = try rewritten(table)
        XCTAssertEqual(again.rows.map(\.fields), table.rows.map(\.fields))
        XCTAssertEqual(Array(CSVWriter.escape("a\"\u{0314}b").utf8), Array("\"a\"\"\u{0314}b\"".utf8))
    }

    /// CSVReader fuzz, crash-ecb2cd1b: a header name that began, once trimmed, with U+FEFF was
    /// written back at the very start of the file, where the reader then took it for a byte-order
    /// mark and dropped it. Header names are now trimmed of U+FEFF as well as whitespace.
    func testByteOrderMarkInsideAHeaderNameIsTrimmed() throws {
        let bytes: [UInt8] = [0x0B, 0xEF, 0xBB, 0xBF, 0x3D, 0x40, 0x04, 0x02]
        let table = try CSVReader.read(bytes: bytes, source: "fuzz.csv")
        XCTAssertEqual(table.header.map { Array($0.unicodeScalars) }, [["=", "@", "\u{4}", "\u{2}"]])
        XCTAssertEqual(try rewritten(table).header, table.header)
        let joined = try CSVReader.read(bytes: Array("site_id,\u{FEFF}lat\nA,14\n".utf8), source: "joined.csv")
        XCTAssertEqual(joined.header, ["site_id", "lat"])
    }
}
