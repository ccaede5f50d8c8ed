import Coverage
import Foundation
import GeoIO

/// A plan target read against this run's figures.
public struct TargetOutcome: Sendable {
    public var target: PlanTarget
    /// The figure's value; nil when the run has no data for it (no commune centres, no speed tests…).
    public var value: Double?
    /// nil when there is no data.
    public var met: Bool?
}

extension PlanTargets {
    /// Every target read against a report's summary object.
    public func outcomes(summary: JSONObject) -> [TargetOutcome] {
        targets.map { t in
            let v = t.value(in: summary)
            return TargetOutcome(target: t, value: v, met: v.map(t.met))
        }
    }
}

extension Report {
    /// report.json's `targets`: each target with this run's value, the goal, whether it is met, and
    /// the plan's baseline.
    func targetsJSON(summary: JSONObject) -> JSONValue {
        .array(targets.outcomes(summary: summary).map { o in
            let t = o.target
            var j: JSONObject = [
                "id": .string(t.id), "label": .string(t.label), "label_vi": t.labelVi.map(JSONValue.string) ?? .null,
                "figure": .string(t.figure), "comparison": .string(t.comparison.rawValue),
                "value": o.value.map(JSONValue.number) ?? .null, "target": .number(t.goal),
                "unit": .string(t.unit), "met": o.met.map(JSONValue.bool) ?? .null,
            ]
            j.append("year", t.year.map { .number(Double($0)) } ?? .null)
            j.append("section", t.section.map(JSONValue.string) ?? .null)
            j.append("baseline", t.baseline.map { b in
                ["value": .number(b.value), "year": b.year.map { .number(Double($0)) } ?? .null,
                 "section": b.section.map(JSONValue.string) ?? .null, "note": b.note.map(JSONValue.string) ?? .null]
            } ?? .null)
            return .object(j)
        })
    }

    /// What keeps a target from being met, for people: the villages, places or centres behind it.
    public func shortfall(of t: PlanTarget) -> (noun: String, names: [String]) {
        let parts = t.figurePath
        let section = parts.first ?? "", item = parts.count > 1 ? parts[1] : ""
        // By index: a village and its result are large values, not copied for a look at one field.
        func villages(_ keep: (VillageCoverage) -> Bool) -> [String] {
            result.villages.indices.filter { keep(result.villages[$0]) }.map { input.villages[$0].name }
        }
        let noFibre: (VillageCoverage) -> Bool = { $0.fixed?.status == .unavailable }
        switch section {
        case "fixed": return ("village", villages(noFibre))
        case "households":
            if let h = measures.households {
                // From household points: the villages with points that lack signal or fibre.
                let mobile = item.hasPrefix("mobile")
                return ("village", zip(input.villages, h.villages).filter { _, x in
                    mobile ? x.mobile < x.total : (x.fixed.map { $0 < x.total } ?? false)
                }.map(\.0.name))
            }
            return ("village", item.hasPrefix("mobile") ? villages { $0.mobileStatus != .covered } : villages(noFibre))
        case "places":
            let names = zip(input.places ?? [], result.places).filter { targets.requires5G($0.0.category) && !$0.1.has5G }.map(\.0.name)
            return ("place", names)
        case "commune_centres":
            return ("centre", measures.centres.filter { item.hasPrefix("mobile") ? !$0.mobileCovered : $0.fixedAvailable == false }.map(\.name))
        case "quality":
            guard let c = SpeedClass(rawValue: item) else { return ("village", []) }
            return ("village", zip(input.villages, measures.quality).filter { $0.1[c]?.status == .below }.map(\.0.name))
        default:
            guard let c = CoverageClass(rawValue: section) else { return ("village", []) }
            let k = CoverageClass.allCases.firstIndex(of: c)!
            let wanted: (MobileStatus) -> Bool = item == "uncovered" || item == "any_signal_pct" ? { $0 == .uncovered }
                : item == "partial" ? { $0 == .partial } : { $0 != .covered }
            return ("village", villages { wanted(result.parameters.mobileStatus($0.fractions[k])) })
        }
    }
}

