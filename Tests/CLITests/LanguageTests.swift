import Foundation
import XCTest

/// `--lang vi`: the table, the plan, report.csv's header and report.json on the bundled data.
final class LanguageTests: XCTestCase {
    /// The text table and plan, as `covgap analyze --lang vi` prints them on the bundled data.
    func testBundledTableInVietnameseIsTheGoldenOne() throws {
        let run = try BundledReportVi.run()
        let golden = try String(contentsOf: CLI.fixtures.appendingPathComponent("good/bundled-table-vi.txt"), encoding: .utf8)
        XCTAssertEqual(run.result.stdout, golden)
        let out = run.result.stdout
        // The figures are the English run's; the words are Vietnamese.
        XCTAssertTrue(out.hasPrefix("covgap — 1000 thôn/làng, hệ tọa độ làm việc EPSG:32649\n\nThôn/làng chưa đạt chỉ tiêu (8):\n"))
        XCTAssertTrue(out.contains("      Làng O2         di động chưa phủ sóng (phủ sóng 3.0 %); cáp quang cách 4.6 km\n"))
        XCTAssertTrue(out.contains("  Thôn, làng có sóng di động                           99.9 % (999/1000)         100.0 %         99.9 %         CHƯA ĐẠT: 1 thôn/làng (Làng O2)\n"))
        XCTAssertTrue(out.contains("  Hộ gia đình có sóng di động             99.98 % trên 384892\n"))
        XCTAssertTrue(out.contains("\nPhương án\n"))
        // No English word of the English table is left (names, codes and units aside).
        for word in ["village", "villages", "covered", "uncovered", "Plan", "targets", "NOT MET", "fibre", "away", "baseline",
                     "goal", "households", "Other figures", "Priority", "New sites", "extensions", "upgrades", "no data"] {
            XCTAssertFalse(out.contains(word), "English left in the Vietnamese table: \(word)")
        }
    }

    /// report.csv's header is Vietnamese, column for column; the rows are the English run's.
    func testCSVHeaderInVietnamese() throws {
        let vi = try String(contentsOf: try BundledReportVi.run().folder.appendingPathComponent("report.csv"), encoding: .utf8)
        let en = try String(contentsOf: try BundledReport.folder().appendingPathComponent("report.csv"), encoding: .utf8)
        let viLines = vi.split(separator: "\n", omittingEmptySubsequences: false)
        let enLines = en.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(viLines[0], "mã,thôn/làng,xã/phường,huyện,số hộ,diện tích (m²),diện tích (ha),phủ sóng di động,phủ sóng di động (%),phủ sóng băng rộng di động (3G trở lên),phủ sóng băng rộng di động (3G trở lên) (%),phủ sóng 2G,phủ sóng 2G (%),phủ sóng 3G,phủ sóng 3G (%),phủ sóng 4G,phủ sóng 4G (%),phủ sóng 5G,phủ sóng 5G (%),MobiFone,MobiFone (%),Vietnamobile,Vietnamobile (%),Viettel,Viettel (%),VinaPhone,VinaPhone (%),trạng thái sóng di động,băng rộng cố định,khoảng cách đến cáp quang (m),kinh độ tâm,vĩ độ tâm,tốc độ tải xuống 4G (Mb/s),số lần đo 4G,tỉ lệ đạt ngưỡng 4G,đánh giá tốc độ 4G,tốc độ tải xuống 5G (Mb/s),số lần đo 5G,tỉ lệ đạt ngưỡng 5G,đánh giá tốc độ 5G,tốc độ tải xuống băng rộng cố định (Mb/s),số lần đo băng rộng cố định,tỉ lệ đạt ngưỡng băng rộng cố định,đánh giá tốc độ băng rộng cố định")
        XCTAssertEqual(enLines[0].split(separator: ",").count, viLines[0].split(separator: ",").count)
        XCTAssertEqual(Array(viLines.dropFirst()), Array(enLines.dropFirst()))
    }

    /// report.json records the language; English reports do not mention it (they stay as they were).
    func testReportRecordsTheLanguage() throws {
        let read = { (folder: URL) throws -> [String: Any] in
            let data = try Data(contentsOf: folder.appendingPathComponent("report.json"))
            return (try JSONSerialization.jsonObject(with: data) as! [String: Any])["parameters"] as! [String: Any]
        }
        XCTAssertEqual(try read(try BundledReportVi.run().folder)["lang"] as? String, "vi")
        XCTAssertNil(try read(try BundledReport.folder())["lang"])
    }

