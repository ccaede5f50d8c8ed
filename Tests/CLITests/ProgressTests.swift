import Foundation
import XCTest

/// What analyze says while it runs: a bar per stage on a terminal, one line per stage in a log, nothing with --quiet.
final class ProgressTests: XCTestCase {
    static let stages = ["read", "footprints", "overlay", "fibre", "places", "encode", "write"]

    func synthetic() throws -> URL {
        let dir = try CLI.temporaryDirectory(self)
        let s = try CLI.run(["synth", "--villages", "200", "--seed", "3", "--out", dir.appendingPathComponent("in").path])
        XCTAssertEqual(s.status, 0, s.stderr)
        return dir
    }

    var arguments: [String] {
        ["analyze", "--villages", "in/villages.geojson", "--sites", "in/sites.csv", "--fibre", "in/fibre.geojson",
         "--places", "in/places.geojson", "--out", "out", "--no-map"]
    }

    func testLogHasOneLinePerStageAndSaysWhatWasReadAndWritten() throws {
        let dir = try synthetic()
        let r = try CLI.run(arguments, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.rawStderr.split(separator: "\n").map(String.init)
        for stage in Self.stages {
            let matching = lines.filter { $0.hasPrefix("covgap ▸ \(stage): ") && $0.hasSuffix(" s") }
            XCTAssertEqual(matching.count, 1, "\(stage) in \(lines)")
        }
        XCTAssertTrue(lines.contains("covgap ▸ read in/villages.geojson: 200 villages"), "\(lines)")
        XCTAssertTrue(lines.contains("covgap ▸ working CRS EPSG:32648 (the UTM zone of the villages)") ||
                      lines.contains { $0.hasPrefix("covgap ▸ working CRS EPSG:326") }, "\(lines)")
        XCTAssertTrue(lines.contains("covgap ▸ wrote out/report.json, out/report.geojson, out/report.csv"), "\(lines)")
        XCTAssertFalse(r.rawStderr.contains("\r"), "no redrawing in a log")
    }

    func testWroteNamesOnlyTheFilesWritten() throws {
        let dir = try synthetic()
        let r = try CLI.run(arguments + ["--outputs", "csv,geojson"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.rawStderr.contains("covgap ▸ wrote out/report.geojson, out/report.csv\n"), r.rawStderr)
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path).sorted()
        XCTAssertEqual(written, ["report.csv", "report.geojson", "report.reuse"])
    }

    func testTerminalShowsBarsWithPercentages() throws {
        let dir = try synthetic()
        // `script` runs the command under a pseudo-terminal and records what it printed.
        let command = ([CovgapProcess.executable] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let r = try CLI.runTool("/usr/bin/script", ["-qec", command, "/dev/null"], in: dir)
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.contains("\r\u{1B}[K  overlay: 200 villages in "), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"\r\x{1B}\[K  (footprints|overlay) +[█·]+ +\d+ %  \d+/\d+ "#, options: .regularExpression),
                        "a bar with a percentage: \(r.stdout.debugDescription)")
        // On a terminal the gap table is cut at 50 villages.
        XCTAssertTrue(r.stdout.contains(" more, see report.csv"), r.stdout)
    }

    func testQuietPrintsNothing() throws {
        let dir = try synthetic()
        let r = try CLI.run(arguments + ["--quiet"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        // No progress or information line; the warnings about defaults stay (they are not progress).
        XCTAssertFalse(r.rawStderr.contains("covgap ▸"), r.rawStderr)
        XCTAssertTrue(r.rawStderr.split(separator: "\n").allSatisfy { $0.hasPrefix("covgap: warning:") }, r.rawStderr)
    }

    func testTopCutsTheGapList() throws {
        let dir = try synthetic()
        let r = try CLI.run(arguments + ["--top", "3"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let listed = r.stdout.split(separator: "\n").filter { $0.hasPrefix("      ") }.count
        XCTAssertEqual(listed, 3, r.stdout)
        let total = Int(r.stdout.firstMatch(of: /Villages short of a target \((\d+)\)/)!.1)!
        XCTAssertTrue(r.stdout.contains("  … and \(total - 3) more, see report.csv\n"), r.stdout)
    }
}
