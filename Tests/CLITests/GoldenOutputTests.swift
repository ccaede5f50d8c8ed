import Foundation
import XCTest

/// Byte-identical reports: the bundled analysis and a fixed synthetic case give exactly the files
/// recorded here. A change that moves one byte of any report shows up as a new SHA-256; a change
/// meant to alter an output updates the digest in the same commit and says why.
final class GoldenOutputTests: XCTestCase {
    static let bundled = [
        "report.json": "fc45b905ec512c35739ce22e41558ffe3b95b93687bce32613aafcd07e85ec25",
        "report.geojson": "c962a8271e74e902b9bfb6c1bc9a3d01d6a1e39e5a886a3d26edb361187470f7",
        "report.csv": "bb921d13ae7836422e2fa80d1a2f29d8e0d961ceec6ddae5a4db814a6b332b15",
        "report.html": "717cd60db4b8e0d49cf7271f645d838f083eca6ecd04da0761ca8988c8154a4f",
        "report.svg": "b7194ad3bfd9eb7b3924f8c15988ead6e02a4fe2c73af91bb38c61727f30c973",
    ]

    /// `covgap synth --villages 300 --seed 7`: its inputs, then the reports of analyzing them.
    static let synthInputs = [
        "villages.geojson": "e3f335f07d6fa514a518619448208507824bfa2a00a46f75bad4859cf3b789f6",
        "sites.csv": "0d205a2121c67831d5ef8d266cd959cd98a558b705a8ce47b10cccc97ca7a5e7",
        "fibre.geojson": "d90fe4d17ddb7d9cfbd0651cd38fd67c8021294b3ac47dd20fe71c90798042ce",
        "places.geojson": "d6b64536711a86a269f34a187a7892a5af172ebdb6cc98020d9879de964daaf4",
    ]
    static let synth = [
        "report.json": "81426a63a4968c1fe6d83749dd979cfffc112923954fae204f542de7dd143107",
        "report.geojson": "c53272406e01e3682d512b34836c9af9fa6746222c5bb36ab558888fb097a314",
        "report.csv": "48af73f18642684ce2ddd1c97ae135e3dca423fc83d6f3ecad7dedea904a565a",
        "report.html": "030d720bc16f1ac99d28b3499426565ddd3cc8a5b15d20a5e0f6fd8db5c10199",
        "report.svg": "1e684c586e9340c13e4319c3d1134023ae73e0ccf79bff9a96c2d28a39f642ff",
    ]

    // History of deliberate changes: the plan's targets read from targets.json added report.json's
    // targets[], inputs.targets, summary.commune_centres, the households shares and the centres'
    // fields of priority_places, and the map's target boxes and speed view (report.json and
    // report.html). The map is drawn from the coordinates report.geojson holds, its payload is
    // compact (shared borders) (report.html, report.svg); report.csv carries a byte-order mark,
    // hectares and percentages; report.json counts the defaults applied in its warnings. The bundled
    // data became the real province, analysed over its relief (every bundled file), and the map
    // draws its gap list after the first frame and lets long values in the village panel wrap (the
    // synthetic case's report.html). Each priority place says whether it counts in the 5G figures
    // (`requires_5g`, report.json). The terrain footprints of one antenna direction place their
    // corners on shared chords (to the column edges at 10 km), and the bundled sites were drawn
    // again with them (every bundled report). Neighbouring radials' stretches that match one to one
    // are joined at the means of their ends instead of stepping at the column boundary, and the
    // bundled sites were drawn again with those footprints (every bundled report). The mobile gap
    // no longer goes through GEOS for a terrain footprint whose hull misses the remainder or whose
    // inner fan holds it: the same gap polygons, some listed in another order or from another first
    // vertex (the bundled report.geojson, and the map drawn from it). Positions go to the UTM
    // working CRS by Krüger's series instead of PROJ's pipeline (within nanometres of it): four
    // mean speeds of the bundled province (tiles shared by area) that lay on a rounding boundary
    // moved by 0.01 Mb/s, and one gap polygon starts from another vertex (every bundled report).
    // The direct geodesic problem is solved by our own evaluation of Karney's series instead of
    // PROJ's (within 10 nm of it): 40 of the bundled gap polygons start from another vertex and one
    // village's two gap pieces are listed in the other order, the same rings and areas
    // (report.geojson, and the map drawn from it). The series' sines and cosines are our own
    // (within an ulp of the C library's): one mean speed of the bundled province on a rounding
    // boundary moved by 0.01 Mb/s and gap polygons moved by nanometres (every bundled report).
    // The page's payload is written in chunks, villages and sites by tiles of half a degree, each
    // with arcs of its own, and an arc is thinned walked from its smaller end (report.html). The
    // tiles are a quarter of a degree (report.html).

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
