import XCTest
@testable import GeoIO

final class JSONParseTests: XCTestCase {
    func testObjectsKeepKeyOrderAndValues() throws {
        let v = try JSONValue.parse(#"{"z": 1, "a": [true, false, null], "m": {"x": "y"}, "n": -0.5}"#)
        XCTAssertEqual(v.objectValue?.keys, ["z", "a", "m", "n"])
        XCTAssertEqual(v["z"]?.intValue, 1)
        XCTAssertEqual(v["a"], [true, false, nil])
        XCTAssertEqual(v["m"]?["x"]?.stringValue, "y")
        XCTAssertEqual(v["n"]?.doubleValue, -0.5)
        XCTAssertNil(v["missing"])
    }

    func testNumbers() throws {
        let v = try JSONValue.parse("[0, -0, 3, 108.1234567, 14.5e2, 1E-2, -2.5e+3, 12345678901234567890, 0.1, 5e-324, 1.7976931348623157e308]")
        let expected: [Double] = [0, -0.0, 3, 108.1234567, 1450, 0.01, -2500, 12345678901234567168, 0.1, Double.leastNonzeroMagnitude, 1.7976931348623157e308]
        XCTAssertEqual(v.arrayValue?.compactMap(\.doubleValue), expected)
        // Long mantissas go through the correctly rounded path.
        XCTAssertEqual(try JSONValue.parse("3.14159265358979323846264338327950288").doubleValue, 3.141592653589793)
        XCTAssertEqual(try JSONValue.parse("0.30000000000000004").doubleValue, 0.30000000000000004)
    }

    func testStringsAndEscapes() throws {
        let v = try JSONValue.parse(#"["a\"b\\c\/d\n\t\r\b\f", "\u00e9\u1ec5", "\ud83d\ude00", "Làng Kà Bưng"]"#)
        XCTAssertEqual(v[0]?.stringValue, "a\"b\\c/d\n\t\r\u{8}\u{c}")
        XCTAssertEqual(v[1]?.stringValue, "éễ")
        XCTAssertEqual(v[2]?.stringValue, "😀")
        XCTAssertEqual(v[3]?.stringValue, "Làng Kà Bưng")
    }

    func testDecomposedStringsComeBackNFC() throws {
        let nfd = "Vie\u{0323}\u{0302}t" // "Việt" decomposed
        let v = try JSONValue.parse("{\"name\": \"Xa\u{0303} Vi\u{0303}nh Kim \(nfd)\"}")
        XCTAssertEqual(v["name"]?.stringValue, "Xã Vĩnh Kim Việt")
        XCTAssertEqual(v["name"]?.stringValue?.unicodeScalars.count, 16)
    }

    private func error(_ text: String) -> InputError? {
        do { _ = try JSONValue.parse(text, source: "in.json"); return nil } catch { return error as? InputError }
    }

    func testTrailingGarbageIsRefused() {
        XCTAssertEqual(error(#"{"a":1} x"#)?.description, "in.json line 1, column 9: unexpected 'x' after the end of the JSON document")
    }

    func testNotJSONGivesLineAndColumn() {
        XCTAssertEqual(error("site_id,lat,lon\n1,2,3\n")?.description, "in.json line 1, column 1: expected a JSON value, found 's'")
        XCTAssertEqual(error("{\n  \"a\": tru\n}")?.location, "line 2, column 8")
        XCTAssertEqual(error("{\n  \"tên\": 1,\n  \"b\" 2}")?.description,
                       "in.json line 3, column 7: expected ':' after a member name, found '2'")
        XCTAssertEqual(error("[1, 2")?.message, "expected ',' or ']' in an array, found the end of the file")
    }

    func testInvalidJSONIsRefused() {
        XCTAssertEqual(error("[01]")?.message, "numbers may not have leading zeros")
        XCTAssertEqual(error("[1.]")?.message, "a number needs a digit after '.'")
        XCTAssertEqual(error("[-]")?.message, "a number needs a digit after '-'")
        XCTAssertEqual(error("[1e]")?.message, "a number needs a digit in its exponent")
        XCTAssertEqual(error("[1e400]")?.message, "the number 1e400 is too large")
        XCTAssertEqual(error("[\"abc]")?.message, "a string is not closed (it starts here)")
        XCTAssertEqual(error("[\"a\nb\"]")?.message, "a line break inside a string; write it as an escape such as \\n")
        XCTAssertEqual(error(#"["\x"]"#)?.message, "invalid escape \\x in a string")
        XCTAssertEqual(error(#"["\u12"]"#)?.message, "\\u must be followed by four hexadecimal digits")
        XCTAssertEqual(error(#"["\ud83d"]"#)?.message, "\\u escape of a high surrogate without its low surrogate")
        XCTAssertEqual(error(#"["\ude00"]"#)?.message, "\\u escape of an unpaired low surrogate")
        XCTAssertEqual(error("[True]")?.message, "expected a JSON value, found 'T'")
        XCTAssertEqual(error("[nulls]")?.message, "expected a JSON value, found 'n'")
        XCTAssertEqual(error("{'a': 1}")?.message, "expected a member name in double quotes, found '''")
        XCTAssertEqual(error("[1,]")?.message, "expected a JSON value, found ']'")
        XCTAssertEqual(error("")?.message, "expected a JSON value, found the end of the file")
        XCTAssertNotNil(error(String(repeating: "[", count: 600) + String(repeating: "]", count: 600)))
    }

    /// Readers disagree on which of two equal keys wins (first, last, error), so a file that
    /// depends on it is refused, naming the key and where its second use is.
    func testDuplicateKeysAreRefused() throws {
        XCTAssertThrowsError(try JSONValue.parse(bytes: Array(#"{"a": 1, "b": 2, "a": 3}"#.utf8), source: "x.json")) { e in
            XCTAssertEqual("\(e)", #"x.json line 1, column 18: the member "a" appears twice in one object; give each member once"#)
        }
        XCTAssertEqual(try JSONValue.parse(#"{"a": {"a": 1}, "b": [{"a": 2}]}"#)["a"]?["a"]?.intValue, 1)
    }

    func testBOMIsSkipped() throws {
        XCTAssertEqual(try JSONValue.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("[1]".utf8), source: "x"), [1])
    }
}

final class JSONWriterTests: XCTestCase {
    func testAStringGivenAsItsBytesIsWrittenAsTheString() throws {
        let texts = ["", "plain", "a\"b\\c/d\n\t\r\u{8}\u{c}\u{1}\u{1f}", "Làng Kà Bưng", "😀 </x>", String(repeating: "x\"", count: 300)]
        for text in texts {
            var asString = JSONWriter(style: .compact), asBytes = JSONWriter(style: .compact)
            asString.beginArray(); asString.string(text); asString.string("after"); asString.endArray()
            asBytes.beginArray(); asBytes.string(utf8: Array(text.utf8)); asBytes.string("after"); asBytes.endArray()
            XCTAssertEqual(asBytes.bytes, asString.bytes, text)
            XCTAssertEqual(try JSONValue.parse(String(decoding: asBytes.bytes, as: UTF8.self))[0]?.stringValue, text)
        }
        var w = JSONWriter(style: .compact)
        w.string(utf8: Array("a\"\u{1}".utf8))
        XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), #""a\"\u0001""#)
    }

    func testNumbers() {
        XCTAssertEqual(jsonNumberText(3), "3")
        XCTAssertEqual(jsonNumberText(-0.0), "0")
        XCTAssertEqual(jsonNumberText(0.1), "0.1")
        XCTAssertEqual(jsonNumberText(99.9), "99.9")
        XCTAssertEqual(jsonNumberText(1.0 / 3.0), "0.3333333333333333")
        XCTAssertEqual(jsonNumberText(1e-7), "1e-07")
        XCTAssertEqual(jsonNumberText(1e20), "1e+20")
        XCTAssertEqual(jsonNumberText(123456789012), "123456789012")
        XCTAssertEqual(jsonNumberText(.nan), "null")
        XCTAssertEqual(jsonNumberText(-.infinity), "null")
        // Everything written reads back to the same Double.
        for x in [0.1, 1.0 / 3.0, 1e-7, 1e20, 2.5e-300, 108.1234567, -14.000001, 9.007199254740993e15] {
            XCTAssertEqual(try JSONValue.parse(jsonNumberText(x)).doubleValue, x)
        }
    }

    func testFixed() {
        XCTAssertEqual(fixed(108.1234567, 6), "108.123457")
        XCTAssertEqual(fixed(108.5, 6), "108.5")
        XCTAssertEqual(fixed(14.123457, 6), "14.123457")
        XCTAssertEqual(fixed(14.0, 6), "14")
        XCTAssertEqual(fixed(-0.0000001, 6), "0")
        XCTAssertEqual(fixed(-0.0, 6), "0")
        XCTAssertEqual(fixed(-108.1234567, 6), "-108.123457")
        XCTAssertEqual(fixed(0.000001, 6), "0.000001")
        XCTAssertEqual(fixed(-0.0000005, 6), "0")           // 4.99999…e-7 in binary, and never "-0"
        XCTAssertEqual(fixed(-0.5, 0), "-1")                 // exact ties go away from zero
        XCTAssertEqual(fixed(2.5, 0), "3")
        XCTAssertEqual(fixed(0.125, 2), "0.13")              // an exact binary tie
        XCTAssertEqual(fixed(1.005, 2), "1")                 // 1.005 is 1.00499999999999989… in binary
        XCTAssertEqual(fixed(2.675, 2), "2.67")              // 2.67499999999999982…
        XCTAssertEqual(fixed(1234567.891, 1), "1234567.9")
        XCTAssertEqual(fixed(1e17 + 0.0, 3), "100000000000000000")
        XCTAssertEqual(fixed(.nan, 6), "null")
    }

    func testFixedAgreesWithPrintf() {
        // Random coordinates with 7–9 decimals: never exact binary ties, so printf's rounding
        // (ties to even) and ours (ties away from zero) must agree digit for digit.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            let v = Double.random(in: -180...180, using: &rng)
            let d = Int.random(in: 0...9, using: &rng)
            var expected = String(format: "%.\(d)f", v)
            if expected.contains(".") {
                while expected.hasSuffix("0") { expected.removeLast() }
                if expected.hasSuffix(".") { expected.removeLast() }
            }
            if expected == "-0" { expected = "0" }
            XCTAssertEqual(fixed(v, d), expected, "\(v) with \(d) decimals")
        }
        // Values that print as ties at 6 decimals (…5 in the 7th) are decided by their exact binary value.
        XCTAssertEqual(fixed(109.1501615, 6), String(format: "%.6f", 109.1501615))
        XCTAssertEqual(fixed(14.0250105, 6), String(format: "%.6f", 14.0250105))
    }

    func testStringEscaping() {
        var w = JSONWriter()
        w.string("a\"b\\c\nd\t\u{1}/Xã Vĩnh Kim 😀")
        XCTAssertEqual(w.text, #""a\"b\\c\nd\t\u0001/Xã Vĩnh Kim 😀""#)
    }

    func testCompactAndPretty() {
        let v: JSONValue = ["schema_version": 1, "name": "Làng O2", "pct": 99.9, "list": [1, 2], "empty": [:], "none": [], "ok": true, "x": nil]
        XCTAssertEqual(v.jsonText(), #"{"schema_version":1,"name":"Làng O2","pct":99.9,"list":[1,2],"empty":{},"none":[],"ok":true,"x":null}"#)
        XCTAssertEqual(v.jsonText(style: .pretty), """
        {
          "schema_version": 1,
          "name": "Làng O2",
          "pct": 99.9,
          "list": [
            1,
            2
          ],
          "empty": {},
          "none": [],
          "ok": true,
          "x": null
        }
        """)
    }

    func testStreamingWriter() {
        var w = JSONWriter(style: .compact)
        w.beginObject()
        w.key("nearest"); w.beginArray(); w.fixed(108.1234567, decimals: 6); w.fixed(14.5, decimals: 6); w.endArray()
        w.key("n"); w.number(3)
        w.endObject()
        w.finish()
        XCTAssertEqual(w.text, "{\"nearest\":[108.123457,14.5],\"n\":3}\n")
    }

    func testDrainedTextAndRangesAreTheWholeOnes() {
        // Pretty entries written whole, then again drained after every entry with the second one
        // copied as the text the first writing gave it: the same text, the same ranges.
        let entries: [JSONValue] = [["id": "O2", "pct": 99.9], ["id": "Vĩnh Kim", "list": [1, 2]], [:]]
        func write(_ drain: Bool, _ copied: ArraySlice<UInt8>?) -> (text: [UInt8], ranges: [Range<Int>]) {
            var w = JSONWriter(style: .pretty), text: [UInt8] = [], ranges: [Range<Int>] = []
            w.beginObject(); w.key("villages"); w.beginArray()
            for (k, e) in entries.enumerated() {
                if k == 1, let copied { ranges.append(w.rawRange(copied)) } else { ranges.append(w.valueRange(e)) }
                if drain { w.drain { text += $0 } }
            }
            w.endArray(); w.endObject(); w.finish()
            w.drain { text += $0 }
            XCTAssertTrue(w.bytes.isEmpty)
            XCTAssertEqual(w.drained, text.count)
            return (text, ranges)
        }
        let (whole, drained) = writtenWholeAndDrained(write)
        XCTAssertEqual(String(decoding: whole.text, as: UTF8.self), JSONValue.object(["villages": .array(entries)]).jsonText(style: .pretty) + "\n")
        XCTAssertEqual(String(decoding: whole.text[whole.ranges[0]], as: UTF8.self), "{\n      \"id\": \"O2\",\n      \"pct\": 99.9\n    }")
        XCTAssertEqual(String(decoding: drained.text[drained.ranges[2]], as: UTF8.self), "{}")
    }

    func testRoundTrip() throws {
        let text = #"{"b":[1,2.5,-3e-05,"Đồng Nai \"x\"",{"k":null}],"a":{"z":false,"y":"ễ"}}"#
        let v = try JSONValue.parse(text)
        XCTAssertEqual(v.jsonText(), text.replacingOccurrences(of: "-3e-05", with: "-3e-05"))
        XCTAssertEqual(try JSONValue.parse(v.jsonText(style: .pretty)), v)
    }

    func testObjectEditing() {
        var o: JSONObject = ["a": 1, "b": 2]
        o["a"] = "x"
        o["c"] = 3
        o["b"] = nil
        XCTAssertEqual(o.keys, ["a", "c"])
        XCTAssertEqual(o["a"], "x")
    }
}
