import XCTest
import Geo
@testable import GeoIO

/// The features array split between threads: the same features, and the same first error, as
/// one thread reading in order, whatever the file holds.
final class ParallelGeoJSONTests: XCTestCase {
    /// `n` features with strings holding brackets, braces, escaped quotes and backslashes, nested
    /// properties, and every geometry the reader takes.
    static func collection(_ n: Int, feature: (Int) -> String? = { _ in nil }) -> String {
        var parts: [String] = []
        for k in 0..<n {
            if let special = feature(k) { parts.append(special); continue }
            let x = 108 + Double(k % 97) / 100, y = 14 + Double(k / 97) / 100
            let geometry: String
            switch k % 4 {
            case 0: geometry = #"{"type": "Point", "coordinates": [\#(x), \#(y)]}"#
            case 1: geometry = #"{"type": "LineString", "coordinates": [[\#(x), \#(y)], [\#(x + 0.01), \#(y)]]}"#
            case 2: geometry = #"{"type": "Polygon", "coordinates": [[[\#(x), \#(y)], [\#(x + 0.01), \#(y)], [\#(x), \#(y + 0.01)], [\#(x), \#(y)]]]}"#
            default: geometry = "null"
            }
            parts.append(#"{"type": "Feature", "id": \#(k), "properties": {"name": "Thôn \#(k) {\"[x]\"} \\ ]", "#
                         + #""tags": [1, {"a": "}"}], "n": \#(k * 3)}, "geometry": \#(geometry)}"#)
        }
        return #"{"type": "FeatureCollection", "features": [\#n"# + parts.joined(separator: ",\n ") + "\n]}\n"
    }

    func read(_ text: String, jobs: Int) -> Result<FeatureCollection, InputError> {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            Result { try GeoJSONReader.read(buffer, source: "t.geojson", jobs: jobs, parallelBytes: 0) }.mapError { $0 as! InputError }
        }
    }

