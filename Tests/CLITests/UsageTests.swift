import Foundation
import XCTest

final class UsageTests: XCTestCase {
    func testHelpExitsZeroAndNamesTheCommands() throws {
        let r = try CLI.run(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("analyze"))
        XCTAssertTrue(r.stdout.contains("footprints"))
    }

    /// Every command's help has examples, each one line that fits an 80-column terminal.
    func testEveryHelpHasExamples() throws {
        for command in ["analyze", "check", "diff", "plan", "map", "atlas", "footprints", "synth"] {
            let r = try CLI.run([command, "--help"])
            XCTAssertEqual(r.status, 0, command)
            guard let examples = r.stdout.range(of: "Examples:\n") else { XCTFail("\(command) --help has no examples"); continue }
            let lines = r.stdout[examples.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
                .prefix { $0.hasPrefix("  ") }
            XCTAssertFalse(lines.isEmpty, command)
            for line in lines {
                XCTAssertTrue(line.hasPrefix("  covgap \(command)"), "\(command): \(line)")
                XCTAssertLessThanOrEqual(line.count, 80, "\(command): \(line)")
            }
        }
    }

    /// footprints lists only what draws footprints: no village, fibre or threshold option.
    func testFootprintsHelpListsOnlyItsOwnOptions() throws {
        let r = try CLI.run(["footprints", "--help"])
        XCTAssertEqual(r.status, 0)
        for option in ["--arc-step", "--radius-4g", "--input-crs", "--sites", "--out"] { XCTAssertTrue(r.stdout.contains(option), option) }
        for option in ["--fibre-reach", "--covered-min", "--uncovered-max", "--min-gap-area", "--villages", "--crs "] {
            XCTAssertFalse(r.stdout.contains(option), option)
        }
    }

    func testBadUsageExitsTwoWithAMessage() throws {
        let r = try CLI.run(["analyze", "--villages", "v.geojson"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("give both --villages and --sites"), r.stderr)
        let bad = try CLI.run(["analyze", "--covered-min", "0.01", "--uncovered-max", "0.5"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--uncovered-max"), bad.stderr)
        XCTAssertEqual(try CLI.run(["analyze", "--no-such-flag"]).status, 2)
    }

    func testUnknownCRSIsBadUsage() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["analyze", "--crs", "EPSG:999999", "--out", tmp.appendingPathComponent("o").path])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("EPSG:999999"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("o/report.json").path))
    }
}
