import Foundation
import GeoIO
import XCTest
import Geo
@testable import CoverageMap
import TestSupport
import CoverageReport
import Coverage

final class MapPageTests: XCTestCase {
    /// A small hand-made payload: four villages in Vĩnh Thạnh, one of them (Làng O2) uncovered.
    static let payload = #"""
    {"title": "Tỉnh Bình Định — mobile and fixed broadband coverage",
     "summary": {"villages": 4,
       "mobile": {"covered": 2, "partial": 1, "uncovered": 1, "covered_pct": 50.0, "any_signal_pct": 75.0},
       "5G": {"covered": 1, "partial": 1, "uncovered": 2, "covered_pct": 25.0, "any_signal_pct": 50.0},
       "fixed": {"available": 2, "unavailable": 2, "available_pct": 50.0},
       "places": {"total": 2, "with_5g": 1, "5g_pct": 50.0},
       "targets": [{"id": "mobile_villages", "label": "Mobile signal (villages covered)", "figure": "mobile.covered_pct", "comparison": ">=", "value": 50.0, "target": 100, "unit": "%", "met": false, "baseline": {"value": 99.9}},
                   {"id": "places_5g", "label": "5G at priority places", "figure": "places.5g_pct", "comparison": ">=", "value": 50.0, "target": 100, "unit": "%", "met": false, "baseline": null}]},
     "operators": ["MobiFone", "Viettel", "VinaPhone", "Vietnamobile"],
     "villages": {"type": "FeatureCollection", "features": [
       {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[108.70,14.20],[108.72,14.20],[108.72,14.22],[108.70,14.22],[108.70,14.20]]]},
        "properties": {"id": "V1", "name": "Làng O2", "commune": "Xã Vĩnh Kim", "district": "Huyện Vĩnh Thạnh", "households": 85, "area_m2": 4700000,
          "mobile_status": "uncovered", "coverage": {"mobile": 0, "broadband": 0, "2G": 0, "3G": 0, "4G": 0, "5G": 0},
          "operators": {"Viettel": 0, "VinaPhone": 0}, "fixed_status": "unavailable", "fibre_distance_m": 4210.5}},
       {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[108.72,14.20],[108.74,14.20],[108.74,14.22],[108.72,14.22],[108.72,14.20]]]},
        "properties": {"id": "V2", "name": "Làng Kà Bưng", "commune": "Xã Canh Liên", "district": "Huyện Vân Canh", "households": null, "area_m2": 4700000,
          "mobile_status": "covered", "coverage": {"mobile": 1, "broadband": 1, "2G": 1, "3G": 0.9, "4G": 1, "5G": 0.2},
          "operators": {"Viettel": 1, "VinaPhone": 0.7}, "fixed_status": "unavailable", "fibre_distance_m": 1800}},
       {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[[[108.70,14.22],[108.72,14.22],[108.72,14.24],[108.70,14.24],[108.70,14.22]]]]},
        "properties": {"id": "V3", "name": "Thôn 1", "commune": "Xã Vĩnh Kim", "district": "Huyện Vĩnh Thạnh", "households": 120, "area_m2": 4700000,
          "mobile_status": "partial", "coverage": {"mobile": 0.4, "broadband": 0.3, "2G": 0.4, "3G": 0.3, "4G": 0.3, "5G": 0},
          "operators": {"Viettel": 0.4}, "fixed_status": "available", "fibre_distance_m": 300}},
       {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[108.72,14.22],[108.74,14.22],[108.74,14.24],[108.72,14.24],[108.72,14.22]]]},
        "properties": {"id": "V4", "name": "Thôn </script><script>window.bad=1</script>", "commune": "Xã Vĩnh Kim", "district": "Huyện Vĩnh Thạnh", "households": 60, "area_m2": 4700000,
          "mobile_status": "covered", "coverage": {"mobile": 1, "broadband": 1, "2G": 1, "3G": 1, "4G": 1, "5G": 1},
          "operators": {"Viettel": 1}, "fixed_status": "available", "fibre_distance_m": 20}}]},
     "gaps": {"type": "FeatureCollection", "features": [
       {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[108.70,14.22],[108.71,14.22],[108.71,14.24],[108.70,14.24],[108.70,14.22]]]}, "properties": {"village_id": "V3", "area_m2": 2300000}}]},
     "fibre": {"type": "FeatureCollection", "features": [
       {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[108.745,14.19],[108.745,14.245]]}, "properties": {"id": "F1", "operator": "Viettel"}},
       {"type": "Feature", "geometry": {"type": "Point", "coordinates": [108.745,14.19]}, "properties": {"id": "POP1", "operator": "Viettel"}}]},
     "extensions": {"type": "FeatureCollection", "features": [
       {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[108.745,14.21],[108.71,14.21]]}, "properties": {"village_id": "V1", "length_m": 4210.5}}]},
     "sites": {"type": "FeatureCollection", "features": [
       {"type": "Feature", "geometry": {"type": "Point", "coordinates": [108.735,14.215]}, "properties": {"site_id": "S1", "operator": "Viettel", "techs": ["2G","4G"]}}]},
     "places": {"type": "FeatureCollection", "features": [
       {"type": "Feature", "geometry": {"type": "Point", "coordinates": [108.73,14.23]}, "properties": {"id": "P1", "name": "Trạm y tế Vĩnh Kim", "category": "hospital", "has_5g": true}},
       {"type": "Feature", "geometry": {"type": "Point", "coordinates": [108.71,14.23]}, "properties": {"id": "P2", "name": "Trường Vĩnh Kim", "category": "school", "has_5g": false}}]},
     "labels": {"districts": [{"name": "Huyện Vĩnh Thạnh", "lon": 108.72, "lat": 14.22}],
                "communes": [{"name": "Xã Vĩnh Kim", "district": "Huyện Vĩnh Thạnh", "lon": 108.71, "lat": 14.23}]}}
    """#

    static var repositoryRoot: URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The JSON text inside the covgap-data element, as the browser's parser would see it.
    func embeddedJSON(_ html: String) throws -> String {
        let open = #"<script type="application/json" id="covgap-data">"#
        let start = try XCTUnwrap(html.range(of: open))
        let end = try XCTUnwrap(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        return String(html[start.upperBound..<end.lowerBound])
    }

    func testPayloadCannotCloseItsScriptElement() throws {
        let html = MapPage.html(payloadJSON: Self.payload)
        XCTAssertFalse(html.contains("</script><script>window.bad"))
        XCTAssertTrue(html.contains(#"Thôn <\/script><script>window.bad=1<\/script>"#))
        // What sits between the tags is still the same JSON.
        let embedded = try embeddedJSON(html)
        let a = try JSONSerialization.jsonObject(with: Data(embedded.utf8)) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: Data(Self.payload.utf8)) as? NSDictionary
        XCTAssertEqual(a, b)
        XCTAssertEqual(MapPage.embeddable(#"{"a":"<!-- <script>"}"#), #"{"a":"<\u0021-- <script>"}"#)
        XCTAssertEqual(MapPage.embeddable("{}"), "{}")
    }

    /// The escaping copies the text between escapes a run at a time: on every text of up to six of
    /// the characters that matter (19,531 texts), it gives what escaping byte by byte gives.
    func testEmbeddableEscapesEveryTextAsByteByByte() {
        let alphabet = Array("</!-a".utf8)
        var texts: [[UInt8]] = [[]], all: [[UInt8]] = [[]]
        for _ in 1...6 {
            texts = texts.flatMap { t in alphabet.map { t + [$0] } }
            all += texts
        }
        XCTAssertEqual(all.count, 19_531)
        for text in all where MapPage.embeddable(text) != Self.escapedByteByByte(text) {
            XCTFail("\(String(decoding: text, as: UTF8.self)): \(String(decoding: MapPage.embeddable(text), as: UTF8.self))")
        }
        XCTAssertEqual(MapPage.embeddable(Array("a</b<!--c<d".utf8)), Array(#"a<\/b<\u0021--c<d"#.utf8))
        // In pieces: the runs between escapes are handed over as they lie (a text without one whole,
        // nothing for an empty text), none of them empty.
        func pieces(_ text: String) -> [String] {
            var out: [String] = []
            MapPage.embeddable(Array(text.utf8)[...], into: { out.append(String(decoding: $0, as: UTF8.self)) },
                               literal: { out.append(String(decoding: $0, as: UTF8.self)) })
            return out
        }
        XCTAssertEqual(pieces(#"{"a":"b"}"#), [#"{"a":"b"}"#])
        XCTAssertEqual(pieces(""), [])
        XCTAssertEqual(pieces("a</b<!--c<d"), ["a", #"<\/"#, "b", #"<\u0021--"#, "c<d"])
        XCTAssertEqual(pieces("</"), [#"<\/"#])
    }

    /// Texts of the payload lying elsewhere (a previous page's chunks, already embeddable) are
    /// handed to `write` as they lie, each in one piece: the page and the places of the pieces are
    /// those of the payload with the texts in it, escapes before and after them counted.
    func testTextsLyingElsewhereAreHandedOverAsTheyLie() throws {
        let texts = [Array(#"{"b":"<\/y"}"#.utf8), Array(#"{"c":"<\u0021--z"}"#.utf8)]
        let values: [JSONValue] = [["a": "</x"], ["d": "<!--w"]]
        var whole = JSONWriter(style: .compact), apart = JSONWriter(style: .compact)
        var wholeRanges: [Range<Int>] = [], apartRanges: [Range<Int>] = []
        var elsewhere: [(at: Int, text: UnsafeBufferPointer<UInt8>)] = []
        let buffers = texts.map { t in UnsafeMutableBufferPointer<UInt8>.allocate(capacity: t.count) }
        defer { buffers.forEach { $0.deallocate() } }
        for (b, t) in zip(buffers, texts) { _ = b.initialize(from: t) }
        for w in [0, 1] {
            var writer = JSONWriter(style: .compact)
            var ranges: [Range<Int>] = []
            writer.beginObject()
            writer.key("chunks")
            writer.beginArray()
            for k in 0..<2 {
                ranges.append(writer.valueRange(values[k]))
                if w == 0 {
                    ranges.append(writer.rawRange(texts[k]))
                } else {
                    let placed = writer.rawElsewhere(count: texts[k].count)
                    elsewhere.append((placed.at, UnsafeBufferPointer(buffers[k])))
                    ranges.append(placed.range)
                }
            }
            writer.endArray()
            writer.endObject()
            writer.finish()
            if w == 0 { (whole, wholeRanges) = (writer, ranges) } else { (apart, apartRanges) = (writer, ranges) }
        }
        XCTAssertEqual(apartRanges, wholeRanges)
        XCTAssertEqual(apart.bytes.count + texts[0].count + texts[1].count, whole.bytes.count)
        var expected: [UInt8] = []
        let expectedPieces = MapPage.write(payload: whole.bytes, pieces: wholeRanges) { expected += $0 }
        var page: [UInt8] = [], handed: [UnsafeRawPointer?] = []
        let pieces = MapPage.write(payload: apart.bytes, elsewhere: elsewhere, pieces: apartRanges) { page += $0; handed.append($0.baseAddress) }
        XCTAssertEqual(page, expected)
        XCTAssertEqual(pieces, expectedPieces)
        for (k, b) in buffers.enumerated() {
            XCTAssertTrue(handed.contains(UnsafeRawPointer(b.baseAddress)), "text \(k) handed over where it lies")
            XCTAssertEqual(Array(page[pieces[2 * k + 1]]), texts[k])
        }
        // The escapes made around them: the values' own.
        XCTAssertEqual(String(decoding: page[pieces[0]], as: UTF8.self), #"{"a":"<\/x"}"#)
        XCTAssertEqual(String(decoding: page[pieces[2]], as: UTF8.self), #"{"d":"<\u0021--w"}"#)
    }

    /// `</` becomes `<\/` and `<!--` becomes `<\u0021--`, the text read from the left a byte at a time.
    static func escapedByteByByte(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [], i = 0
        while i < bytes.count {
            if bytes[i...].starts(with: "</".utf8) {
                out += #"<\/"#.utf8; i += 2
            } else if bytes[i...].starts(with: "<!--".utf8) {
                out += #"<\u0021--"#.utf8; i += 4
            } else {
                out.append(bytes[i]); i += 1
            }
        }
        return out
    }

    func testPageIsSelfContainedWithLegendAndData() throws {
        let html = MapPage.html(payloadJSON: Self.payload)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains(#"<meta charset="utf-8">"#))
        XCTAssertTrue(html.contains(#"id="legend""#))
        XCTAssertTrue(html.contains(#"id="covgap-data""#))
        XCTAssertTrue(html.contains("Làng O2"))
        XCTAssertTrue(html.contains("Xã Vĩnh Kim"))
        XCTAssertTrue(html.contains("#d7191c"))
        XCTAssertTrue(html.contains(#""Noto Sans", "DejaVu Sans""#))
        // No network: no external scripts, styles, fonts or images.
        XCTAssertFalse(html.contains("<link"))
        XCTAssertFalse(html.contains("src="))
        XCTAssertFalse(html.contains("@import"))
        XCTAssertFalse(html.contains("url(http"))
        let urls = html.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        XCTAssertEqual(urls.filter { !$0.hasPrefix("://www.w3.org/2000/svg") }, [])
        XCTAssertEqual(html.components(separatedBy: "</script>").count - 1, 2)
        XCTAssertEqual(MapPage.html(payloadJSON: Self.payload), html)
    }

    // MARK: - the static picture

    static func square(_ x: Double, _ y: Double, _ d: Double = 0.02) -> Shape {
        .polygon([[Coordinate(x, y), Coordinate(x + d, y), Coordinate(x + d, y + d), Coordinate(x, y + d), Coordinate(x, y)]])
    }

    static var pictureInput: MapPictureInput {
        MapPictureInput(
            title: "Tỉnh Bình Định — mobile coverage & <gaps>",
            subtitle: "Mobile 50 % (target 99.9 %)",
            villages: [
                .init(shape: square(108.70, 14.20), status: "uncovered"),
                .init(shape: square(108.72, 14.20), status: "covered"),
                .init(shape: square(108.70, 14.22), status: "partial"),
                .init(shape: square(108.72, 14.22), status: "covered"),
            ],
            gaps: [square(108.70, 14.22, 0.01)],
            fibre: [.lineString([Coordinate(108.745, 14.19), Coordinate(108.745, 14.245)]), .point(Coordinate(108.745, 14.19))],
            extensions: [.lineString([Coordinate(108.745, 14.21), Coordinate(108.71, 14.21)])],
            sites: [Coordinate(108.735, 14.215)],
            places: [.init(at: Coordinate(108.73, 14.23), name: "Trạm y tế Vĩnh Kim", has5G: true),
                     .init(at: Coordinate(108.71, 14.23), name: "Trường Vĩnh Kim", has5G: false)])
    }

    func testPictureFillsUncoveredVillagesRed() throws {
        let svg = MapPicture.svg(Self.pictureInput, width: 800)
        XCTAssertTrue(svg.hasPrefix("<?xml"))
        let group = try XCTUnwrap(svg.range(of: ##"<g id="villages-uncovered" fill="#d7191c""##))
        XCTAssertTrue(svg[group.upperBound...].prefix(200).contains("<path d=\"M"))
        for id in ["villages-covered", "villages-partial", "gaps", "fibre", "fibre-nodes", "extensions", "sites", "places", "legend", "scale"] {
            XCTAssertTrue(svg.contains(#"id="\#(id)""#), id)
        }
        XCTAssertTrue(svg.contains("Tỉnh Bình Định — mobile coverage &amp; &lt;gaps&gt;"))
        XCTAssertTrue(svg.contains(#"width="800""#))
    }

    func testPictureIsDeterministicAndRoundedToTenths() throws {
        let a = MapPicture.svg(Self.pictureInput), b = MapPicture.svg(Self.pictureInput)
        XCTAssertEqual(a, b)
        let d = try XCTUnwrap(a.range(of: #"id="villages-uncovered""#)).upperBound
        let path = String(a[d...].prefix(400))
        let numbers = path.split(whereSeparator: { !"0123456789.-".contains($0) }).filter { $0.contains(".") }
        XCTAssertFalse(numbers.isEmpty)
        for n in numbers { XCTAssertLessThanOrEqual(n.split(separator: ".").last!.count, 1, String(n)) }
        XCTAssertEqual(MapPicture.f(12.345), "12.3")
        XCTAssertEqual(MapPicture.f(-0.04), "0")
        XCTAssertEqual(MapPicture.f(-2.25), "-2.3")
        XCTAssertEqual(MapPicture.f(7), "7")
    }

    func testEmptyPicture() {
        let svg = MapPicture.svg(MapPictureInput(title: "Empty"))
        XCTAssertTrue(svg.contains("No map data"))
        XCTAssertFalse(svg.contains(#"id="villages-"#))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    }

    // MARK: - in a browser

    func chromium() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let p = "\(dir)/chromium"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    func runMapCheck(_ page: URL, _ args: [String]) throws -> (Int32, String) {
        let script = Self.repositoryRoot.appendingPathComponent("Scripts/map-check")
        let r = try Tool.run("/usr/bin/env", ["python3", script.path, page.path] + args)
        return (r.status, r.stdout + r.stderr)
    }

    func testPageInHeadlessChromium() throws {
        guard chromium() != nil else { throw XCTSkip("chromium is not on PATH") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("report.html")
        try MapPage.html(payloadJSON: Self.payload).write(to: page, atomically: true, encoding: .utf8)
        if let keep = ProcessInfo.processInfo.environment["COVGAP_MAP_KEEP"] {  // for looking at it by hand
            try? MapPage.html(payloadJSON: Self.payload).write(toFile: keep + "/small.html", atomically: true, encoding: .utf8)
            try? MapPicture.svg(Self.pictureInput).write(toFile: keep + "/small.svg", atomically: true, encoding: .utf8)
        }

        let (status, output) = try runMapCheck(page, ["--search", "O2"])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("zoomed to village 'V1'"), output)

        // Every collection empty (and no collections at all): no JavaScript error.
        for (name, json) in [("empty", "{}"), ("collections", #"{"villages": {"type": "FeatureCollection", "features": []}, "gaps": null, "fibre": {"features": []}, "labels": {}}"#)] {
            let empty = dir.appendingPathComponent("\(name).html")
            try MapPage.html(payloadJSON: json).write(to: empty, atomically: true, encoding: .utf8)
            let (s, o) = try runMapCheck(empty, ["--min-red", "0"])
            XCTAssertEqual(s, 0, o)
        }
    }
}