    /// The atlas in Vietnamese: the same 11 pages, headings and reasons in Vietnamese (pdftotext).
    func testAtlasInVietnamese() throws {
        let dir = try CLI.temporaryDirectory(self)
        let pdf = dir.appendingPathComponent("atlas.pdf")
        let r = try CLI.run(["atlas", try BundledReportVi.run().folder.path, "--lang", "vi", "--out", pdf.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let info = try CLI.runTool("/usr/bin/pdfinfo", [pdf.path])
        XCTAssertTrue(info.stdout.contains("Pages:           11\n"), info.stdout)
        let text = try CLI.runTool("/usr/bin/pdftotext", ["-f", "1", "-l", "1", pdf.path, "-"]).stdout
        XCTAssertTrue(text.hasPrefix("Huyện Vĩnh Thạnh\n31 thôn/làng · trang 1/11\n"), text)
        for line in ["Chỉ số", "Huyện này", "Chỉ tiêu kế hoạch", "Thôn, làng có sóng di động", ">= 100.0 % CHƯA ĐẠT",
                     "Thôn/làng theo trạng thái sóng di động", "Chưa phủ sóng (< 5 %)", "Thôn/làng chưa đạt chỉ tiêu (1)",
                     "Làng O2, Xã Vĩnh Kim"] {
            XCTAssertTrue(text.contains(line), "missing \(line):\n\(text)")
        }
        XCTAssertTrue(text.contains("di động chưa phủ sóng (phủ sóng 3.0 %); cáp quang cách 4.6 km"), text)
        for english in ["villages", "page", "Figure", "Plan target", "NOT MET", "short of a target", "Covered", "fibre"] {
            XCTAssertFalse(text.contains(english), "English left on the atlas page: \(english)")
        }
    }

    /// `covgap map --lang vi` draws the same Vietnamese page as `analyze --lang vi` did.
    func testMapCommandRedrawsTheVietnamesePage() throws {
        let folder = try BundledReportVi.run().folder
        let dir = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["map", folder.appendingPathComponent("report.json").path, "--lang", "vi", "--out", dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["report.html", "report.svg"] {
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent(name)), try Data(contentsOf: folder.appendingPathComponent(name)), name)
        }
        let svg = try String(contentsOf: dir.appendingPathComponent("report.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("Sóng di động 99.9 % số thôn/làng") && svg.contains("Chưa phủ sóng (&lt; 5 %)"))
    }

    /// Without --lang the locale decides: LANG=vi_VN.UTF-8 gives Vietnamese, LC_ALL=C over it
    /// English, and --lang en wins over the locale.
    func testLanguageFromTheLocale() throws {
        let dir = try CLI.temporaryDirectory(self)
        func firstLine(_ env: [String], _ extra: [String] = []) throws -> String {
            let r = try CLI.runTool("/usr/bin/env", ["-u", "LC_ALL", "-u", "LC_MESSAGES", "-u", "LANG"] + env
                + [CovgapProcess.executable, "analyze", "--villages", "good/villages.geojson", "--sites", "good/sites.csv",
                   "--no-map", "--quiet", "--out", dir.path] + extra, in: CLI.fixtures)
            XCTAssertEqual(r.status, 0, r.stderr)
            let header = try String(contentsOf: dir.appendingPathComponent("report.csv"), encoding: .utf8)
            return String(header.prefix { $0 != "\n" }.prefix(20))
        }
        XCTAssertEqual(try firstLine(["LANG=vi_VN.UTF-8"]), "mã,thôn/làng,xã/phườ")
        XCTAssertEqual(try firstLine(["LANG=vi_VN.UTF-8", "LC_ALL=C.UTF-8"]), "id,name,commune,dist")
        XCTAssertEqual(try firstLine(["LANG=vi_VN.UTF-8"], ["--lang", "en"]), "id,name,commune,dist")
        XCTAssertEqual(try firstLine(["LANG=en_US.UTF-8"]), "id,name,commune,dist")
    }
}
