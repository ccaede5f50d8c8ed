import Foundation
import Coverage

/// The map page's interface in other languages. The page's markup and script are written in
/// English; each entry here is an exact fragment of `Resources/map.html` or `Resources/map.js`
/// (with enough of its surroundings to occur only where it is meant) and what it becomes. The
/// English page is the resources as they are, byte for byte. Every fragment must still occur in
/// the resources (`MapPageTests` checks it), so a change to the page that drops one is noticed.
/// Entries are applied in order: a longer fragment comes before a shorter one it contains.
enum MapWords {
    /// Fragments of the markup and the script, and their Vietnamese.
    static func fragments(_ language: Language) -> (html: [(String, String)], script: [(String, String)]) {
        switch language {
        case .en: return ([], [])
        case .vi: return (htmlVi, scriptVi)
        }
    }

    static let htmlVi: [(String, String)] = [
        ("<title>covgap map</title>", "<title>covgap — bản đồ phủ sóng</title>"),
        (#"<h1 id="title">Coverage map</h1>"#, #"<h1 id="title">Bản đồ phủ sóng</h1>"#),
        (#"aria-label="Map controls""#, #"aria-label="Điều khiển bản đồ""#),
        ("<h2>View</h2>", "<h2>Hiển thị</h2>"),
        (#"aria-label="Colour villages by""#, #"aria-label="Tô màu thôn/làng theo""#),
        (#"title="Mobile status: covered, partial, uncovered">Mobile<"#,
         #"title="Trạng thái sóng di động: được phủ sóng, phủ sóng một phần, chưa phủ sóng">Di động<"#),
        (#"title="Share of the village covered by one operator">Operator<"#,
         #"title="Tỉ lệ diện tích thôn/làng được một nhà mạng phủ sóng">Nhà mạng<"#),
        (#"title="Fixed broadband: fibre within reach">Fixed<"#,
         #"title="Băng rộng cố định: có cáp quang trong tầm kéo">Cố định<"#),
        (#"title="Measured download against the plan's floors" hidden>Speed<"#,
         #"title="Tốc độ tải xuống đo được so với ngưỡng của kế hoạch" hidden>Tốc độ<"#),
        (#"<label for="operator">Operator</label>"#, #"<label for="operator">Nhà mạng</label>"#),
        (#"aria-label="Legend""#, #"aria-label="Chú giải""#),
        (#"<span id="listTitle">Gap villages</span>"#, #"<span id="listTitle">Thôn/làng chưa đạt</span>"#),
        (#"placeholder="Search villages — e.g. ka bung, O2""#, #"placeholder="Tìm thôn/làng — vd. ka bung, O2""#),
        (#"aria-label="Search villages""#, #"aria-label="Tìm thôn/làng""#),
        (#"aria-label="Map: drag to pan, wheel to zoom, click a village for details""#,
         #"aria-label="Bản đồ: kéo để di chuyển, cuộn để phóng to hoặc thu nhỏ, bấm vào thôn/làng để xem chi tiết""#),
        (#"title="Zoom in""#, #"title="Phóng to""#),
        (#"title="Zoom out""#, #"title="Thu nhỏ""#),
        (#"title="Fit to data""#, #"title="Xem toàn bộ""#),
        ("covgap · equirectangular, WGS84", "covgap · phép chiếu trụ đứng cách đều, WGS84"),
        (">No villages in this report<", ">Báo cáo không có thôn/làng nào<"),
    ]

    static let scriptVi: [(String, String)] = [
        // "1,000" reads as one in Vietnamese, "1.000" as one in English: thousands are grouped
        // with a narrow no-break space, which both read the same way (decimals keep their point).
        (#"Math.round(n).toLocaleString("en-US")"#, #"Math.round(n).toLocaleString("en-US").replace(/,/g, "\u202f")"#),
        (#"{ label: "Uncovered (< @uncovered_pct@ %)""#, #"{ label: "Chưa phủ sóng (< @uncovered_pct@ %)""#),
        (#"{ label: "Partial (@uncovered_pct@\u2013@covered_pct@ %)""#, #"{ label: "Phủ sóng một phần (@uncovered_pct@\u2013@covered_pct@ %)""#),
        (#"{ label: "Covered (\u2265 @covered_pct@ %)""#, #"{ label: "Được phủ sóng (\u2265 @covered_pct@ %)""#),
        (#"{ label: "No data""#, #"{ label: "Không có số liệu""#),
        (#"{ label: "No fibre within reach""#, #"{ label: "Chưa có cáp quang trong tầm kéo""#),
        (#"{ label: "Fibre within reach""#, #"{ label: "Có cáp quang trong tầm kéo""#),
        (#"{ label: "No fibre layer""#, #"{ label: "Không có lớp cáp quang""#),
        (#"{ label: "Below a speed floor""#, #"{ label: "Dưới ngưỡng tốc độ""#),
        (#"{ label: "Meets the floors""#, #"{ label: "Đạt ngưỡng tốc độ""#),
        (#"{ label: "Too few tests""#, #"{ label: "Quá ít lần đo""#),
        (#"{ label: "No tests""#, #"{ label: "Chưa có lần đo""#),
        (#"return "no speed tests";"#, #"return "chưa đo tốc độ";"#),
        (#"" Mb/s (" + int(x.tests) + " tests, " + str(x.status).replace("_", " ") + ")""#,
         #"" Mb/s (" + int(x.tests) + " lần đo, " + ({ meets: "đạt", below: "dưới ngưỡng", no_data: "quá ít lần đo" }[x.status] || str(x.status)) + ")""#),
        (#"mobile: "Mobile (any)", broadband: "Broadband (3G+)""#, #"mobile: "Di động (mọi công nghệ)", broadband: "Băng rộng di động (3G trở lên)""#),
        (#"title: "Mobile signal, by village""#, #"title: "Sóng di động, theo thôn/làng""#),
        (#"title: "Fixed broadband, by village""#, #"title: "Băng rộng cố định, theo thôn/làng""#),
        (#"title: "Measured download against the floors, by village""#, #"title: "Tốc độ tải xuống đo được so với ngưỡng, theo thôn/làng""#),
        (#"(op || "Operator") + ": share of village covered""#, #"(op || "Nhà mạng") + ": tỉ lệ diện tích thôn/làng được phủ sóng""#),
        (#"(TECH_LABEL[t] || t) + ": share of village covered""#, #"(TECH_LABEL[t] || t) + ": tỉ lệ diện tích thôn/làng được phủ sóng""#),
        // The tooltip told the mobile view by its title's first word; the view's id says the same in any language.
        (#"SPEC.title.indexOf("Mobile") === 0"#, #"view.id === "mobile""#),
        (#"str(P.title) || "Coverage map""#, #"str(P.title) || "Bản đồ phủ sóng""#),
        (#"int(n) + " villages""#, #"int(n) + " thôn/làng""#),
        (#""covered by " + tech.join"#, #""tỉ lệ phủ sóng: " + tech.join"#),
        (#"v == null ? "no data" : fmt(v)"#, #"v == null ? "không có số liệu" : fmt(v)"#),
        (#""(target " + "#, #""(mục tiêu " + "#),
        (#"(baseline != null ? "; " + fmt(baseline) + " before" : "")"#, #"(baseline != null ? "; trước đây " + fmt(baseline) : "")"#),
        (#"kpi("Mobile signal", "#, #"kpi("Sóng di động", "#),
        (#"kpi("Fixed broadband", "#, #"kpi("Băng rộng cố định", "#),
        (#"kpi("5G at priority places", "#, #"kpi("5G tại điểm ưu tiên", "#),
        (#"" of " + int(pl.total) + " places""#, #"" trên " + int(pl.total) + " điểm""#),
        (#"" uncovered, " + int(mob.partial) + " partial""#, #"" chưa phủ sóng, " + int(mob.partial) + " phủ sóng một phần""#),
        (#"" without fibre within reach""#, #"" chưa có cáp quang trong tầm kéo""#),
        // A target's box shows the plan's Vietnamese wording; its tooltip has no English label.
        (#"var detail = str(t.label_vi) || "";"#, #"var detail = "";"#),
        (#"kpi(str(t.label) || str(t.id), "#, #"kpi(str(t.label_vi) || str(t.label) || str(t.id), "#),
        (#"el("h2", null, "Legend")"#, #"el("h2", null, "Chú giải")"#),
        (#"row("gap", null, "Mobile gap area", "#, #"row("gap", null, "Vùng lõm sóng di động", "#),
        (#""Ring: small " + (view.id === "mobile" ? "uncovered" : view.id === "fixed" ? "unconnected" : "< @uncovered_pct@ %") + " village""#,
         #""Vòng tròn: thôn/làng nhỏ " + (view.id === "mobile" ? "chưa phủ sóng" : view.id === "fixed" ? "chưa có cáp quang" : "< @uncovered_pct@ %")"#),
        (#""Fibre route (no fibre layer)""#, #""Tuyến cáp quang (không có lớp cáp quang)""#),
        (#"row("line", null, "Fibre route" + "#, #"row("line", null, "Tuyến cáp quang" + "#),
        (#""Fibre access node""#, #""Điểm truy nhập cáp quang""#),
        (#""Proposed fibre extension""#, #""Đề xuất kéo thêm cáp quang""#),
        (#"row("site", null, "Mobile site", "#, #"row("site", null, "Trạm phát sóng di động", "#),
        (#""Priority place with 5G""#, #""Điểm ưu tiên có 5G""#),
        (#""Priority place without 5G""#, #""Điểm ưu tiên chưa có 5G""#),
        (#""Commune centre with signal and fibre""#, #""Trung tâm xã có sóng và cáp quang""#),
        (#""Commune centre short of signal or fibre""#, #""Trung tâm xã thiếu sóng hoặc cáp quang""#),
        (#"? "No mobile signal" : st === "partial" ? "Partial " + pct(cov(v, "mobile")) : st === "covered" ? "Covered" : "Mobile: no data""#,
         #"? "Không có sóng di động" : st === "partial" ? "Phủ sóng một phần " + pct(cov(v, "mobile")) : st === "covered" ? "Được phủ sóng" : "Di động: không có số liệu""#),
        (#"close.title = "Close""#, #"close.title = "Đóng""#),
        (#""  \u00b7  id " + str(p.id)"#, #""  \u00b7  mã " + str(p.id)"#),
        (#"p.fixed_status === "available" ? "Fibre within reach" : "No fibre within reach""#,
         #"p.fixed_status === "available" ? "Có cáp quang trong tầm kéo" : "Chưa có cáp quang trong tầm kéo""#),
        (#"el("h3", null, "Village")"#, #"el("h3", null, "Thôn/làng")"#),
        (#"[["Households", int(p.households)], ["Area", area(p.area_m2)]]"#, #"[["Số hộ", int(p.households)], ["Diện tích", area(p.area_m2)]]"#),
        (#""Area covered, by class""#, #""Diện tích được phủ sóng, theo công nghệ""#),
        (#""Area covered, by operator""#, #""Diện tích được phủ sóng, theo nhà mạng""#),
        (#"el("h3", null, "Fixed broadband")"#, #"el("h3", null, "Băng rộng cố định")"#),
        (#"[["Status", p.fixed_status === "available" ? "Available" : p.fixed_status === "unavailable" ? "Unavailable" : "No fibre layer"], ["Distance to fibre", "#,
         #"[["Trạng thái", p.fixed_status === "available" ? "Có cáp quang" : p.fixed_status === "unavailable" ? "Chưa có cáp quang" : "Không có lớp cáp quang"], ["Khoảng cách đến cáp quang", "#),
        (#""Why no full signal: the best link to the centre""#, #""Vì sao chưa phủ sóng đủ: tuyến tốt nhất đến trung tâm thôn/làng""#),
        (#"[["Sector", "#, #"[["Ô phủ sóng", "#),
        (#"["Distance", meters(b.distance_m)]"#, #"["Khoảng cách", meters(b.distance_m)]"#),
        (#"["Path loss", db(b.path_loss_db)], ["of which terrain", db(b.diffraction_db)], ["Allowed (MAPL)", db(b.mapl_db)]"#,
         #"["Suy hao đường truyền", db(b.path_loss_db)], ["trong đó do địa hình", db(b.diffraction_db)], ["Suy hao cho phép tối đa", db(b.mapl_db)]"#),
        (#"["Obstruction", o ? (+o.elevation_m).toFixed(0) + " m at " + "#, #"["Vật cản", o ? (+o.elevation_m).toFixed(0) + " m tại " + "#),
        (#""none: line of sight""#, #""không có: nhìn thẳng thấy trạm""#),
        (#""Search results" : "Gap villages""#, #""Kết quả tìm kiếm" : "Thôn/làng chưa đạt""#),
        (#""No fibre \u00b7 ""#, #""Chưa có cáp quang \u00b7 ""#),
        (#""No villages in this report.""#, #""Báo cáo không có thôn/làng nào.""#),
        (#""No village matches.""#, #""Không có thôn/làng nào khớp.""#),
        (#""No gap villages: every village is covered and has fibre within reach.""#,
         #""Không có thôn/làng nào chưa đạt: thôn/làng nào cũng được phủ sóng và có cáp quang trong tầm kéo.""#),
        (#""Showing " + LIST_MAX + " of " + int(indices.length) + "; refine the search.""#,
         #""Hiển thị " + LIST_MAX + " trên " + int(indices.length) + "; hãy thu hẹp tìm kiếm.""#),
        (#""Uncovered and partial first, then without fibre. Click to zoom.""#,
         #""Chưa phủ sóng và phủ sóng một phần trước, rồi đến chưa có cáp quang. Bấm để phóng to.""#),
        (#"(v.p.fixed_status || "no fibre layer")"#,
         #"(v.p.fixed_status === "available" ? "có cáp quang" : v.p.fixed_status === "unavailable" ? "chưa có cáp quang" : "không có lớp cáp quang")"#),
    ]

    /// `text` with every fragment replaced; the fragments that do not occur are returned too.
    static func apply(_ fragments: [(String, String)], to text: String) -> (text: String, missing: [String]) {
        var out = Array(text.utf8), missing: [String] = []
        for (from, to) in fragments {
            guard let replaced = replacing(Array(from.utf8), with: Array(to.utf8), in: out) else { missing.append(from); continue }
            out = replaced
        }
        return (String(decoding: out, as: UTF8.self), missing)
    }

    /// `text` with every occurrence of `from` replaced by `to`, left to right, byte for byte (the
    /// pages' resources and words are UTF-8 text); nil when `from` is empty or does not occur.
    static func replacing(_ from: [UInt8], with to: [UInt8], in text: [UInt8]) -> [UInt8]? {
        guard let first = from.first, from.count <= text.count else { return nil }
        var out: [UInt8] = []
        var copied = 0, i = 0
        let last = text.count - from.count
        text.withUnsafeBufferPointer { t in
            from.withUnsafeBufferPointer { f in
                while i <= last {
                    if t[i] == first && memcmp(t.baseAddress! + i, f.baseAddress!, f.count) == 0 {
                        if copied == 0 { out.reserveCapacity(text.count) }
                        out.append(contentsOf: t[copied..<i])
                        out.append(contentsOf: to)
                        i += f.count
                        copied = i
                    } else {
                        i += 1
                    }
                }
            }
        }
        if copied == 0 { return nil }
        out.append(contentsOf: text[copied...])
        return out
    }
}
