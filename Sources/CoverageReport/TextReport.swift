import Coverage
import Foundation

extension Report {
    /// The short human table: gaps grouped by district and commune, then the summary against the plan.
    public func text() -> String {
        var out = ""
        let gaps = gapEntries()
        let n = summary.all.villages
        out += "covgap — \(n) village\(n == 1 ? "" : "s"), working CRS \(result.crs)\n\n"
        if gaps.isEmpty {
            out += "No village is short of a target.\n"
        } else {
            out += "Villages short of a target (\(gaps.count)):\n"
            // Group by district, then commune, in order of first appearance in the sorted gap list.
            var districtOrder: [String] = []
            var byDistrict: [String: [String: [Gap]]] = [:]
            var communeOrder: [String: [String]] = [:]
            for g in gaps {
                let v = input.villages[g.index]
                let d = v.district ?? "(no district)", c = v.commune ?? "(no commune)"
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
                            what.append("mobile \(g.mobile.rawValue) (\(pct(100 * r.fraction(.mobile))) covered)")
                        }
                        if let f = r.fixed, f.status == .unavailable {
                            what.append("fibre \(km(f.distanceM)) away")
                        }
                        out += "      \(pad(v.name, nameWidth))  \(what.joined(separator: "; "))\n"
                    }
                }
            }
        }

        out += targetTable()
        let missing = zip(input.places ?? [], result.places).filter { targets.requires5G($0.0.category) && !$0.1.has5G }
        if !missing.isEmpty {
            out += "\nPriority places without 5G (\(missing.count)):\n"
            for (p, _) in missing { out += "  \(pad(p.name, 44))  \(p.category)\n" }
        }
        out += measuresText()
        return out
    }

}

public func pct(_ x: Double) -> String { String(format: "%.1f %%", x) }
public func km(_ m: Double) -> String { m >= 1000 ? String(format: "%.1f km", m / 1000) : String(format: "%.0f m", m) }
public func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