    func testSplitReadIsTheOrderedRead() throws {
        let text = Self.collection(1_000)
        let one = try read(text, jobs: 1).get(), two = try read(text, jobs: 2).get(), four = try read(text, jobs: 4).get()
        XCTAssertEqual(one.features.count, 1_000)
        XCTAssertEqual(one.features[1].properties["name"], .string("Thôn 1 {\"[x]\"} \\ ]"))
        XCTAssertEqual(two, one)
        XCTAssertEqual(four, one)
        XCTAssertEqual(two.features.map(\.index), Array(0..<1_000))
        // The quick scan finds every feature (so the split read above was split).
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var parser = GeoJSONParser(scanner: JSONScanner(buffer, start: 0, source: "t.geojson"))
            parser.s.i = bytes.firstIndex(of: UInt8(ascii: "["))! + 2
            let split = parser.featureStarts()
            XCTAssertEqual(split?.starts.count, 1_000)
            XCTAssertEqual(split.map { bytes[$0.end - 1] }, UInt8(ascii: "]"))
            XCTAssertEqual(split?.starts.allSatisfy { bytes[$0] == UInt8(ascii: "{") }, true)
        }
    }

    /// A parser at the first feature of `bytes`' features array.
    func parserAtFeatures(_ buffer: UnsafeBufferPointer<UInt8>) -> GeoJSONParser {
        var parser = GeoJSONParser(scanner: JSONScanner(buffer, start: 0, source: "t.geojson"))
        parser.jobs = 2
        parser.s.i = buffer.firstIndex(of: UInt8(ascii: "["))! + 2
        return parser
    }

    /// Stretches of the array start where a quick guess puts them, without the scan of every
    /// byte before: the guesses are features' starts, and the stretches read are the ordered read.
    func testStretchesStartAtGuessedFeatureStarts() throws {
        let text = Self.collection(1_000), bytes = Array(text.utf8)
        let ordered = try read(text, jobs: 1).get().features
        try bytes.withUnsafeBufferPointer { buffer in
            let parser = parserAtFeatures(buffer)
            let starts = parser.pieceStarts(16)
            XCTAssertEqual(starts.count, 16)
            let all = Set(try XCTUnwrap(parser.featureStarts()).starts)
            XCTAssertEqual(starts.filter(all.contains), starts)
            let read = try XCTUnwrap(parser.piecesRead(from: starts))
            XCTAssertEqual(read.features, ordered)
            XCTAssertEqual(read.features.map(\.index), Array(0..<1_000))
            XCTAssertEqual(buffer[read.end - 1], UInt8(ascii: "]"))
        }
    }

    /// Features holding `},{` (objects in a list, in strings): guesses land inside features, the
    /// stretches read from them do not meet, and the array is read another way: the same features.
    func testWrongGuessesGiveTheOrderedReadAllTheSame() throws {
        let inner = #"{"type": "Feature", "properties": {"list": [{"a": 1},{"b": "},{"},{"c": [2]}], "s": "x},\n {y"}, "geometry": null}"#
        let text = Self.collection(1_000) { k in k % 3 == 0 ? inner : nil }, bytes = Array(text.utf8)
        let ordered = try read(text, jobs: 1).get()
        XCTAssertEqual(ordered.features.count, 1_000)
        bytes.withUnsafeBufferPointer { buffer in
            let parser = parserAtFeatures(buffer)
            let starts = parser.pieceStarts(16)
            let all = Set(parser.featureStarts()?.starts ?? [])
            XCTAssertFalse(starts.allSatisfy(all.contains), "no guess inside a feature: the case is not tested")
            XCTAssertNil(parser.piecesRead(from: starts))
        }
        XCTAssertEqual(try read(text, jobs: 2).get(), ordered)
        XCTAssertEqual(try read(text, jobs: 4).get(), ordered)
    }

    func testTheFirstErrorIsTheOrderedReadsError() {
        let broken: [(String, (Int) -> String?)] = [
            // A ring left open in feature 612, a later one in 801: 612 is named.
            ("open ring", { k in k == 612 || k == 801 ? #"{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [1, 2], [1.5, 1.5]]]}}"# : nil }),
            // A missing colon: a syntax error inside feature 377.
            ("syntax", { k in k == 377 ? #"{"type": "Feature", "properties" {}, "geometry": null}"# : nil }),
            // A bracket closing a brace: the quick scan cannot find the next feature.
            ("brackets", { k in k == 455 ? #"{"type": "Feature", "properties": {"a": [1, 2}], "geometry": null}"# : nil }),
            // A number where a feature belongs.
            ("not an object", { k in k == 90 ? "42" : nil }),
            // A feature of the wrong type after a good stretch, and a duplicated member.
            ("type", { k in k == 999 ? #"{"type": "Featur", "properties": {}, "geometry": null}"# : nil }),
            ("duplicate", { k in k == 500 ? #"{"type": "Feature", "type": "Feature", "properties": {}, "geometry": null}"# : nil }),
        ]
        for (name, special) in broken {
            let text = Self.collection(1_000, feature: special)
            guard case .failure(let ordered) = read(text, jobs: 1) else { XCTFail("\(name): read without error"); continue }
            guard case .failure(let split) = read(text, jobs: 2) else { XCTFail("\(name): split read without error"); continue }
            XCTAssertEqual(split.description, ordered.description, name)
            XCTAssertEqual(split, ordered, name)
        }
        // The messages name the feature the ordered read stops at.
        if case .failure(let e) = read(Self.collection(1_000, feature: broken[0].1), jobs: 2) {
            XCTAssertTrue(e.description.contains("feature 612"), e.description)
        }
    }

    func testTextAfterTheArrayIsStillRead() {
        let text = Self.collection(300).replacingOccurrences(of: "\n]}\n", with: "\n], \"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:4326\"}}}")
        XCTAssertEqual(try read(text, jobs: 2).get().crsName, "EPSG:4326")
        let trailing = Self.collection(300) + "]"
        guard case .failure(let ordered) = read(trailing, jobs: 1), case .failure(let split) = read(trailing, jobs: 2) else {
            return XCTFail("text after the document must fail")
        }
        XCTAssertEqual(split, ordered)
    }
}
