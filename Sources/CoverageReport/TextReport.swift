import Coverage
import Foundation
import GeoIO

extension Report {
    /// The short human table: gaps grouped by district and commune, then the summary against the plan.
    /// With `top`, the gap list stops after that many villages and says how many more report.csv has.
    public func text(top: Int? = nil) -> String {
        let L = language
        var out = ""
        let allGaps = gapEntries()
        let gaps = top.map { Array(allGaps.prefix($0)) } ?? allGaps
        let n = summary.all.villages
        let scenario = result.parameters.scenario.title.map { L.pick(" — scenario: ", " — kịch bản: ") + $0 } ?? ""
        let crs = result.crsZones.isEmpty ? result.crs
            : L.pick("per village: UTM zones ", "theo từng thôn/làng: múi UTM ") + result.crsZones.joined(separator: ", ")
        out += L.pick("covgap — \(n) village\(n == 1 ? "" : "s"), working CRS \(crs)\(scenario)\n\n",
                      "covgap — \(n) thôn/làng, hệ tọa độ làm việc \(crs)\(scenario)\n\n")
        if gaps.isEmpty {
            out += L.pick("No village is short of a target.\n", "Không có thôn/làng nào chưa đạt chỉ tiêu.\n")
        } else {
            out += L.pick("Villages short of a target", "Thôn/làng chưa đạt chỉ tiêu") + " (\(allGaps.count)):\n"
            // Group by district, then commune, in order of first appearance in the sorted gap list.
            var districtOrder: [String] = []
            var byDistrict: [String: [String: [Gap]]] = [:]
            var communeOrder: [String: [String]] = [:]
            for g in gaps {
                let v = input.villages[g.index]
                let d = v.district ?? L.pick("(no district)", "(không rõ huyện)"), c = v.commune ?? L.pick("(no commune)", "(không rõ xã/phường)")
                if byDistrict[d] == nil { districtOrder.append(d); byDistrict[d] = [:]; communeOrder[d] = [] }
                if byDistrict[d]![c] == nil { communeOrder[d]!.append(c); byDistrict[d]![c] = [] }
                byDistrict[d]![c]!.append(g)
            }
            let nameWidth = min(28, gaps.map { input.villages[$0.index].name.count }.max() ?? 10)
            for d in districtOrder {
                out += "\n  \(d)\n"
                for c in communeOrder[d]! {
                    out += "    \(c)\n"
                    for g in byDistrict[d]![c]! {
                        let v = input.villages[g.index], r = result.villages[g.index]
                        var what: [String] = []
                        if g.mobile != .covered {
                            what.append(L.pick("mobile \(g.mobile.rawValue) (\(pct(100 * r.fraction(.mobile))) covered)",
                                               "di động \(g.mobile.words(.vi)) (phủ sóng \(pct(100 * r.fraction(.mobile))))"))
                        }
                        if let f = r.fixed, f.status == .unavailable {
                            what.append(L.pick("fibre \(km(f.distanceM)) away", "cáp quang cách \(km(f.distanceM))"))
                        }
                        out += "      \(pad(v.name, nameWidth))  \(what.joined(separator: "; "))\n"
                    }
                }
            }
            if allGaps.count > gaps.count {
                out += L.pick("\n  … and \(allGaps.count - gaps.count) more, see report.csv\n",
                              "\n  … và \(allGaps.count - gaps.count) thôn/làng khác, xem report.csv\n")
            }
        }

        out += targetTable()
        let missing = zip(input.places ?? [], result.places).filter { targets.requires5G($0.0.category) && !$0.1.has5G }
        if !missing.isEmpty {
            out += L.pick("\nPriority places without 5G", "\nĐiểm ưu tiên chưa có 5G") + " (\(missing.count)):\n"
            for (p, _) in missing { out += "  \(pad(p.name, 44))  \(L == .vi ? placeCategoryVi(p.category) : p.category)\n" }
        }
        out += measuresText()
        return out
    }

}

/// A percentage with one decimal, or as many more as it takes (up to four) so that a shortfall
/// never reads as 100 % and a trace never reads as 0 %: 99.95 → "99.95 %", 0.04 → "0.04 %".
public func pct(_ x: Double) -> String {
    var decimals = 1
    while decimals < 4 {
        let s = String(format: "%.\(decimals)f", x)
        let rounded = Double(s) ?? x
        if (x < 100 && rounded >= 100) || (x > 0 && rounded <= 0) { decimals += 1 } else { break }
    }
    return String(format: "%.\(decimals)f %%", x)
}
public func km(_ m: Double) -> String { m >= 999.5 ? String(format: "%.1f km", m / 1000) : String(format: "%.0f m", m) }
public func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }

/// A priority place's category as planners write it in Vietnamese (an unknown one as given).
public func placeCategoryVi(_ category: String) -> String {
    switch category {
    case "commune_centre": return "trung tâm xã"
    case "district_centre": return "trung tâm huyện"
    case "industrial_park": return "khu công nghiệp"
    case "hospital": return "bệnh viện"
    case "school": return "trường học"
    case "airport": return "sân bay"
    case "seaport", "port": return "cảng biển"
    case "high_tech_zone": return "khu công nghệ cao"
    case "tourist_site", "tourism": return "khu du lịch"
    default: return category
    }
}
