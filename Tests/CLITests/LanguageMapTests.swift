import Foundation
import XCTest

/// The map of `covgap analyze --lang vi` in headless Chromium: no English word is left in its
/// interface (the header, the controls, the legend, the gap list and the open village panel).
final class LanguageMapTests: XCTestCase {
    func chromium() -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/chromium") }
    }

    /// What a person can read on the page with Làng O2's panel open (Scripts/map-text).
    func interfaceText(_ folder: URL, select id: String) throws -> String {
        let script = CLI.root.appendingPathComponent("Scripts/map-text").path
        let r = try CLI.runTool("/usr/bin/env", ["python3", script, folder.appendingPathComponent("report.html").path, "--hash", "select=\(id)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    static func words(_ s: String) -> [String] { s.split(whereSeparator: { !$0.isLetter }).map(String.init) }

    func testVietnameseMapHasNoEnglishWordInItsInterface() throws {
        guard chromium() else { throw XCTSkip("chromium is not on PATH") }
        let en = try BundledReport.folder(), vi = try BundledReportVi.run().folder
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: en.appendingPathComponent("report.json"))) as! [String: Any]
        let villages = report["villages"] as! [[String: Any]]
        let o2 = try XCTUnwrap(villages.first { $0["name"] as? String == "Làng O2" }?["id"] as? String)

        // Data is not interface: place names, ids, operators and the plan's own Vietnamese labels.
        var data: Set<String> = ["covgap", "WGS", "bung"]  // the product, the datum, the search example "ka bung"
        for v in villages {
            for k in ["id", "name", "commune", "district"] { data.formUnion(Self.words(v[k] as? String ?? "")) }
            data.formUnion((v["operators"] as? [String: Any] ?? [:]).keys)
            data.formUnion(Self.words((v["best_link"] as? [String: Any])?["site_id"] as? String ?? ""))
        }
        for t in report["targets"] as! [[String: Any]] { data.formUnion(Self.words(t["label_vi"] as? String ?? "")) }

        // The oracle: the English page's interface words, read the same way.
        let englishText = try interfaceText(en, select: o2)
        XCTAssertTrue(englishText.contains("Legend\n") && englishText.contains("Distance to fibre\n"), englishText)
        let english = Set(Self.words(englishText).filter { $0.count >= 3 && $0.allSatisfy(\.isASCII) }).subtracting(data)
        XCTAssertGreaterThan(english.count, 60, "the English page's interface words: \(english.sorted())")
        for w in ["Legend", "Households", "Uncovered", "fibre", "Zoom", "View", "Operator"] { XCTAssertTrue(english.contains(w), w) }

        let vietnamese = try interfaceText(vi, select: o2)
        let left = Set(Self.words(vietnamese)).intersection(english)
        XCTAssertEqual(left.sorted(), [], "English left in the Vietnamese map:\n\(vietnamese)")
        // The same parts are there, in Vietnamese: header, controls, legend, list, panel, tooltips.
        for line in ["Phủ sóng di động và băng rộng cố định — 1000 thôn/làng thuộc 11 huyện", "Thôn, làng có sóng di động",
                     "Hiển thị", "Chú giải", "Chưa phủ sóng (< 5 %)", "Thôn/làng chưa đạt", "Không có sóng di động",
                     "Khoảng cách đến cáp quang", "Diện tích được phủ sóng, theo nhà mạng", "Tìm thôn/làng — vd. ka bung, O2", "Phóng to"] {
            XCTAssertTrue(vietnamese.contains(line + "\n"), "missing: \(line)")
        }
        // Data values stay as they are.
        XCTAssertTrue(vietnamese.contains("Xã Vĩnh Kim · Huyện Vĩnh Thạnh  ·  mã \(o2)\n"))
        XCTAssertTrue(vietnamese.contains("Viettel\n"))
    }
}