/// A figure with its unit: "99.9 %", "42.5 Mb/s", "3".
public func formatFigure(_ x: Double, unit: String) -> String {
    switch unit {
    case "%": return pct(x)
    case "": return jsonNumberText(x)
    default: return String(format: "%.1f", x) + " " + unit
    }
}

extension Report {
    /// The text table's second part: each plan target with this run's figure, the goal, the plan's
    /// baseline and whether it is met (naming what keeps it from being met), then other figures.
    func targetTable() -> String {
        let summaryJSON = summaryWithMeasures()
        let outcomes = targets.outcomes(summary: summaryJSON)
        let n = summary.all.villages
        let all = summary.all
        let L = language
        var out = "\n"
        if outcomes.isEmpty {
            out += "\(pad(L.pick("Summary", "Tổng hợp"), 42))\(L.pick("this run", "lần chạy này"))\n"
            let m = all.figures(.mobile)
            out += "  \(pad(L.pick("Mobile signal (villages covered)", "Phủ sóng di động (thôn/làng được phủ)"), 40))\(pct(m.coveredPct)) (\(m.covered)/\(n))\n"
            if all.hasFixed { out += "  \(pad(L.pick("Fixed broadband (villages with fibre)", "Băng rộng cố định (thôn/làng có cáp quang)"), 40))\(pct(all.fixedAvailablePct)) (\(all.fixedAvailable)/\(n))\n" }
            if input.places != nil { out += "  \(pad(L.pick("5G at priority places", "5G tại điểm ưu tiên"), 40))\(pct(summary.places5GPct)) (\(summary.placesWith5G)/\(summary.placesTotal))\n" }
        } else {
            func label(_ t: PlanTarget) -> String { L == .vi ? t.labelVi ?? t.label : t.label }
            let width = max(40, outcomes.map { label($0.target).count + 2 }.max() ?? 0)
            let year = outcomes.compactMap(\.target.year).first.map { L.pick("\($0) goal", "mục tiêu \($0)") } ?? L.pick("goal", "mục tiêu")
            let baseYear = outcomes.compactMap(\.target.baseline?.year).first.map { L.pick("\($0) baseline", "hiện trạng \($0)") }
                ?? L.pick("baseline", "hiện trạng")
            let values = outcomes.map { o in
                o.value.map { formatFigure($0, unit: o.target.unit) + figureDetail(o.target.figure, summaryJSON) } ?? L.pick("no data", "không có số liệu")
            }
            // The column fits its widest figure ("571.0 Mb/s (15131 tests)").
            let valueWidth = max(21, values.map(\.count).max() ?? 0)
            out += "\(pad(L.pick("Plan targets", "Chỉ tiêu kế hoạch"), width + 2))\(pad(L.pick("this run", "lần chạy này"), valueWidth + 1))\(pad(year, 11 + (L == .vi ? 5 : 0)))\(baseYear)\n"
            for (o, value) in zip(outcomes, values) {
                let t = o.target
                let goal = (t.comparison == .atLeast ? "" : t.comparison.rawValue.replacingOccurrences(of: ">=", with: "≥")
                    .replacingOccurrences(of: "<=", with: "≤") + " ") + formatFigure(t.goal, unit: t.unit)
                let base = t.baseline.map { formatFigure($0.value, unit: t.unit) } ?? "–"
                var verdict: String
                switch o.met {
                case nil: verdict = L.pick("no data", "không có số liệu")
                case true?: verdict = L.pick("met", "đạt")
                case false?:
                    let (noun, names) = shortfall(of: t)
                    verdict = L.pick("NOT MET", "CHƯA ĐẠT")
                    if !names.isEmpty {
                        verdict += L.pick(": \(names.count) \(noun)\(names.count == 1 ? "" : "s")", ": \(names.count) \(Self.nounVi(noun))")
                        if names.count <= 3 { verdict += " (\(names.joined(separator: ", ")))" }
                    }
                }
                out += "  \(pad(label(t), width))\(pad(value, valueWidth)) \(pad(goal, 10 + (L == .vi ? 5 : 0))) \(pad(base, 14)) \(verdict)\n"
                let m = all.figures(.mobile)
                if t.figure == "mobile.covered_pct" && m.partial > 0 {
                    out += L.pick("    \(m.partial) partly covered, \(m.uncovered) uncovered\n",
                                  "    \(m.partial) phủ sóng một phần, \(m.uncovered) chưa phủ sóng\n")
                }
            }
        }
        let read = Set(outcomes.map(\.target.figure))
        var other: [(String, String)] = []
        for c in [CoverageClass.g4, .g5] where !read.contains("\(c.rawValue).covered_pct") {
            let f = all.figures(c)
            other.append((L.pick("\(c.rawValue) coverage (villages covered)", "Phủ sóng \(c.rawValue) (thôn/làng được phủ)"), "\(pct(f.coveredPct)) (\(f.covered)/\(n))"))
        }
        if let h = summaryJSON["households"]?.objectValue, let total = h["total"]?.doubleValue {
            let of = L.pick(" of ", " trên ") + jsonNumberText(total)
                + (h["source"]?.stringValue == "points" ? L.pick(" (household points)", " (điểm hộ gia đình)") : "")
            if !read.contains("households.mobile_pct"), let p = h["mobile_pct"]?.doubleValue {
                other.append((L.pick("Households with mobile signal", "Hộ gia đình có sóng di động"), pct(p) + of))
            }
            if !read.contains("households.fixed_available_pct"), let p = h["fixed_available_pct"]?.doubleValue {
                other.append((L.pick("Households with fixed broadband", "Hộ gia đình có băng rộng cố định"), pct(p) + of))
            }
        }
        if !outcomes.isEmpty && !other.isEmpty { out += L.pick("Other figures", "Số liệu khác") + "\n" }
        for (label, value) in other { out += "  \(pad(label, 40))\(value)\n" }
        return out
    }

