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

extension Report {
    /// A village's record with its households' access (with household points) and measured speeds
    /// (with speed tests).
    func villageMeasures(_ i: Int, _ record: JSONObject) -> JSONObject {
        var o = record
        if let h = measures.households {
            let v = h.villages[i]
            o.append("households_mobile_pct", v.mobilePct.map { .number(round4($0)) } ?? .null)
            o.append("households_fixed_pct", v.fixedPct.map { .number(round4($0)) } ?? .null)
        }
        if measures.speed != nil {
            var q = JSONObject()
            for c in SpeedClass.allCases {
                guard let x = measures.quality[i][c] else { continue }
                q.append(c.rawValue, [
                    "mean_mbps": .number(round2(x.meanMbps)), "tests": .number(round2(x.tests)),
                    "share_at_floor": .number(round4(x.shareAtFloor)), "status": .string(x.status.rawValue),
                ])
            }
            o.append("quality", .object(q))
        }
        return o
    }

    /// A priority place's record; a commune centre's (`centre`) says whether it has mobile signal and fibre.
    func placeMeasures(_ centre: CentreAccess?, _ record: JSONObject) -> JSONObject {
        guard let c = centre else { return record }
        var o = record
        o.append("mobile_covered", .bool(c.mobileCovered))
        o.append("fixed_available", c.fixedAvailable.map(JSONValue.bool) ?? .null)
        o.append("fibre_distance_m", c.fibreDistanceM.map { .number(round2($0)) } ?? .null)
        return o
    }

    /// report.json's `model_checks`: villages where the measurements and the model disagree.
    func modelChecksJSON() -> JSONValue {
        .array(measures.disagreements.map { d in
            let v = input.villages[d.village]
            return [
                "id": .string(v.id), "name": .string(v.name),
                "commune": v.commune.map(JSONValue.string) ?? .null, "district": v.district.map(JSONValue.string) ?? .null,
                "kind": .string(d.kind.rawValue), "mobile_status": .string(result.villages[d.village].mobileStatus.rawValue),
                "tests": .number(round2(d.tests)), "mean_mbps": .number(round2(d.meanMbps)),
            ]
        })
    }

    /// report.csv's columns for households and speeds, present only when those inputs were given.
    func measureColumns() -> [String] {
        var columns: [String] = []
        if measures.households != nil { columns += ["households_mobile_pct", "households_fixed_pct"] }
        if measures.speed != nil {
            for c in SpeedClass.allCases {
                let k = c.rawValue.lowercased()
                columns += ["q_\(k)_mbps", "q_\(k)_tests", "q_\(k)_at_floor", "q_\(k)_status"]
            }
        }
        return columns
    }

    func measureFields(_ i: Int) -> [String] {
        var fields: [String] = []
        if let h = measures.households {
            fields += [h.villages[i].mobilePct.map { jsonNumberText(round4($0)) } ?? "", h.villages[i].fixedPct.map { jsonNumberText(round4($0)) } ?? ""]
        }
        if measures.speed != nil {
            for c in SpeedClass.allCases {
                if let q = measures.quality[i][c] {
                    fields += [jsonNumberText(round2(q.meanMbps)), jsonNumberText(round2(q.tests)), jsonNumberText(round4(q.shareAtFloor)), q.status.rawValue]
                } else {
                    fields += ["", "", "", "no_data"]
                }
            }
        }
        return fields
    }

    /// The text table's part for centres, speeds and the model checks (empty without those inputs).
    func measuresText() -> String {
        let L = language
        var out = ""
        let centresShort = measures.centres.filter { !$0.mobileCovered || $0.fixedAvailable == false }
        if !centresShort.isEmpty {
            out += L.pick("\nCommune centres short of a target", "\nTrung tâm xã chưa đạt chỉ tiêu") + " (\(centresShort.count)):\n"
            for c in centresShort {
                var what: [String] = []
                if !c.mobileCovered { what.append(L.pick("no mobile signal", "không có sóng di động")) }
                if c.fixedAvailable == false, let d = c.fibreDistanceM { what.append(L.pick("fibre \(km(d)) away", "cáp quang cách \(km(d))")) }
                out += "  \(pad(c.name, 44))  \(what.joined(separator: "; "))\n"
            }
        }
        if let speed = measures.speed {
            out += L.pick("\nMeasured download (tests-weighted mean; at least \(jsonNumberText(speed.minTests)) tests for a verdict):\n",
                          "\nTốc độ tải xuống đo được (trung bình theo số lần đo; cần ít nhất \(jsonNumberText(speed.minTests)) lần đo để đánh giá):\n")
            let quality = qualitySummaryJSON(speed)
            for c in SpeedClass.allCases {
                guard let q = quality[c.rawValue] else { continue }
                let mean = q["mean_mbps"]?.doubleValue.map { String(format: "%.1f Mb/s", $0) } ?? L.pick("no tests", "chưa đo")
                let words = L == .vi ? ["meets": "đạt", "below": "dưới ngưỡng", "no_data": "không có số liệu"] : [:]
                let counts = ["meets", "below", "no_data"].map { k in "\(q[k]?.doubleValue.map(jsonNumberText) ?? "0") \(words[k] ?? k.replacingOccurrences(of: "_", with: " "))" }
                let name = L == .vi && c == .fixed ? "cố định" : c.rawValue
                out += "  \(pad("\(name) (\(L.pick("floor", "ngưỡng")) \(jsonNumberText(speed.floor(c))) Mb/s)", 26))\(pad(mean, 14))\(L.pick("villages", "thôn/làng")): \(counts.joined(separator: ", "))\n"
            }
            let below = zip(input.villages, measures.quality).compactMap { v, q -> String? in
                let slow = SpeedClass.allCases.compactMap { c in q[c].flatMap { $0.status == .below ? "\(L == .vi && c == .fixed ? "cố định" : c.rawValue) \(String(format: "%.1f", $0.meanMbps)) Mb/s" : nil } }
                return slow.isEmpty ? nil : "  \(pad(v.name, 28))  \(pad(v.commune ?? "", 20))  \(slow.joined(separator: "; "))\n"
            }
            if !below.isEmpty { out += L.pick("Villages below a floor", "Thôn/làng dưới ngưỡng tốc độ") + " (\(below.count)):\n" + below.joined() }
        }
        if !measures.disagreements.isEmpty {
            out += L.pick("\nMeasurements against the model (check the model or the data)", "\nSố đo trái với mô hình (cần kiểm tra mô hình hoặc số liệu)")
                + " (\(measures.disagreements.count)):\n"
            for d in measures.disagreements {
                let v = input.villages[d.village]
                let why = d.kind == .testsWhereUncovered
                    ? L.pick("\(jsonNumberText(round2(d.tests))) mobile tests, but modelled uncovered",
                             "\(jsonNumberText(round2(d.tests))) lần đo di động, nhưng mô hình cho là chưa phủ sóng")
                    : L.pick("modelled covered, but all \(jsonNumberText(round2(d.tests))) mobile tests below 1 Mb/s",
                             "mô hình cho là được phủ sóng, nhưng cả \(jsonNumberText(round2(d.tests))) lần đo di động đều dưới 1 Mb/s")
                out += "  \(pad(v.name, 28))  \(pad(v.commune ?? "", 20))  \(why)\n"
            }
        }
        return out
    }
}
