import Coverage
import CoverageReport
import Foundation
import Geo
import GeoIO

/// A printable atlas: one A4 page per district (or commune) with its map, its figures against the
/// plan's targets and its gap villages with the reason, drawn with the same picture code as
/// report.svg. Pages come worst first: most uncovered villages, then partial, then without fibre.
public enum Atlas {
    public enum Grouping: String, Sendable, CaseIterable {
        case district, commune
    }

    /// One page: the area's name and the page as an SVG document (A4, 794 × 1123 px at 96 dpi).
    public struct Page: Sendable {
        public var name: String
        public var svg: String
    }

    static let pageW = 794.0, pageH = 1123.0, margin = 36.0

    public static func pages(map: MapData, report: JSONValue, by grouping: Grouping) -> [Page] {
        let key = grouping == .district ? "district" : "commune"
        let L = map.language
        // Areas in the report's order, each with its villages.
        var order: [String] = []
        var members: [String: [Int]] = [:]
        // The villages made once (the map makes them as asked for).
        let all = map.villages
        for (i, v) in all.enumerated() {
            let name = v.properties[key]?.stringValue ?? L.pick("(no \(key))", grouping == .district ? "(không rõ huyện)" : "(không rõ xã/phường)")
            if members[name] == nil { order.append(name) }
            members[name, default: []].append(i)
        }
        let figures = (report["summary"]?[grouping == .district ? "districts" : "communes"]?.arrayValue ?? [])
        func figuresOf(_ name: String) -> JSONValue? { figures.first { $0["name"]?.stringValue == name } }
        func severity(_ name: String) -> (Int, Int, Int) {
            let vs = members[name]!.map { all[$0].properties }
            return (vs.filter { $0["mobile_status"]?.stringValue == "uncovered" }.count,
                    vs.filter { $0["mobile_status"]?.stringValue == "partial" }.count,
                    vs.filter { $0["fixed_status"]?.stringValue == "unavailable" }.count)
        }
        let sorted = order.enumerated().sorted { a, b in
            let sa = severity(a.element), sb = severity(b.element)
            if sa != sb { return sa.0 != sb.0 ? sa.0 > sb.0 : sa.1 != sb.1 ? sa.1 > sb.1 : sa.2 > sb.2 }
            return a.offset < b.offset
        }.map(\.element)
        return sorted.enumerated().map { n, name in
            Page(name: name, svg: page(name: name, number: n + 1, of: sorted.count, villages: members[name]!.map { all[$0] },
                                       map: map, figures: figuresOf(name), targets: report["targets"]?.arrayValue ?? [],
                                       grouping: grouping))
        }
    }

