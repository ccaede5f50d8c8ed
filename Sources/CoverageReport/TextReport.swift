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
                let d = input.villages[g.index].district ?? L.pick("(no district)", "(không rõ huyện)")
                let c = input.villages[g.index].commune ?? L.pick("(no commune)", "(không rõ xã/phường)")
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
                        var what: [String] = []
                        if g.mobile != .covered {
                            let covered = pct(100 * result.villages[g.index].fraction(.mobile))
                            what.append(L.pick("mobile \(g.mobile.rawValue) (\(covered) covered)", "di động \(g.mobile.words(.vi)) (phủ sóng \(covered))"))
                        }
                        if let f = result.villages[g.index].fixed, f.status == .unavailable {
                            what.append(L.pick("fibre \(km(f.distanceM)) away", "cáp quang cách \(km(f.distanceM))"))
                        }
                        out += "      \(pad(input.villages[g.index].name, nameWidth))  \(what.joined(separator: "; "))\n"
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
    while decimals < 4, let n = FixedPoint.units(x, decimals: decimals) {
        let full = FixedPoint.scales[decimals] * 100
        if x > 0 && ((x < 100 && n >= full) || n == 0) { decimals += 1 } else { break }
    }
    return FixedPoint.text(x, decimals: decimals) + " %"
}
public func km(_ m: Double) -> String { m >= 999.5 ? FixedPoint.text(m / 1000, decimals: 1) + " km" : FixedPoint.text(m, decimals: 0) + " m" }

/// Numbers with a fixed count of decimals, the very text C's `printf("%.Nf")` writes (the number's
/// exact binary value rounded to the nearest, ties to the even last digit), without going through
/// a format string: the text report writes one or two for each of tens of thousands of villages.
public enum FixedPoint {
    static let scales: [Int] = [1, 10, 100, 1_000, 10_000]

    /// |x| · 10^decimals rounded as `printf` rounds it, or nil when x is not finite or too large to
    /// do exactly here (|x| · 10^decimals ≥ 2^40).
    static func units(_ x: Double, decimals: Int) -> Int? {
        let a = x.magnitude, scale = Double(scales[decimals])
        let p = a * scale
        guard p.isFinite, p < 0x1p40 else { return nil }
        // The product's rounding error, exactly (a fused multiply–add), so a·scale = p + e.
        let e = (-p).addingProduct(a, scale)
        let whole = p.rounded(.down)
        // (p − whole) is exact, and so is subtracting a half from it when it is a quarter or more;
        // the sum with e then has the sign of the exact a·scale − whole − ½.
        let beyondHalf = (p - whole - 0.5) + e
        var n = Int(whole)
        if beyondHalf > 0 || (beyondHalf == 0 && n & 1 == 1) { n += 1 }
        return n
    }

    /// `String(format: "%.Nf", x)` for N = `decimals` (0…4).
    public static func text(_ x: Double, decimals: Int) -> String {
        guard let n = units(x, decimals: decimals) else { return String(format: "%.\(decimals)f", x) }
        var digits = String(n)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return x.sign == .minus ? "-" + digits : digits
    }
}

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
