import Foundation
import XCTest

/// Byte-identical reports: the bundled analysis and a fixed synthetic case give exactly the files
/// recorded here. A change that moves one byte of any report shows up as a new SHA-256; a change
/// meant to alter an output updates the digest in the same commit and says why.
final class GoldenOutputTests: XCTestCase {
    static let bundled = [
        "report.json": "5062aba1b07bb197af81ef95ea4c2f61b5f56756ef5bea68be2bd82b7d44f9a9",
        "report.geojson": "2f8d51321cd01b54134a9dc93c893810da8dc2aa5d89bca8daee0a792d971e84",
        "report.csv": "304ac75f6ebb51a52ae8412b4b4e3c3b5499b49cda9505196c278730d5ad9ce3",
        "report.html": "90aa40f95a3baea4cdea70b4cdb3530b3a1ad2d9233abdc3a47d6a8db8de034c",
        "report.svg": "f67b37e04e3a38ac927ed002abc44d4d0a39559e390e400eefeaf8394bff7f11",
    ]

    /// `covgap synth --villages 300 --seed 7`: its inputs, then the reports of analyzing them.
    static let synthInputs = [
        "villages.geojson": "e3f335f07d6fa514a518619448208507824bfa2a00a46f75bad4859cf3b789f6",
        "sites.csv": "0d205a2121c67831d5ef8d266cd959cd98a558b705a8ce47b10cccc97ca7a5e7",
        "fibre.geojson": "d90fe4d17ddb7d9cfbd0651cd38fd67c8021294b3ac47dd20fe71c90798042ce",
        "places.geojson": "d6b64536711a86a269f34a187a7892a5af172ebdb6cc98020d9879de964daaf4",
    ]
    static let synth = [
        "report.json": "9380979b64d5d3f5243f6a8e3259ae0a2cf2f934626c25aa68aa4c555b624b78",
        "report.geojson": "c53272406e01e3682d512b34836c9af9fa6746222c5bb36ab558888fb097a314",
        "report.csv": "c60ecf05debf0831dfc64b61a6ca32c39ae0afb36591cca69e8584f9d9bc1900",
        "report.html": "bc87756107aab1b30746dd32e7306b2c5f6df3f98ff56183ff936cb452e4185d",
        "report.svg": "1e684c586e9340c13e4319c3d1134023ae73e0ccf79bff9a96c2d28a39f642ff",
    ]

    // History of deliberate changes: the plan's targets read from targets.json added report.json's
    // targets[], inputs.targets, summary.commune_centres, the households shares and the centres'
    // fields of priority_places, and the map's target boxes and speed view (report.json and
    // report.html). The bundled data became the real province (its outlines, centres and speed
    // tests: every bundled file), and the map is drawn from the coordinates report.geojson holds
    // (the synthetic case's report.html and report.svg).

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
