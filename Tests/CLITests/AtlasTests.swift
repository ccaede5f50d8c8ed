import Foundation
import XCTest

/// `covgap atlas`: a printable PDF, one A4 page per district, worst first.
final class AtlasTests: XCTestCase {
    /// The pixels of a binary PPM (P6, maxval 255) as RGB triples.
    func pixels(_ data: Data) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        var fields: [String] = [], i = 0
        while fields.count < 4 {
            while data[i] == 0x20 || data[i] == 0x0A { i += 1 }
            var f = ""
            while data[i] != 0x20 && data[i] != 0x0A { f.append(Character(UnicodeScalar(data[i]))); i += 1 }
            fields.append(f)
        }
        XCTAssertEqual(fields[0], "P6")
        return (Int(fields[1])!, Int(fields[2])!, [UInt8](data[(i + 1)...]))
    }

    func testOnePagePerDistrictWithTheUncoveredVillageInTheUncoveredColour() throws {
        let folder = try BundledReport.folder()
        let dir = try CLI.temporaryDirectory(self)
        let pdf = dir.appendingPathComponent("atlas.pdf")
        let r = try CLI.run(["atlas", folder.path, "--out", pdf.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let info = try CLI.runTool("/usr/bin/pdfinfo", [pdf.path])
        XCTAssertTrue(info.stdout.contains("Pages:           11\n"), info.stdout)
        XCTAssertTrue(info.stdout.contains("(A4)"), info.stdout)
        let text = try CLI.runTool("/usr/bin/pdftotext", ["-f", "1", "-l", "1", pdf.path, "-"])
        // Worst first: Vĩnh Thạnh, with làng O2, is page 1.
        XCTAssertTrue(text.stdout.hasPrefix("Huyện Vĩnh Thạnh"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Làng O2, Xã Vĩnh Kim"), text.stdout)

        // Page 1 as a picture: PNG for people, PPM to count pixels.
        let png = try CLI.runTool("/usr/bin/pdftoppm", ["-f", "1", "-l", "1", "-r", "60", "-png", pdf.path, dir.appendingPathComponent("p").path])
        XCTAssertEqual(png.status, 0, png.stderr)
        let pngData = try Data(contentsOf: dir.appendingPathComponent("p-01.png"))
        XCTAssertEqual(Array(pngData.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        let ppm = try CLI.runTool("/usr/bin/pdftoppm", ["-f", "1", "-l", "1", "-r", "100", pdf.path, dir.appendingPathComponent("q").path])
        XCTAssertEqual(ppm.status, 0, ppm.stderr)
        let image = try pixels(try Data(contentsOf: dir.appendingPathComponent("q-01.ppm")))
        var red = 0
        for p in stride(from: 0, to: image.rgb.count - 2, by: 3) {
            let (r, g, b) = (Int(image.rgb[p]), Int(image.rgb[p + 1]), Int(image.rgb[p + 2]))
            if abs(r - 0xd7) <= 3 && abs(g - 0x19) <= 3 && abs(b - 0x1c) <= 3 { red += 1 }
        }
        // The uncovered village fills a patch of the uncovered colour (#d7191c), not just a few text pixels.
        XCTAssertGreaterThan(red, 150, "pixels in the uncovered colour: \(red)")
    }

    func testTheAtlasLeavesNothingInTheTemporaryDirectory() throws {
        let folder = try BundledReport.folder()
        let dir = try CLI.temporaryDirectory(self)
        let temporary = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
        let pdf = dir.appendingPathComponent("atlas.pdf")
        let r = try CLI.runTool("/usr/bin/env", ["TMPDIR=" + temporary.path, CovgapProcess.executable, "atlas", folder.path, "--out", pdf.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Array(try Data(contentsOf: pdf).prefix(5)), Array("%PDF-".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary.path), [])

        // The pages go through that directory: without it there is no atlas, and the error says why.
        let missing = dir.appendingPathComponent("missing").path
        let failed = try CLI.runTool("/usr/bin/env", ["TMPDIR=" + missing, CovgapProcess.executable, "atlas", folder.path,
                                                      "--out", dir.appendingPathComponent("none.pdf").path])
        XCTAssertEqual(failed.status, 2)
        XCTAssertEqual(failed.stderr, "covgap: the atlas's pages could not be handed to rsvg-convert: cannot make a scratch folder in \(missing): No such file or directory\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.pdf").path))
    }

    func testByCommuneAndAFolderWithoutAReport() throws {
        let folder = try BundledReport.folder()
        let dir = try CLI.temporaryDirectory(self)
        let pdf = dir.appendingPathComponent("communes.pdf")
        let r = try CLI.run(["atlas", folder.path, "--by", "commune", "--out", pdf.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let communes = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("report.json"))) as! [String: Any]
        let count = ((communes["summary"] as! [String: Any])["communes"] as! [Any]).count
        let info = try CLI.runTool("/usr/bin/pdfinfo", [pdf.path])
        XCTAssertTrue(info.stdout.contains("Pages:           \(count)\n"), info.stdout)

        let bad = try CLI.run(["atlas", dir.path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "covgap: \(dir.path)/report.json: cannot open: No such file or directory\n")
    }
}