    /// The Vietnamese for `shortfall`'s nouns (counted nouns take no plural in Vietnamese).
    static func nounVi(_ noun: String) -> String {
        switch noun {
        case "place": return "điểm ưu tiên"
        case "centre": return "trung tâm xã"
        default: return "thôn/làng"
        }
    }

    /// The counts behind a figure: " (999/1000)", " of 384871".
    func figureDetail(_ figure: String, _ s: JSONObject) -> String {
        let parts = figure.split(separator: ".").map(String.init)
        func number(_ path: [String]) -> Double? { JSONValue.object(s).value(at: path)?.doubleValue }
        func n(_ path: String...) -> String? { number(path).map(jsonNumberText) }
        guard parts.count >= 2 else { return "" }
        let section = parts[0], item = parts[1]
        switch (section, item) {
        case ("fixed", "available_pct"): return n("fixed", "available").map { " (\($0)/\(summary.all.villages))" } ?? ""
        case ("places", "5g_pct"): return " (\(summary.placesWith5G)/\(summary.placesTotal))"
        case ("commune_centres", "mobile_pct"):
            return zip(n(section, "mobile_covered"), n(section, "total")).map { " (\($0)/\($1))" } ?? ""
        case ("commune_centres", "fixed_pct"):
            return zip(n(section, "fixed_available"), n(section, "total")).map { " (\($0)/\($1))" } ?? ""
        case ("households", _) where item.hasSuffix("_pct"): return n(section, "total").map { language.pick(" of ", " trên ") + $0 } ?? ""
        case ("quality", _):
            if parts.count == 3, parts[2] == "mean_mbps" {
                // Tiles shared between villages by area give fractional counts: whole tests here.
                guard let tests = number([section, item, "tests"]) else { return "" }
                let whole = Int(tests.rounded())
                return language.pick(" (\(whole) tests)", " (\(whole) lần đo)")
            }
            return n(section, item, "villages_with_data").map { language.pick(" of ", " trên ") + $0 } ?? ""
        default:
            guard CoverageClass(rawValue: section) != nil else { return "" }
            if item == "any_signal_pct" {
                // Villages with signal: covered or partly covered.
                guard let c = number([section, "covered"]), let p = number([section, "partial"]) else { return "" }
                return " (\(Int(c + p))/\(summary.all.villages))"
            }
            guard item == "covered_pct" else { return "" }
            return n(section, "covered").map { " (\($0)/\(summary.all.villages))" } ?? ""
        }
    }
}

/// Both values, when both are there.
private func zip(_ a: String?, _ b: String?) -> (String, String)? {
    guard let a, let b else { return nil }
    return (a, b)
}