    static func page(name: String, number: Int, of count: Int, villages: [(properties: JSONObject, shape: Shape)], map: MapData,
                     figures: JSONValue?, targets: [JSONValue], grouping: Grouping) -> String {
        let ids = Set(villages.compactMap { $0.properties["id"]?.stringValue })
        let gaps = map.gaps.filter { ids.contains($0.properties["village_id"]?.stringValue ?? "") }
        let extensions = map.extensions.filter { ids.contains($0.properties["village_id"]?.stringValue ?? "") }
        let parent = grouping == .commune ? villages.first?.properties["district"]?.stringValue : nil
        let L = map.language
        var svg = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        svg += #"<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 794 1123" font-family="\#(MapPicture.font)">"# + "\n"
        svg += ##"<rect width="100%" height="100%" fill="#ffffff"/>"## + "\n"
        svg += text(margin, 56, xml(name), size: 24, weight: "600")
        let sub = [parent, L.pick("\(villages.count) villages", "\(villages.count) thôn/làng"), L.pick("page \(number) of \(count)", "trang \(number)/\(count)")].compactMap { $0 }.joined(separator: " · ")
        svg += text(margin, 80, xml(sub), size: 13, colour: MapPicture.muted)

        // Figures against the plan's targets.
        var y = 112.0
        svg += text(margin, y, L.pick("Figure", "Chỉ số"), size: 12, weight: "600")
            + text(330, y, L.pick("This area", grouping == .district ? "Huyện này" : "Xã/phường này"), size: 12, weight: "600")
            + text(520, y, L.pick("Plan target", "Chỉ tiêu kế hoạch"), size: 12, weight: "600")
        // Each of the plan's targets (report.json's targets[]) that this area's figures can answer.
        var rows: [(String, String, String?, Bool?)] = []
        for t in targets {
            guard let figure = t["figure"]?.stringValue, let goal = t["target"]?.doubleValue else { continue }
            guard let actual = figures?.value(at: figure.split(separator: "."))?.doubleValue else { continue }
            let comparison = t["comparison"]?.stringValue ?? ">="
            let met = Self.met(actual, comparison, goal)
            let unit = t["unit"]?.stringValue ?? ""
            let show = { (x: Double) in unit == "%" ? pct(x) : jsonNumberText(x) + (unit.isEmpty ? "" : " " + unit) }
            let label = (L == .vi ? t["label_vi"]?.stringValue : nil) ?? t["label"]?.stringValue ?? figure
            rows.append((label, show(actual), "\(comparison) \(show(goal))", met))
        }
        if let hh = figures?["households"], let total = hh["total"]?.doubleValue, total > 0 {
            let m = 100 * (hh["mobile_covered"]?.doubleValue ?? 0) / total
            rows.append((L.pick("Households with mobile signal", "Hộ gia đình có sóng di động"), "\(pct(m)) \(L.pick("of", "trên")) \(Int(total))", nil, nil))
        }
        for (label, value, target, met) in rows {
            y += 22
            // Vietnamese labels run longer: the longest get a smaller size to stay in their column.
            svg += text(margin, y, xml(label), size: L == .vi && label.count > 42 ? 11 : 13) + text(330, y, xml(value), size: 13, weight: "600")
            if let target, let met {
                svg += text(520, y, xml(target) + (met ? L.pick(" met", " đạt") : L.pick(" NOT MET", " CHƯA ĐẠT")), size: 13, weight: met ? "400" : "700",
                            colour: met ? MapPicture.ink : Palette.uncovered)
            }
        }

        // The map, scaled into the middle of the page.
        y += 18
        var input = MapPictureInput(
            title: L.pick("Villages by mobile status", "Thôn/làng theo trạng thái sóng di động"), subtitle: "",
            villages: villages.map { .init(shape: $0.shape, status: $0.properties["mobile_status"]?.stringValue ?? "") },
            gaps: gaps.map(\.shape), extensions: extensions.map(\.shape), thresholds: map.thresholds)
        input.language = L
        let picture = MapPicture.svg(input, width: Int(pageW - 2 * margin))
        let size = pictureSize(picture)
        let boxW = pageW - 2 * margin, boxH = 620.0
        let scale = min(boxW / size.w, boxH / size.h)
        svg += #"<g transform="translate(\#(MapPicture.f(margin + (boxW - size.w * scale) / 2)) \#(MapPicture.f(y))) scale(\#(String(format: "%.5f", scale)))">"# + "\n"
        svg += picture.replacingOccurrences(of: #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n", with: "")
        svg += "</g>\n"
        y += size.h * scale + 28

        // The gap villages, worst first, as many as the page holds.
        let gapRows = villages.compactMap { v -> (Int, String, String)? in
            let p = v.properties
            var what: [String] = []
            let status = p["mobile_status"]?.stringValue ?? ""
            if status != "covered" {
                let share = pct(100 * (p["coverage"]?["mobile"]?.doubleValue ?? 0))
                what.append(L.pick("mobile \(status) (\(share) covered)",
                                   "di động \(MobileStatus(rawValue: status)?.words(.vi) ?? status) (phủ sóng \(share))"))
            }
            if p["fixed_status"]?.stringValue == "unavailable" {
                let distance = km(p["fibre_distance_m"]?.doubleValue ?? 0)
                what.append(L.pick("fibre \(distance) away", "cáp quang cách \(distance)"))
            }
            guard !what.isEmpty else { return nil }
            let rank = status == "uncovered" ? 0 : status == "partial" ? 1 : 2
            let place = [p["name"]?.stringValue, grouping == .district ? p["commune"]?.stringValue : nil].compactMap { $0 }
            return (rank, place.joined(separator: ", "), what.joined(separator: "; "))
        }.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
        svg += text(margin, y, gapRows.isEmpty ? L.pick("No village short of a target.", "Không có thôn/làng nào chưa đạt chỉ tiêu.")
                        : L.pick("Villages short of a target", "Thôn/làng chưa đạt chỉ tiêu") + " (\(gapRows.count))",
                    size: 14, weight: "600")
        let room = max(0, Int((pageH - margin - y) / 18) - 1)
        for (i, row) in gapRows.enumerated() {
            if i == room - 1 && gapRows.count > room {
                y += 18
                svg += text(margin, y, L.pick("… and \(gapRows.count - i) more, see report.csv", "… và \(gapRows.count - i) thôn/làng khác, xem report.csv"), size: 12, colour: MapPicture.muted)
                break
            }
            y += 18
            let colour = row.0 == 0 ? Palette.uncovered : MapPicture.ink
            svg += text(margin, y, xml(row.1), size: 12, weight: row.0 == 0 ? "700" : "400", colour: colour)
                + text(300, y, xml(row.2), size: 12)
        }
        svg += "</svg>\n"
        return svg
    }

    static func text(_ x: Double, _ y: Double, _ s: String, size: Int, weight: String = "400",
                     colour: String = MapPicture.ink) -> String {
        #"<text x="\#(MapPicture.f(x))" y="\#(MapPicture.f(y))" font-size="\#(size)" font-weight="\#(weight)" fill="\#(colour)">\#(s)</text>"# + "\n"
    }


    /// The width and height a picture's root element declares.
    static func pictureSize(_ svg: String) -> (w: Double, h: Double) {
        func attribute(_ name: String) -> Double {
            guard let r = svg.range(of: " \(name)=\""), let end = svg[r.upperBound...].firstIndex(of: "\"") else { return 1 }
            return Double(svg[r.upperBound..<end]) ?? 1
        }
        return (attribute("width"), attribute("height"))
    }

    static func xml(_ s: String) -> String { xmlEscape(s) }

    /// Whether an area's figure meets a target, compared exactly as report.json's `met` compares the
    /// whole run's (an unknown comparison is read as `>=`).
    static func met(_ actual: Double, _ comparison: String, _ goal: Double) -> Bool {
        (TargetComparison(rawValue: comparison) ?? .atLeast).holds(actual, goal)
    }
}
