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
        func villages(_ keep: (VillageCoverage) -> Bool) -> [String] {
            zip(input.villages, result.villages).filter { keep($0.1) }.map(\.0.name)
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
        var out = "\n"
        if outcomes.isEmpty {
            out += "\(pad("Summary", 42))this run\n"
            let m = all.figures(.mobile)
            out += "  \(pad("Mobile signal (villages covered)", 40))\(pct(m.coveredPct)) (\(m.covered)/\(n))\n"
            if all.hasFixed { out += "  \(pad("Fixed broadband (villages with fibre)", 40))\(pct(all.fixedAvailablePct)) (\(all.fixedAvailable)/\(n))\n" }
            if input.places != nil { out += "  \(pad("5G at priority places", 40))\(pct(summary.places5GPct)) (\(summary.placesWith5G)/\(summary.placesTotal))\n" }
        } else {
            let width = max(40, outcomes.map { $0.target.label.count + 2 }.max() ?? 0)
            let year = outcomes.compactMap(\.target.year).first.map { "\($0) goal" } ?? "goal"
            let baseYear = outcomes.compactMap(\.target.baseline?.year).first.map { "\($0) baseline" } ?? "baseline"
            out += "\(pad("Plan targets", width + 2))\(pad("this run", 22))\(pad(year, 11))\(baseYear)\n"
            for o in outcomes {
                let t = o.target
                let value = o.value.map { formatFigure($0, unit: t.unit) + figureDetail(t.figure, summaryJSON) } ?? "no data"
                let goal = (t.comparison == .atLeast ? "" : t.comparison.rawValue.replacingOccurrences(of: ">=", with: "≥")
                    .replacingOccurrences(of: "<=", with: "≤") + " ") + formatFigure(t.goal, unit: t.unit)
                let base = t.baseline.map { formatFigure($0.value, unit: t.unit) } ?? "–"
                var verdict: String
                switch o.met {
                case nil: verdict = "no data"
                case true?: verdict = "met"
                case false?:
                    let (noun, names) = shortfall(of: t)
                    verdict = "NOT MET"
                    if !names.isEmpty {
                        verdict += ": \(names.count) \(noun)\(names.count == 1 ? "" : "s")"
                        if names.count <= 3 { verdict += " (\(names.joined(separator: ", ")))" }
                    }
                }
                out += "  \(pad(t.label, width))\(pad(value, 22))\(pad(goal, 11))\(pad(base, 15))\(verdict)\n"
                let m = all.figures(.mobile)
                if t.figure == "mobile.covered_pct" && m.partial > 0 { out += "    \(m.partial) partly covered, \(m.uncovered) uncovered\n" }
            }
        }
        let read = Set(outcomes.map(\.target.figure))
        var other: [(String, String)] = []
        for c in [CoverageClass.g4, .g5] where !read.contains("\(c.rawValue).covered_pct") {
            let f = all.figures(c)
            other.append(("\(c.rawValue) coverage (villages covered)", "\(pct(f.coveredPct)) (\(f.covered)/\(n))"))
        }
        if let h = summaryJSON["households"]?.objectValue, let total = h["total"]?.doubleValue {
            let of = " of \(jsonNumberText(total))" + (h["source"]?.stringValue == "points" ? " (household points)" : "")
            if !read.contains("households.mobile_pct"), let p = h["mobile_pct"]?.doubleValue {
                other.append(("Households with mobile signal", pct(p) + of))
            }
            if !read.contains("households.fixed_available_pct"), let p = h["fixed_available_pct"]?.doubleValue {
                other.append(("Households with fixed broadband", pct(p) + of))
            }
        }
        if !outcomes.isEmpty && !other.isEmpty { out += "Other figures\n" }
        for (label, value) in other { out += "  \(pad(label, 40))\(value)\n" }
        return out
    }

    /// The counts behind a figure: " (999/1000)", " of 384871".
    func figureDetail(_ figure: String, _ s: JSONObject) -> String {
        let parts = figure.split(separator: ".").map(String.init)
        func n(_ path: String...) -> String? {
            // One step at a time: Swift 6.3's optimiser crashes on `v = v?[p]` here (release builds).
            var v = JSONValue.object(s)
            for p in path {
                guard let next = v[p] else { return nil }
                v = next
            }
            return v.doubleValue.map(jsonNumberText)
        }
        guard parts.count >= 2 else { return "" }
        let section = parts[0], item = parts[1]
        switch (section, item) {
        case ("fixed", "available_pct"): return n("fixed", "available").map { " (\($0)/\(summary.all.villages))" } ?? ""
        case ("places", "5g_pct"): return " (\(summary.placesWith5G)/\(summary.placesTotal))"
        case ("commune_centres", "mobile_pct"):
            return zip(n(section, "mobile_covered"), n(section, "total")).map { " (\($0)/\($1))" } ?? ""
        case ("commune_centres", "fixed_pct"):
            return zip(n(section, "fixed_available"), n(section, "total")).map { " (\($0)/\($1))" } ?? ""
        case ("households", _) where item.hasSuffix("_pct"): return n(section, "total").map { " of \($0)" } ?? ""
        case ("quality", _):
            if parts.count == 3, parts[2] == "mean_mbps" { return n(section, item, "tests").map { " (\($0) tests)" } ?? "" }
            return n(section, item, "villages_with_data").map { " of \($0)" } ?? ""
        default:
            guard CoverageClass(rawValue: section) != nil, item == "covered_pct" else { return "" }
            return n(section, "covered").map { " (\($0)/\(summary.all.villages))" } ?? ""
        }
    }
}

/// Both values, when both are there.
private func zip(_ a: String?, _ b: String?) -> (String, String)? {
    guard let a, let b else { return nil }
    return (a, b)
}
