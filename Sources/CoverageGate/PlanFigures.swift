import Coverage
import CoverageReport
import Foundation
import GeoIO

extension Requirement {
    /// The figures of commune centres and measured speeds (summary.commune_centres, summary.quality).
    static var planFigureNames: [String] {
        ["commune_centres.total", "commune_centres.mobile_covered", "commune_centres.mobile_pct",
         "commune_centres.fixed_available", "commune_centres.fixed_pct"]
            + SpeedClass.allCases.flatMap { c in
                ["floor_mbps", "villages_with_data", "meets", "below", "no_data", "tests", "mean_mbps"].map { "quality.\(c.rawValue).\($0)" }
            }
    }

    static var planFigureHelp: [String] {
        ["  commune_centres.{total,mobile_covered,mobile_pct,fixed_available,fixed_pct}",
         "  quality." + SpeedClass.allCases.map(\.rawValue).joined(separator: "|") + ".{floor_mbps,villages_with_data,meets,below,no_data,tests,mean_mbps}"]
    }
}

extension ReportCheck {
    /// The centres without mobile signal or fibre, or the villages below a speed floor.
    static func planOffenders(of figure: [String], villages: [SavedReport.VillageEntry], report: SavedReport) -> [Offender] {
        let section = figure[0], item = figure.count > 1 ? figure[1] : ""
        if section == "commune_centres" {
            let fixed = item.hasPrefix("fixed")
            return report.places.filter { p in
                p.category == CommuneCentres.category && (fixed ? p.fixedAvailable == false : p.mobileCovered == false)
            }.map { Offender(kind: .place, id: $0.id, label: $0.name, detail: fixed ? "commune centre without fibre within reach" : "commune centre without mobile signal") }
        }
        return villages.compactMap { v in
            guard let q = v.quality[item], q.status == QualityStatus.below.rawValue else { return nil }
            return Offender(kind: .village, id: v.id, label: v.label,
                            detail: "\(item) mean \(String(format: "%.1f", q.meanMbps)) Mb/s over \(jsonNumberText(q.tests)) tests")
        }
    }
}

extension PlanTargets {
    /// The targets a report.json was read against (its `targets[]`).
    public static func recorded(in json: JSONValue, source: String) throws -> PlanTargets {
        guard let list = json["targets"]?.arrayValue else {
            throw InputError(file: source, field: "targets", message: "the report has no targets (written by an older covgap?); give --targets FILE")
        }
        let targets = try list.enumerated().map { i, t -> PlanTarget in
            guard let id = t["id"]?.stringValue, let figure = t["figure"]?.stringValue, let goal = t["target"]?.doubleValue,
                  let comparison = TargetComparison(rawValue: t["comparison"]?.stringValue ?? ">=") else {
                throw InputError(file: source, location: "targets[\(i)]", message: "needs id, figure, comparison and target")
            }
            return PlanTarget(id: id, label: t["label"]?.stringValue ?? id, figure: figure, comparison: comparison, goal: goal)
        }
        return PlanTargets(source: source, targets: targets)
    }

    /// The targets as `check` requirements, each named by its id; targets whose figure the report
    /// lacks (no commune centres, no speed tests) are returned apart: they neither hold nor fail.
    public func requirements(for report: SavedReport) throws -> (requirements: [Requirement], noData: [PlanTarget]) {
        var requirements: [Requirement] = [], noData: [PlanTarget] = []
        for t in targets {
            guard t.value(in: report.summary) != nil else { noData.append(t); continue }
            var r = try Requirement(parsing: t.expression)
            r.expression = "\(t.id): \(t.expression)"
            requirements.append(r)
        }
        return (requirements, noData)
    }
}
