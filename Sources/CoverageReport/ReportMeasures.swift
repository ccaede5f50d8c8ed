import Coverage
import Foundation
import GeoIO

extension Report {
    /// report.json's `summary`: the village figures, then `commune_centres` and `quality` (before
    /// the districts), with `households` from household points when they were given.
    func summaryWithMeasures() -> JSONObject {
        let base = summary.json(hasPlaces: input.places != nil)
        var o = JSONObject()
        for m in base {
            if m.key == "districts" {
                if measures.hasPlaces { o.append("commune_centres", centresJSON()) }
                if let speed = measures.speed { o.append("quality", qualitySummaryJSON(speed)) }
            }
            if m.key == "households", let h = measures.households {
                o.append("households", householdPointsJSON(h))
                continue
            }
            o.append(m.key, m.value)
        }
        return o
    }

    func centresJSON() -> JSONValue {
        let f = CentreFigures(measures.centres, hasFixed: input.fibre != nil)
        return [
            "total": .number(Double(f.total)), "mobile_covered": .number(Double(f.mobileCovered)),
            "mobile_pct": f.mobilePct.map { .number(round4($0)) } ?? .null,
            "fixed_available": f.hasFixed ? .number(Double(f.fixedAvailable)) : .null,
            "fixed_pct": f.fixedPct.map { .number(round4($0)) } ?? .null,
        ]
    }

    func householdPointsJSON(_ h: HouseholdAccess) -> JSONValue {
        let a = h.all
        return [
            "total": .number(a.total), "mobile_covered": .number(a.mobile),
            "fixed_available": a.fixed.map(JSONValue.number) ?? .null,
            "mobile_pct": .number(round4(a.mobilePct ?? 0)),
            "fixed_available_pct": a.fixed == nil ? .null : .number(round4(a.fixedPct ?? 0)),
            "source": "points", "outside_villages": .number(h.outside),
        ]
    }

    func qualitySummaryJSON(_ speed: SpeedParameters) -> JSONValue {
        var o = JSONObject()
        for c in SpeedClass.allCases {
            let q = measures.quality.compactMap { $0[c] }
            let withData = q.filter { $0.status != .noData }
            let tests = q.reduce(0) { $0 + $1.tests }
            let mean = tests > 0 ? q.reduce(0) { $0 + $1.meanMbps * $1.tests } / tests : nil
            o.append(c.rawValue, [
                "floor_mbps": .number(speed.floor(c)),
                "villages_with_data": .number(Double(withData.count)),
                // Without a village with data there is nothing to count: null, not 0.
                "meets": withData.isEmpty ? .null : .number(Double(withData.filter { $0.status == .meets }.count)),
                "below": withData.isEmpty ? .null : .number(Double(withData.filter { $0.status == .below }.count)),
                "no_data": .number(Double(q.count - withData.count)),
                "tests": .number(round2(tests)),
                "mean_mbps": mean.map { .number(round2($0)) } ?? .null,
            ])
        }
        return .object(o)
    }
}
