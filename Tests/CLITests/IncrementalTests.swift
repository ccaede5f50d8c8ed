import FileCommit
import Foundation
import XCTest

/// `covgap analyze --since`: on a synthetic case with sites added, removed and moved and a village
/// polygon changed, the reports are byte-identical to a full run's, and most villages were reused;
/// another parameter or another version's side file gives a full run that says why.
final class IncrementalTests: XCTestCase {
    func inputs(_ dir: String) -> [String] {
        ["--villages", "\(dir)/villages.geojson", "--sites", "\(dir)/sites.csv", "--fibre", "\(dir)/fibre.geojson",
         "--places", "\(dir)/places.geojson", "--no-map"]
    }

    /// Per report file, the pieces whose text was copied from the previous folder and the file's pieces.
    func copiedText(_ r: CLI.Result) -> [String: (copied: Int, of: Int)] {
        guard let line = r.rawStderr.split(separator: "\n").first(where: { $0.contains("text copied from") }) else { return [:] }
        var out: [String: (copied: Int, of: Int)] = [:]
        for m in line.matches(of: /(report\.\w+) (\d+) of (\d+)/) { out[String(m.1)] = (Int(m.2)!, Int(m.3)!) }
        return out
    }

    /// The map's villages whose outlines were taken from the previous side file, and their number.
    func outlinesTaken(_ r: CLI.Result) -> (taken: Int, of: Int)? {
        guard let m = r.rawStderr.firstMatch(of: /the map's outlines of (\d+) of (\d+) villages( and \d+ of \d+ gap areas and fibre extensions)? taken from/)
        else { return nil }
        return (Int(m.1)!, Int(m.2)!)
    }

    /// The map's gap areas and fibre extensions whose outlines were taken from the previous side file, and their number.
    func otherOutlinesTaken(_ r: CLI.Result) -> (taken: Int, of: Int)? {
        guard let m = r.rawStderr.firstMatch(of: /villages and (\d+) of (\d+) gap areas and fibre extensions taken from/) else { return nil }
        return (Int(m.1)!, Int(m.2)!)
    }

    func reusedCount(_ r: CLI.Result) -> Int? {
        guard let m = r.rawStderr.firstMatch(of: /reused (\d+) of (\d+) villages/) else { return nil }
        return Int(m.1)
    }

    /// Priority places reused, and their number.
    func reusedPlaces(_ r: CLI.Result) -> (reused: Int, of: Int)? {
        guard let m = r.rawStderr.firstMatch(of: /and (\d+) of (\d+) priority places/) else { return nil }
        return (Int(m.1)!, Int(m.2)!)
    }

    /// A copy of `from` with site S000001 removed, S000010 moved 0.01° north, a new site and a
    /// vertex of the sixth village moved.
    /// Asserts that each of `names` is byte for byte the same in the folders `a` and `b` of `dir`.
    func assertSameFiles(_ names: [String], _ a: String, _ b: String, in dir: URL, line: UInt = #line) throws {
        for name in names {
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("\(a)/\(name)")),
                           try Data(contentsOf: dir.appendingPathComponent("\(b)/\(name)")), name, line: line)
        }
    }

    func edit(_ from: URL, to: URL) throws {
        try FileManager.default.copyItem(at: from, to: to)
        let sitesURL = to.appendingPathComponent("sites.csv")
        var rows = try String(contentsOf: sitesURL, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = rows.removeFirst()
        rows = rows.filter { !$0.hasPrefix("S000001,") }.map { row in
            var f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if f[0] == "S000010" { f[3] = String(Double(f[3])! + 0.01) }
            return f.joined(separator: ",")
        }
        rows.insert("SNEW01,Viettel,4G,10.30,104.90,90,65,", at: 5)
        try ([header] + rows).joined(separator: "\n").appending("\n").write(to: sitesURL, atomically: true, encoding: .utf8)

        let villagesURL = to.appendingPathComponent("villages.geojson")
        var g = try JSONSerialization.jsonObject(with: Data(contentsOf: villagesURL)) as! [String: Any]
        var features = g["features"] as! [[String: Any]]
        var geometry = features[5]["geometry"] as! [String: Any]
        XCTAssertEqual(geometry["type"] as? String, "Polygon")
        var rings = geometry["coordinates"] as! [[[Double]]]
        rings[0][3][0] += 0.002
        geometry["coordinates"] = rings
        features[5]["geometry"] = geometry
        // A village renamed: its result is reused, its text is made again.
        var properties = features[8]["properties"] as! [String: Any]
        properties["name"] = "Làng mới"
        features[8]["properties"] = properties
        g["features"] = features
        try JSONSerialization.data(withJSONObject: g).write(to: villagesURL)
    }

    /// A fibre file changed in place since the previous run is parsed again (its digest is not the
    /// one the side file's fibre was read from), and the reports are a full run's; unchanged since,
    /// its features are taken and the reports are the same again.
    func testAFibreFileChangedInPlaceIsReadAgain() throws {
        let dir = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["synth", "--villages", "120", "--seed", "3", "--out", "in"], in: dir).status, 0)
        let first = try CLI.run(["analyze"] + inputs("in") + ["--out", "a"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        // One route moved a little: its first position 0.001° east.
        let fibreURL = dir.appendingPathComponent("in/fibre.geojson")
        var g = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: fibreURL)) as? [String: Any])
        var features = try XCTUnwrap(g["features"] as? [[String: Any]])
        let line = try XCTUnwrap(features.firstIndex { ($0["geometry"] as? [String: Any])?["type"] as? String == "LineString" })
        var geometry = try XCTUnwrap(features[line]["geometry"] as? [String: Any])
        var coordinates = try XCTUnwrap(geometry["coordinates"] as? [[Double]])
        coordinates[0][0] += 0.001
        geometry["coordinates"] = coordinates
        features[line]["geometry"] = geometry
        g["features"] = features
        try JSONSerialization.data(withJSONObject: g).write(to: fibreURL)
        let full = try CLI.run(["analyze"] + inputs("in") + ["--out", "full"], in: dir)
        XCTAssertEqual(full.status, 0, full.stderr)
        let since = try CLI.run(["analyze"] + inputs("in") + ["--out", "since", "--since", "a"], in: dir)
        XCTAssertEqual(since.status, 0, since.stderr)
        XCTAssertFalse(since.rawStderr.contains("its features taken from"), since.rawStderr)
        XCTAssertTrue(since.rawStderr.contains("in/villages.geojson unchanged: its villages taken from a"), since.rawStderr)
        let files = ["report.json", "report.geojson", "report.csv", "report.reuse"]
        try assertSameFiles(files, "full", "since", in: dir)
        let again = try CLI.run(["analyze"] + inputs("in") + ["--out", "again", "--since", "since"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.rawStderr.contains("in/fibre.geojson unchanged: its features taken from since"), again.rawStderr)
        try assertSameFiles(files, "full", "again", in: dir)
    }

    func testSinceGivesTheFullRunsReports() throws {
        let dir = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["synth", "--villages", "400", "--seed", "7", "--out", "in"], in: dir).status, 0)
        let first = try CLI.run(["analyze"] + inputs("in") + ["--out", "a"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertNil(reusedCount(first))

        // Nothing changed: every village is reused, and the reports are the same.
        let same = try CLI.run(["analyze"] + inputs("in") + ["--out", "same", "--since", "a"], in: dir)
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertEqual(reusedCount(same), 400)
        // The villages file is not parsed again: its villages come from a's side file.
        XCTAssertTrue(same.rawStderr.contains("in/villages.geojson unchanged: its villages taken from a"), same.rawStderr)
        // Nor is the fibre file.
        XCTAssertTrue(same.rawStderr.contains("in/fibre.geojson unchanged: its features taken from a"), same.rawStderr)
        // Every village's text is copied: entries (villages and gaps), features (villages, gap areas, fibre extensions), rows.
        let sameCopied = copiedText(same)
        XCTAssertEqual(Set(sameCopied.keys), ["report.json", "report.geojson", "report.csv"], same.stderr)
        for (name, c) in sameCopied { XCTAssertEqual(c.copied, c.of, name) }
        XCTAssertEqual(sameCopied["report.csv"]?.of, 400)
        XCTAssertGreaterThan(sameCopied["report.json"]?.of ?? 0, 400)
        XCTAssertGreaterThan(sameCopied["report.geojson"]?.of ?? 0, sameCopied["report.json"]?.of ?? 0)
        let samePlaces = try XCTUnwrap(reusedPlaces(same))
        XCTAssertGreaterThan(samePlaces.of, 0)
        XCTAssertEqual(samePlaces.reused, samePlaces.of)

        try edit(dir.appendingPathComponent("in"), to: dir.appendingPathComponent("in2"))
        let full = try CLI.run(["analyze"] + inputs("in2") + ["--out", "full"], in: dir)
        XCTAssertEqual(full.status, 0, full.stderr)
        let since = try CLI.run(["analyze"] + inputs("in2") + ["--out", "since", "--since", "a"], in: dir)
        XCTAssertEqual(since.status, 0, since.stderr)
        XCTAssertEqual(since.stdout, full.stdout)
        XCTAssertFalse(since.rawStderr.contains("its villages taken from"), since.rawStderr)
        XCTAssertFalse(since.rawStderr.contains("its features taken from"), since.rawStderr)
        // The edits touch a few dozen villages: the rest were reused, the edited village was not.
        let reused = try XCTUnwrap(reusedCount(since))
        XCTAssertGreaterThan(reused, 300)
        XCTAssertLessThan(reused, 399)
        // Of the villages measured again, all but the one whose polygon changed keep their fixed
        // broadband result: the fibre is the same and so are their polygons and centres.
        let kept = try XCTUnwrap(since.rawStderr.firstMatch(of: /the fixed broadband of (\d+) of the (\d+) villages measured again kept/),
                                 since.rawStderr)
        XCTAssertEqual(Int(kept.2), 400 - reused)
        XCTAssertEqual(Int(kept.1), 400 - reused - 1)
        // Places near the edited sites are measured again, the others kept.
        let places = try XCTUnwrap(reusedPlaces(since))
        XCTAssertGreaterThan(places.reused, 0, "\(places)")
        XCTAssertLessThan(places.reused, places.of, "\(places)")
        // The reused villages' rows are copied, but for the renamed one's.
        let copied = copiedText(since)
        XCTAssertEqual(copied["report.csv"]?.copied, reused - 1, since.stderr)
        XCTAssertEqual(copied["report.csv"]?.of, 400)
        let files = ["report.json", "report.geojson", "report.csv", "report.reuse"]
        try assertSameFiles(files, "full", "since", in: dir)
        try assertSameFiles(files, "a", "same", in: dir)
        XCTAssertNotEqual(try Data(contentsOf: dir.appendingPathComponent("a/report.json")),
                          try Data(contentsOf: dir.appendingPathComponent("full/report.json")))

        // A previous report file changed since it was written is not copied from (it is made in
        // full), and the others still are.
        let csvURL = dir.appendingPathComponent("a/report.csv")
        var csv = [UInt8](try Data(contentsOf: csvURL))
        let digit = try XCTUnwrap(csv.lastIndex { $0 >= 0x30 && $0 <= 0x38 })
        csv[digit] += 1
        try Data(csv).write(to: csvURL)
        let edited = try CLI.run(["analyze"] + inputs("in2") + ["--out", "edited", "--since", "a"], in: dir)
        XCTAssertEqual(edited.status, 0, edited.stderr)
        XCTAssertEqual(Set(copiedText(edited).keys), ["report.json", "report.geojson"], edited.stderr)
        // The previous folder replaced by the run that copies from it, report.json printed as well.
        let again = try CLI.run(["analyze"] + inputs("in2") + ["--out", "edited", "--since", "edited", "--format", "json"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.rawStderr.contains("in2/villages.geojson unchanged: its villages taken from edited"), again.rawStderr)
        XCTAssertEqual(copiedText(again)["report.csv"]?.copied, 400, again.stderr)
        XCTAssertEqual(Data(again.stdout.utf8), try Data(contentsOf: dir.appendingPathComponent("full/report.json")))
        // Another dialect of report.csv: the results are reused, no text is copied.
        let dialect = try CLI.run(["analyze"] + inputs("in2") + ["--out", "vi", "--since", "full", "--csv-dialect", "excel-vi"], in: dir)
        XCTAssertEqual(dialect.status, 0, dialect.stderr)
        XCTAssertEqual(reusedCount(dialect), 400)
        XCTAssertTrue(copiedText(dialect).isEmpty, dialect.stderr)
        let viFull = try CLI.run(["analyze"] + inputs("in2") + ["--out", "vi-full", "--csv-dialect", "excel-vi", "--quiet"], in: dir)
        XCTAssertEqual(viFull.status, 0, viFull.stderr)
        let reports = ["report.json", "report.geojson", "report.csv", "report.reuse"]
        try assertSameFiles(reports, "edited", "full", in: dir)
        try assertSameFiles(reports, "vi", "vi-full", in: dir)
    }

    /// The picture is put together again only when it changed: with the same inputs the previous
    /// run's report.png is taken as it is (no band drawn or compressed, no note of it); a previous
    /// PNG changed since (not the digest the side file kept) is not, the picture is put together
    /// from the kept image and frame and every band compressed again, the same PNG; with moved
    /// sites it is drawn, the same PNG as the full run's, from an image whose unchanged bands are
    /// the previous run's.
    func testSinceKeepsThePNGOfAnUnchangedPicture() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") else { throw XCTSkip("rsvg-convert is not installed") }
        let dir = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["synth", "--villages", "150", "--seed", "7", "--out", "in"], in: dir).status, 0)
        let mapped = { (d: String) in self.inputs(d).filter { $0 != "--no-map" } }
        let first = try CLI.run(["analyze"] + mapped("in") + ["--out", "a"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        let real = try Data(contentsOf: dir.appendingPathComponent("a/report.png"))
        // A PNG cut short is not taken: the picture is put together again.
        try real.prefix(real.count / 2).write(to: dir.appendingPathComponent("a/report.png"))
        let cut = try CLI.run(["analyze"] + mapped("in") + ["--out", "cut", "--since", "a"], in: dir)
        XCTAssertEqual(cut.status, 0, cut.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("cut/report.png")), real)
        XCTAssertTrue(cut.rawStderr.contains("report.png: 0 of the map's"), cut.stderr)
        XCTAssertTrue(cut.rawStderr.contains("bands of rows drawn again, the others and the frame's image taken from a"), cut.stderr)
        try real.write(to: dir.appendingPathComponent("a/report.png"))

        let same = try CLI.run(["analyze"] + mapped("in") + ["--out", "same", "--since", "a"], in: dir)
        XCTAssertEqual(same.status, 0, same.stderr)
        // Every outline taken: of each village, and of each of report.geojson's other features.
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("a/report.geojson"))) as! [String: Any]
        let others = (geojson["features"] as! [Any]).count - 150
        XCTAssertGreaterThan(others, 10)
        XCTAssertEqual(outlinesTaken(same)?.taken, 150, same.stderr)
        XCTAssertEqual(otherOutlinesTaken(same)?.taken, others, same.stderr)
        XCTAssertEqual(otherOutlinesTaken(same)?.of, others, same.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("same/report.svg")),
                       try Data(contentsOf: dir.appendingPathComponent("a/report.svg")))
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("same/report.png")), real)
        XCTAssertFalse(same.rawStderr.contains("bands of rows drawn again"), same.stderr)
        // The kept picture's making goes into the side file as the full run keeps it.
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("same/report.reuse")),
                       try Data(contentsOf: dir.appendingPathComponent("a/report.reuse")))

        try edit(dir.appendingPathComponent("in"), to: dir.appendingPathComponent("in2"))
        let full = try CLI.run(["analyze"] + mapped("in2") + ["--out", "full"], in: dir)
        XCTAssertEqual(full.status, 0, full.stderr)
        let since = try CLI.run(["analyze"] + mapped("in2") + ["--out", "since", "--since", "a"], in: dir)
        XCTAssertEqual(since.status, 0, since.stderr)
        let drawn = try Data(contentsOf: dir.appendingPathComponent("since/report.png"))
        XCTAssertNotEqual(drawn, real)
        XCTAssertEqual(drawn, try Data(contentsOf: dir.appendingPathComponent("full/report.png")))
        XCTAssertGreaterThan(drawn.count, 10_000)
        // Only the bands of the map's image whose shapes changed were drawn; the side file keeps
        // the same image as the full run's.
        let bands = try XCTUnwrap(since.rawStderr.firstMatch(of: /report\.png: (\d+) of the map's (\d+) bands of rows drawn again/))
        XCTAssertGreaterThan(Int(bands.1)!, 0)
        XCTAssertLessThan(Int(bands.1)!, Int(bands.2)!)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("since/report.reuse")),
                       try Data(contentsOf: dir.appendingPathComponent("full/report.reuse")))
    }

    /// The frame's image (all of report.png but the map's shapes: its many place names among them)
    /// is kept in the side file: a `--since` run whose frame is the same takes it instead of having
    /// rsvg-convert draw it, its report.png and side file the full run's; with a place renamed the
    /// frame is drawn again, the PNG still the full run's.
    func testSinceTakesTheFramesImageWhenTheFrameIsTheSame() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") else { throw XCTSkip("rsvg-convert is not installed") }
        let dir = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["synth", "--villages", "150", "--seed", "7", "--out", "in"], in: dir).status, 0)
        // 520 named places near the villages' first corners.
        let villages = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("in/villages.geojson"))) as! [String: Any]
        func firstPosition(_ v: Any) -> [Double] { (v as? [Double]) ?? firstPosition((v as! [Any])[0]) }
        let corners = (villages["features"] as! [[String: Any]]).map { firstPosition(($0["geometry"] as! [String: Any])["coordinates"]!) }
        func places(renaming renamed: Int? = nil) -> Data {
            let features = (0..<520).map { i -> String in
                let c = corners[i % corners.count], step = 0.002 * Double(i / corners.count)
                let name = i == renamed ? "Trạm đổi tên" : "Trạm \(i)"
                return #"{"type":"Feature","properties":{"id":"P\#(i)","name":"\#(name)","category":"school"},"geometry":{"type":"Point","coordinates":[\#(c[0] + step),\#(c[1] + step)]}}"#
            }
            return Data((#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",\n") + "]}\n").utf8)
        }
        try places().write(to: dir.appendingPathComponent("in/places.geojson"))
        let mapped = { (d: String) in self.inputs(d).filter { $0 != "--no-map" } }
        let first = try CLI.run(["analyze"] + mapped("in") + ["--out", "a"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)

        try edit(dir.appendingPathComponent("in"), to: dir.appendingPathComponent("in2"))
        let full = try CLI.run(["analyze"] + mapped("in2") + ["--out", "full"], in: dir)
        XCTAssertEqual(full.status, 0, full.stderr)
        let since = try CLI.run(["analyze"] + mapped("in2") + ["--out", "since", "--since", "a"], in: dir)
        XCTAssertEqual(since.status, 0, since.stderr)
        XCTAssertTrue(since.rawStderr.contains("the others and the frame's image taken from a"), since.stderr)
        // The map's data of the villages whose text is copied is made from the analysis, not from
        // report.json's tree and the features (made only for the others): every file is the same.
        let copied = copiedText(since)
        XCTAssertGreaterThan(copied["report.geojson"]?.copied ?? 0, 0, since.stderr)
        XCTAssertGreaterThan(copied["report.json"]?.copied ?? 0, 0, since.stderr)
        try assertSameFiles(["report.json", "report.geojson", "report.csv", "report.svg", "report.html", "report.png", "report.reuse"],
                            "since", "full", in: dir)

        try FileManager.default.copyItem(at: dir.appendingPathComponent("in2"), to: dir.appendingPathComponent("in3"))
        try places(renaming: 7).write(to: dir.appendingPathComponent("in3/places.geojson"))
        let renamedFull = try CLI.run(["analyze"] + mapped("in3") + ["--out", "full3"], in: dir)
        XCTAssertEqual(renamedFull.status, 0, renamedFull.stderr)
        let renamed = try CLI.run(["analyze"] + mapped("in3") + ["--out", "since3", "--since", "a"], in: dir)
        XCTAssertEqual(renamed.status, 0, renamed.stderr)
        XCTAssertTrue(renamed.rawStderr.contains("bands of rows drawn again, the others taken from a"), renamed.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("since3/report.png")),
                       try Data(contentsOf: dir.appendingPathComponent("full3/report.png")))
        XCTAssertNotEqual(try Data(contentsOf: dir.appendingPathComponent("since3/report.png")),
                          try Data(contentsOf: dir.appendingPathComponent("since/report.png")))

        // The map's district and commune labels are taken when placed from the same villages (from
        // the full run on in2, whose villages in3 has), not when a village's polygon changed (from a).
        XCTAssertFalse(since.rawStderr.contains("labels taken"), since.stderr)
        XCTAssertFalse(renamed.rawStderr.contains("labels taken"), renamed.stderr)
        let sameVillages = try CLI.run(["analyze"] + mapped("in3") + ["--out", "since3b", "--since", "full"], in: dir)
        XCTAssertEqual(sameVillages.status, 0, sameVillages.stderr)
        XCTAssertTrue(sameVillages.rawStderr.contains("the map's district and commune labels taken from full"), sameVillages.stderr)
        try assertSameFiles(["report.json", "report.geojson", "report.csv", "report.svg", "report.html", "report.png", "report.reuse"],
                            "since3b", "full3", in: dir)
    }

    /// The page's payload is made of chunks (docs/map-payload.md): a `--since` run copies the text of
    /// each chunk whose key it makes again from the previous report.html, and encodes the others;
    /// the page is byte for byte the full run's. With nothing changed every chunk is copied; with
    /// the edits (sites added, removed and moved, a village's polygon changed, one renamed) the
    /// chunks holding them are made again and the others copied; a previous page changed since it
    /// was written is not copied from.
    func testSinceCopiesThePagesUnchangedChunks() throws {
        let dir = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["synth", "--villages", "400", "--seed", "7", "--out", "in"], in: dir).status, 0)
        let mapped = { (d: String) in self.inputs(d).filter { $0 != "--no-map" } + ["--outputs", "json,html"] }
        let first = try CLI.run(["analyze"] + mapped("in") + ["--out", "a"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        let same = try CLI.run(["analyze"] + mapped("in") + ["--out", "same", "--since", "a"], in: dir)
        XCTAssertEqual(same.status, 0, same.stderr)
        let all = try XCTUnwrap(copiedText(same)["report.html"], same.stderr)
        XCTAssertEqual(all.copied, all.of)
        // Every village's outline and prints are taken from a's side file, and every gap area's and
        // fibre extension's.
        XCTAssertEqual(outlinesTaken(same)?.taken, 400, same.stderr)
        XCTAssertEqual(outlinesTaken(same)?.of, 400, same.stderr)
        let others = try XCTUnwrap(otherOutlinesTaken(same), same.stderr)
        XCTAssertGreaterThan(others.of, 20)
        XCTAssertEqual(others.taken, others.of)
        XCTAssertGreaterThanOrEqual(all.of, 6, "villages in several tiles, fibre, sites")
        try assertSameFiles(["report.html", "report.reuse"], "same", "a", in: dir)

        try edit(dir.appendingPathComponent("in"), to: dir.appendingPathComponent("in2"))
        let full = try CLI.run(["analyze"] + mapped("in2") + ["--out", "full"], in: dir)
        XCTAssertEqual(full.status, 0, full.stderr)
        let since = try CLI.run(["analyze"] + mapped("in2") + ["--out", "since", "--since", "a"], in: dir)
        XCTAssertEqual(since.status, 0, since.stderr)
        let some = try XCTUnwrap(copiedText(since)["report.html"], since.stderr)
        XCTAssertGreaterThan(some.copied, 0)
        XCTAssertLessThan(some.copied, some.of)
        // Those of the villages whose text is copied: not of those measured again or changed.
        let outlines = try XCTUnwrap(outlinesTaken(since), since.stderr)
        XCTAssertEqual(outlines.of, 400)
        XCTAssertGreaterThan(outlines.taken, 300)
        XCTAssertLessThan(outlines.taken, 400)
        let otherOutlines = try XCTUnwrap(otherOutlinesTaken(since), since.stderr)
        XCTAssertGreaterThan(otherOutlines.taken, 0)
        XCTAssertLessThan(otherOutlines.taken, otherOutlines.of)
        try assertSameFiles(["report.json", "report.html", "report.reuse"], "since", "full", in: dir)
        XCTAssertNotEqual(try Data(contentsOf: dir.appendingPathComponent("a/report.html")),
                          try Data(contentsOf: dir.appendingPathComponent("full/report.html")))

        // A byte of the previous page changed: nothing is copied from it, the page is made whole.
        let pageURL = dir.appendingPathComponent("a/report.html")
        var page = [UInt8](try Data(contentsOf: pageURL))
        let at = try XCTUnwrap(page.firstRange(of: Array(#""arcs":""#.utf8))).upperBound
        page[at] = page[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try Data(page).write(to: pageURL)
        let edited = try CLI.run(["analyze"] + mapped("in2") + ["--out", "edited", "--since", "a"], in: dir)
        XCTAssertEqual(edited.status, 0, edited.stderr)
        XCTAssertEqual(copiedText(edited)["report.html"]?.copied, 0, edited.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("edited/report.html")),
                       try Data(contentsOf: dir.appendingPathComponent("full/report.html")))
    }

    /// Under the terrain model too, with sites added, removed and moved: reused dark villages keep
    /// their best links, and the model's warnings count every sector, as in the full run; the map's
    /// page and picture are the full run's (the page's villages whose text is copied have their
    /// properties, best links among them, made from the report where a chunk is encoded again).
    func testSinceUnderTheTerrainModelGivesTheFullRunsReports() throws {
        let dir = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["synth", "--villages", "120", "--seed", "7", "--dem", "--out", "in"], in: dir).status, 0)
        let mapped = { (d: String) in self.inputs(d).filter { $0 != "--no-map" } + ["--dem", "in/dem.tif"] }
        XCTAssertEqual(try CLI.run(["analyze"] + mapped("in") + ["--out", "a", "--quiet"], in: dir).status, 0)
        try edit(dir.appendingPathComponent("in"), to: dir.appendingPathComponent("in2"))
        let terrain = mapped("in2")  // the same DEM: its path is a parameter
        let full = try CLI.run(["analyze"] + terrain + ["--out", "full", "--quiet"], in: dir)
        XCTAssertEqual(full.status, 0, full.stderr)
        let since = try CLI.run(["analyze"] + terrain + ["--out", "since", "--since", "a"], in: dir)
        XCTAssertEqual(since.status, 0, since.stderr)
        let reused = try XCTUnwrap(reusedCount(since))
        XCTAssertGreaterThan(reused, 60)
        XCTAssertLessThan(reused, 120)
        XCTAssertGreaterThan(try XCTUnwrap(outlinesTaken(since), since.stderr).taken, 60)
        try assertSameFiles(["report.json", "report.geojson", "report.csv", "report.html", "report.svg"], "full", "since", in: dir)
        // What the identity covers: dark villages with their best links, and the model's warnings.
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("full/report.json"))) as! [String: Any]
        let villages = report["villages"] as! [[String: Any]]
        let dark = villages.filter { $0["mobile_status"] as? String != "covered" }
        XCTAssertFalse(dark.isEmpty)
        XCTAssertTrue(dark.contains { $0["best_link"] is [String: Any] })
        XCTAssertTrue((report["warnings"] as! [String]).contains { $0.contains("sectors outside the model's validity") })
    }

    /// The radio model is part of the parameters, and a site's link-budget columns part of its
    /// fingerprint: the terrain run is not reused for a flat one, nor a taller antenna's old footprint.
    func testTheRadioModelAndAntennaHeightsAreNotReusedAcross() throws {
        let dir = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["synth", "--villages", "60", "--seed", "3", "--dem", "--out", "in"], in: dir).status, 0)
        let terrain = inputs("in") + ["--dem", "in/dem.tif"]
        XCTAssertEqual(try CLI.run(["analyze"] + terrain + ["--out", "a", "--quiet"], in: dir).status, 0)

        let flat = try CLI.run(["analyze"] + inputs("in") + ["--out", "b", "--since", "a"], in: dir)
        XCTAssertEqual(flat.status, 0, flat.stderr)
        XCTAssertTrue(flat.stderr.contains("covgap: --since a: a full run: the model parameters differ"), flat.stderr)
        XCTAssertNil(reusedCount(flat))

        // Every antenna of the first site 20 m higher: the villages it reaches are computed again,
        // and the reports are the full run's.
        try FileManager.default.copyItem(at: dir.appendingPathComponent("in"), to: dir.appendingPathComponent("in2"))
        let sitesURL = dir.appendingPathComponent("in2/sites.csv")
        var rows = try String(contentsOf: sitesURL, encoding: .utf8).split(separator: "\n").map(String.init)
        let first = rows[1].split(separator: ",", omittingEmptySubsequences: false)[0]
        rows[0] += ",height_m"
        for k in rows.indices.dropFirst() { rows[k] += rows[k].hasPrefix("\(first),") ? ",50" : "," }
        try (rows.joined(separator: "\n") + "\n").write(to: sitesURL, atomically: true, encoding: .utf8)
        let terrain2 = inputs("in2") + ["--dem", "in/dem.tif"]
        let since = try CLI.run(["analyze"] + terrain2 + ["--out", "c", "--since", "a"], in: dir)
        XCTAssertEqual(since.status, 0, since.stderr)
        let reused = try XCTUnwrap(reusedCount(since))
        XCTAssertLessThan(reused, 60, "the villages the taller site reaches are computed again")
        XCTAssertEqual(try CLI.run(["analyze"] + terrain2 + ["--out", "d", "--quiet"], in: dir).status, 0)
        try assertSameFiles(["report.json", "report.geojson", "report.csv"], "c", "d", in: dir)
    }

    func testAnotherParameterOrVersionRunsInFull() throws {
        let dir = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["synth", "--villages", "60", "--seed", "3", "--out", "in"], in: dir).status, 0)
        XCTAssertEqual(try CLI.run(["analyze"] + inputs("in") + ["--out", "a", "--quiet"], in: dir).status, 0)

        // Villages read under another --field choice are read again (here to the same effect).
        let field = try CLI.run(["analyze"] + inputs("in") + ["--out", "f", "--field", "name=name", "--since", "a"], in: dir)
        XCTAssertEqual(field.status, 0, field.stderr)
        XCTAssertFalse(field.rawStderr.contains("its villages taken from"), field.rawStderr)
        XCTAssertEqual(reusedCount(field), 60)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("f/report.json")),
                       try Data(contentsOf: dir.appendingPathComponent("a/report.json")))

        let reach = try CLI.run(["analyze"] + inputs("in") + ["--out", "b", "--fibre-reach", "900", "--since", "a"], in: dir)
        XCTAssertEqual(reach.status, 0, reach.stderr)
        XCTAssertTrue(reach.stderr.contains("covgap: --since a: a full run: the model parameters differ"), reach.stderr)
        XCTAssertNil(reusedCount(reach))
        let fullReach = try CLI.run(["analyze"] + inputs("in") + ["--out", "c", "--fibre-reach", "900", "--quiet"], in: dir)
        XCTAssertEqual(fullReach.status, 0)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("b/report.json")),
                       try Data(contentsOf: dir.appendingPathComponent("c/report.json")))

        // Damaged at its end (its layout cut short), after the villages as read: a full run that
        // says why, the villages taken all the same (they were read whole, and are handed over
        // before the layout is read), the report the full run's.
        let side = dir.appendingPathComponent("a/report.reuse")
        let whole = try Data(contentsOf: side)
        try whole.dropLast(2).write(to: side)
        let tail = try CLI.run(["analyze"] + inputs("in") + ["--out", "t", "--since", "a"], in: dir)
        XCTAssertEqual(tail.status, 0, tail.stderr)
        XCTAssertTrue(tail.stderr.contains("covgap: --since a: a full run: report.reuse is damaged"), tail.stderr)
        XCTAssertTrue(tail.rawStderr.contains("in/villages.geojson unchanged: its villages taken from a"), tail.rawStderr)
        XCTAssertNil(reusedCount(tail))
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("t/report.json")),
                       try Data(contentsOf: dir.appendingPathComponent("a/report.json")))
        try whole.write(to: side)

        // The same side file, as another version of covgap would have written it.
        var bytes = [UInt8](try Data(contentsOf: side))
        let from = Array("covgap 1.0".utf8), to = Array("covgap 0.9".utf8)
        let at = try XCTUnwrap((0...(bytes.count - from.count)).first { Array(bytes[$0..<$0 + from.count]) == from })
        bytes.replaceSubrange(at..<at + from.count, with: to)
        try Data(bytes).write(to: side)
        let other = try CLI.run(["analyze"] + inputs("in") + ["--out", "d", "--since", "a"], in: dir)
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stderr.contains("a full run: it was made by covgap 0.9, this is covgap 1.0"), other.stderr)
        XCTAssertFalse(other.rawStderr.contains("its villages taken from"), other.rawStderr)
        XCTAssertNil(reusedCount(other))

        // Cut short: a full run, not a crash.
        try Data(bytes.prefix(bytes.count / 2)).write(to: side)
        let cut = try CLI.run(["analyze"] + inputs("in") + ["--out", "e", "--since", "a", "--quiet"], in: dir)
        XCTAssertEqual(cut.status, 0, cut.stderr)
        XCTAssertTrue(cut.stderr.contains("report.reuse is damaged"), cut.stderr)
    }

    /// A side file edited so that its layout still holds together but a village's result is one
    /// no run makes (a coverage class's share dropped): a full run that says why, not a crash.
    /// A run records each report file's digest with the file's identity in the user's digest cache,
    /// and a `--since` run takes a file of that identity without reading it: what it records is
    /// the file as it lies in the folder.
    func testTheDigestCacheHoldsTheReportsAsWritten() throws {
        let dir = try CLI.temporaryDirectory(self)
        let cache = ["XDG_CACHE_HOME": dir.appendingPathComponent("cache").path]
        XCTAssertEqual(try CLI.run(["synth", "--villages", "30", "--seed", "3", "--out", "in"], in: dir).status, 0)
        let first = try CovgapProcess.run(["analyze"] + inputs("in") + ["--out", "a", "--quiet"], in: dir, environment: cache)
        XCTAssertEqual(first.status, 0, first.stderr)
        let cached = DigestCache(path: dir.appendingPathComponent("cache/covgap/digests").path)
        for name in ["report.json", "report.geojson", "report.csv"] {
            let path = dir.appendingPathComponent("a/\(name)").path
            let identity = try XCTUnwrap(FileIdentity(path: path))
            XCTAssertEqual(cached.digest(.report, of: identity), FileDigest.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))), name)
        }
        XCTAssertNil(cached.digest(.report, of: try XCTUnwrap(FileIdentity(path: dir.appendingPathComponent("a/report.reuse").path))),
                     "only the files whose text a later run copies")
        let since = try CovgapProcess.run(["analyze"] + inputs("in") + ["--out", "b", "--since", "a"], in: dir, environment: cache)
        XCTAssertEqual(since.status, 0, since.stderr)
        XCTAssertEqual(Set(copiedText(CLI.Result(status: since.status, stdout: since.stdout, stderr: since.stderr, rawStderr: since.rawStderr)).keys),
                       ["report.json", "report.geojson", "report.csv"])
        try assertSameFiles(["report.json", "report.geojson", "report.csv", "report.reuse"], "a", "b", in: dir)
    }

    func testAnEditedSideFileRunsInFull() throws {
        let dir = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["synth", "--villages", "30", "--seed", "3", "--out", "in"], in: dir).status, 0)
        XCTAssertEqual(try CLI.run(["analyze"] + inputs("in") + ["--out", "a", "--quiet"], in: dir).status, 0)
        let side = dir.appendingPathComponent("a/report.reuse")
        var b = [UInt8](try Data(contentsOf: side))
        // The side file's start (`IncrementalState.encode`): magic, format, version and parameters, the
        // inputs' digests, the operators, the zones' print, the sectors' prints, the CRSs, then per
        // village its two prints, its CRS, its candidates, its area and its shares by class.
        var at = "COVGAP-REUSE".utf8.count
        func varint() -> Int {
            var v = 0, shift = 0
            while true { let x = b[at]; at += 1; v |= Int(x & 0x7f) << shift; if x < 0x80 { return v }; shift += 7 }
        }
        func skipString() { let n = varint(); at += n }
        _ = varint(); skipString(); skipString()
        for _ in 0..<varint() { skipString(); skipString() }
        for _ in 0..<varint() { skipString() }
        at += 16
        at += 16 * varint()
        for _ in 0..<varint() { skipString() }
        XCTAssertEqual(varint(), 30)
        at += 32
        _ = varint()
        for _ in 0..<varint() { _ = varint() }
        at += 8
        XCTAssertEqual(b[at], 6)  // six classes: mobile, broadband, 2G … 5G
        b[at] = 5
        b.removeSubrange((at + 1 + 40)..<(at + 1 + 48))
        try Data(b).write(to: side)

        let edited = try CLI.run(["analyze"] + inputs("in") + ["--out", "b", "--since", "a", "--quiet"], in: dir)
        XCTAssertEqual(edited.status, 0, edited.stderr)
        XCTAssertTrue(edited.stderr.contains("covgap: --since a: a full run: report.reuse is damaged"), edited.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("a/report.json")),
                       try Data(contentsOf: dir.appendingPathComponent("b/report.json")))
    }
}
