import Foundation
import XCTest

/// Byte-identical reports: the bundled analysis and a fixed synthetic case give exactly the files
/// recorded here. A change that moves one byte of any report shows up as a new SHA-256; a change
/// meant to alter an output updates the digest in the same commit and says why.
final class GoldenOutputTests: XCTestCase {
    static let bundled = [
        "report.json": "2449711857ef40c92670d42c5a39884cc34f40812741dfdc3d06fea4d72a10fa",
        "report.geojson": "2e9607677c664ac77fa995ccb197635fc773b6b09102a57862c2be2dd79caad6",
        "report.csv": "a9248884b540e9bea3a54ba8d48e635dcd898398729e9799ca41dd3a5cf940e5",
        "report.html": "a4bef9cf31f2f557fda74bfa0bbb726c2884a2da184aafb7f8e65cb49def3295",
        "report.svg": "92853eb6ce9c585639062bccf2699c21c91bccb27cb297516e8a2792eb2bd7f7",
    ]

    /// `covgap synth --villages 300 --seed 7`: its inputs, then the reports of analyzing them.
    static let synthInputs = [
        "villages.geojson": "e3f335f07d6fa514a518619448208507824bfa2a00a46f75bad4859cf3b789f6",
        "sites.csv": "0d205a2121c67831d5ef8d266cd959cd98a558b705a8ce47b10cccc97ca7a5e7",
        "fibre.geojson": "d90fe4d17ddb7d9cfbd0651cd38fd67c8021294b3ac47dd20fe71c90798042ce",
        "places.geojson": "d6b64536711a86a269f34a187a7892a5af172ebdb6cc98020d9879de964daaf4",
    ]
    static let synth = [
        "report.json": "96696d04a5bacac4550f2db4afb6e56ae1c3d21354bb6a91ca6b92038073983a",
        "report.geojson": "c53272406e01e3682d512b34836c9af9fa6746222c5bb36ab558888fb097a314",
        "report.csv": "c60ecf05debf0831dfc64b61a6ca32c39ae0afb36591cca69e8584f9d9bc1900",
        "report.html": "2c90a630f7351bce20e88e036c2236ec5ee092984ac5115d42c80937f7fc26c8",
        "report.svg": "e96df393fc10a0ff29681907da5f04ad3c7095f993aa0d51e0c43efc8d73711b",
    ]

    /// SHA-256 of each file in `folder`, by `sha256sum` (an independent tool).
    func digests(_ folder: URL, _ names: [String]) throws -> [String: String] {
        let r = try CLI.runTool("/usr/bin/sha256sum", names.sorted(), in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        var out: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            out[String(parts[1].trimmingCharacters(in: .whitespaces))] = String(parts[0])
        }
        return out
    }

    func testBundledReportsAreByteIdentical() throws {
        let folder = try BundledReport.folder()
        XCTAssertEqual(try digests(folder, Array(Self.bundled.keys)), Self.bundled)
    }

    func testSyntheticReportsAreByteIdentical() throws {
        let dir = try CLI.temporaryDirectory(self)
        let input = dir.appendingPathComponent("in"), out = dir.appendingPathComponent("out")
        let s = try CLI.run(["synth", "--villages", "300", "--seed", "7", "--out", input.path])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertEqual(try digests(input, Array(Self.synthInputs.keys)), Self.synthInputs)
        // Relative paths, as report.json records the paths as given.
        let a = try CLI.run(["analyze", "--villages", "in/villages.geojson", "--sites", "in/sites.csv",
                             "--fibre", "in/fibre.geojson", "--places", "in/places.geojson",
                             "--out", "out", "--quiet", "--jobs", "1"], in: dir)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(try digests(out, Array(Self.synth.keys)), Self.synth)
    }
}
