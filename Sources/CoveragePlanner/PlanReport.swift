import Foundation
import Geo
import GeoIO
import CoverageReport
import Coverage

/// A finished plan in every output form: text for people, JSON for programs, GeoJSON for map
/// viewers, and sites.csv rows ready to append.
public struct PlanReport: Sendable {
    public let plan: Plan
    /// Decimals of coordinates in GeoJSON and JSON positions.
    public var precision: Int

    public init(plan: Plan, precision: Int = 6) {
        self.plan = plan
        self.precision = precision
    }

    /// Plans with the default options from a finished analysis (what `covgap analyze` prints last).
    public init(input: AnalysisInput, result: AnalysisResult, options: PlanOptions = PlanOptions()) throws {
        self.init(plan: try GapPlanner(input: input, result: result, options: options).run())
    }

    private var villages: [Village] { plan.input.villages }

    // MARK: sites.csv rows

    /// The header of sites.csv.
    public static let sitesHeader = ["site_id", "operator", "lat", "lon", "tech", "azimuth", "beamwidth", "radius_m"]

    /// One row per proposed site (omnidirectional), in sites.csv's column layout.
    public func sitesRows() -> [[String]] {
        plan.sites.map { s in
            [s.sector.siteID, s.sector.operator, String(format: "%.6f", s.sector.location.y), String(format: "%.6f", s.sector.location.x),
             s.sector.tech.rawValue, "", "360", jsonNumberText(s.radius.rounded(.down))]
        }
    }

    /// The proposed sites as a sites.csv table, header included.
    public func sitesCSV() -> [UInt8] {
        var w = CSVWriter(header: Self.sitesHeader)
        for row in sitesRows() { w.append(row) }
        return w.bytes
    }

    // MARK: Text

    /// The plan for people, in `language` (English unless asked).
    public func text(language L: Language = .en) -> String {
        let o = plan.options, p = plan.result.parameters
        var out = L.pick("\nPlan\n\n", "\nPhương án\n\n")
        if plan.sites.isEmpty {
            out += plan.candidateCount == 0 && o.candidates == nil
                ? L.pick("New sites: none needed (no mobile gap).\n", "Trạm mới: không cần (không có vùng lõm sóng).\n")
                : L.pick("New sites: none of the \(plan.candidateCount) candidate points covers any gap.\n",
                         "Trạm mới: không điểm nào trong \(plan.candidateCount) điểm ứng viên phủ được vùng lõm sóng.\n")
        } else {
            // Under a radio model each site reaches as far as its link budget does on flat ground.
            let radius = plan.sites.first.map { $0.radius.rounded(.down) } ?? o.radius(p)
            out += L.pick("New sites (\(o.tech.rawValue) omnidirectional, radius \(km(radius)); best \(plan.sites.count) of \(plan.candidateCount) candidate points):\n",
                          "Trạm mới (\(o.tech.rawValue) vô hướng, bán kính \(km(radius)); \(plan.sites.count) điểm tốt nhất trong \(plan.candidateCount) điểm ứng viên):\n")
            for s in plan.sites {
                let c = s.sector.location
                out += "  \(s.sector.siteID)  \(L.pick("lat", "vĩ độ")) \(String(format: "%.6f", c.y)), \(L.pick("lon", "kinh độ")) \(String(format: "%.6f", c.x))\n"
                out += L.pick("          \(s.villagesCovered) village\(s.villagesCovered == 1 ? "" : "s") newly covered"
                    + " (\(clampedInt(s.householdsCovered)) households), \(formatArea(s.areaCoveredM2)) of gaps covered\n",
                              "          \(s.villagesCovered) thôn/làng mới được phủ sóng"
                    + " (\(clampedInt(s.householdsCovered)) hộ), phủ \(formatArea(s.areaCoveredM2)) vùng lõm sóng\n")
                let newly = s.villages.filter(\.newlyCovered)
                for g in newly {
                    let v = villages[g.index]
                    let place = [v.commune, v.district].compactMap { $0 }.joined(separator: ", ")
                    out += "            \(v.name)\(place.isEmpty ? "" : " (\(place))")  \(L.pick("mobile", "di động")) \(pct(100 * g.before)) → \(pct(100 * g.after))\n"
                }
                let raised = s.villages.count - newly.count
                if raised > 0 {
                    out += L.pick("            and \(raised) more village\(raised == 1 ? "" : "s") better covered\n",
                                  "            và \(raised) thôn/làng khác được phủ sóng tốt hơn\n")
                }
            }
            out += L.pick("  Rows for sites.csv:\n", "  Dòng cho sites.csv:\n")
            for row in sitesRows() { out += "    " + row.map(CSVWriter.escape).joined(separator: ",") + "\n" }
        }

        if plan.input.fibre != nil {
            out += "\n"
            if plan.fibre.isEmpty {
                out += L.pick("Fibre extensions: none needed (every village has fibre within \(km(p.fibreReach))).\n",
                              "Kéo thêm cáp quang: không cần (thôn/làng nào cũng có cáp quang trong vòng \(km(p.fibreReach))).\n")
            } else {
                let routed = plan.fibre.filter { $0.routedM != nil }.count
                out += L.pick("Fibre extensions (\(plan.fibre.count) village\(plan.fibre.count == 1 ? "" : "s"), cheapest per household first;"
                    + " \(grouped(o.fibreCostPerKm)) VND/km assumed\(o.corridors == nil ? "" : "; \(routed) routed along corridors")):\n",
                              "Kéo thêm cáp quang (\(plan.fibre.count) thôn/làng, rẻ nhất tính theo hộ trước;"
                    + " giả định \(grouped(o.fibreCostPerKm).replacingOccurrences(of: ",", with: ".")) đồng/km\(o.corridors == nil ? "" : "; \(routed) tuyến đi theo hành lang")):\n")
                let width = min(28, plan.fibre.map { villages[$0.index].name.count }.max() ?? 10)
                let costWidth = L == .vi ? 18 : 12
                out += "  \(pad(L.pick("village", "thôn/làng"), width))  \(pad(L.pick("commune", "xã/phường"), 18))  \(pad(L.pick("length", "chiều dài"), 9))  \(pad(L.pick("cost, M VND", "chi phí, tr. đồng"), costWidth))  \(L.pick("per household", "mỗi hộ"))\n"
                for f in plan.fibre {
                    let v = villages[f.index]
                    let perHousehold = f.costPerHousehold.map { String(format: L.pick("%.1f M", "%.1f tr."), $0 / 1e6) } ?? L.pick("(households unknown)", "(không rõ số hộ)")
                    out += "  \(pad(v.name, width))  \(pad(v.commune ?? "", 18))  \(pad(km(f.lengthM) + (f.routedM == nil ? "" : "*"), 9))"
                        + "  \(pad(String(format: "%.1f", f.costVND / 1e6), costWidth))  \(perHousehold)\n"
                }
                if routed > 0 { out += L.pick("  * along corridors (straight: the analysis' distance)\n", "  * theo hành lang (đường thẳng: khoảng cách của phân tích)\n") }
            }
        }

        if !plan.upgrades.isEmpty {
            out += L.pick("\n5G upgrades: nearest 4G site of each operator to each priority place without 5G:\n",
                          "\nNâng cấp 5G: trạm 4G gần nhất của mỗi nhà mạng tới mỗi điểm ưu tiên chưa có 5G:\n")
            for u in plan.upgrades {
                let place = plan.input.places![u.index]
                let options = u.options.map { "\($0.operator) \($0.siteID) \(km($0.distanceM))" }
                out += "  \(pad(place.name, 44))  \(options.isEmpty ? L.pick("no 4G site", "không có trạm 4G") : options.joined(separator: "; "))\n"
            }
        }
        return out
    }

    /// 150000000 → "150,000,000".
    func grouped(_ x: Double) -> String { groupedDigits(x) }

    // MARK: JSON

    func lonLat(_ c: Coordinate) -> JSONValue {
        let scale = pow(10, Double(precision))
        return [.number((c.x * scale).rounded() / scale), .number((c.y * scale).rounded() / scale)]
    }

    func villageHeader(_ v: Village) -> JSONObject {
        ["id": .string(v.id), "name": .string(v.name),
         "commune": v.commune.map(JSONValue.string) ?? .null, "district": v.district.map(JSONValue.string) ?? .null,
         "households": v.households.map(JSONValue.number) ?? .null]
    }

    public func json() -> JSONValue {
        let o = plan.options, p = plan.result.parameters
        var out = JSONObject()
        out.append("schema_version", .number(Double(Report.schemaVersion)))
        out.append("generated_by", .string(Report.generator))
        out.append("parameters", [
            "crs": .string(plan.result.crs), "new_sites": .number(Double(o.newSites)), "tech": .string(o.tech.rawValue),
            "radius_m": .number(o.radius(p)), "operator": .string(o.operatorName), "arc_step_deg": .number(p.arcStep),
            "covered_min": .number(p.coveredMin),
            "candidates": .string(o.candidates == nil ? "gaps" : "given"), "candidate_count": .number(Double(plan.candidateCount)),
            "grid_spacing_m": o.candidates == nil ? .number(o.radius(p) * o.gridSpacingShare) : .null,
            "corridors": .bool(o.corridors != nil), "snap_tolerance_m": .number(o.snapTolerance),
            "access_reach_m": .number(p.fibreReach), "fibre_cost_vnd_per_km": .number(o.fibreCostPerKm),
        ])
        out.append("new_sites", .array(plan.sites.map { s in
            var site: JSONObject = [
                "site_id": .string(s.sector.siteID), "operator": .string(s.sector.operator), "tech": .string(s.sector.tech.rawValue),
                "lat": .number(round6(s.sector.location.y)), "lon": .number(round6(s.sector.location.x)),
                "radius_m": .number(s.radius), "villages_covered": .number(Double(s.villagesCovered)),
                "households_covered": .number(s.householdsCovered), "area_covered_m2": .number(round2(s.areaCoveredM2)),
            ]
            site.append("villages", .array(s.villages.map { g in
                var v = villageHeader(villages[g.index])
                v.append("mobile_before", .number(round6(g.before)))
                v.append("mobile_after", .number(round6(g.after)))
                v.append("status_before", .string(g.statusBefore.rawValue))
                v.append("status_after", .string(g.statusAfter.rawValue))
                return .object(v)
            }))
            return .object(site)
        }))
        out.append("fibre_extensions", .array(plan.fibre.map { f in
            var e = villageHeader(villages[f.index])
            e.append("straight_m", .number(round2(f.straightM)))
            e.append("routed_m", f.routedM.map { .number(round2($0)) } ?? .null)
            e.append("length_m", .number(round2(f.lengthM)))
            e.append("via", .string(f.routedM == nil ? "straight" : "corridors"))
            e.append("cost_vnd", .number(f.costVND.rounded()))
            e.append("cost_per_household_vnd", f.costPerHousehold.map { .number($0.rounded()) } ?? .null)
            return .object(e)
        }))
        out.append("upgrades_5g", .array(plan.upgrades.map { u in
            let place = plan.input.places![u.index]
            return ["id": .string(place.id), "name": .string(place.name), "category": .string(place.category),
                    "location": lonLat(u.location),
                    "sites": .array(u.options.map { s in
                        ["operator": .string(s.operator), "site_id": .string(s.siteID),
                         "lat": .number(round6(s.location.y)), "lon": .number(round6(s.location.x)),
                         "distance_m": .number(round2(s.distanceM))]
                    })]
        }))
        return .object(out)
    }

    // MARK: GeoJSON

    public func geojsonFeatures() -> [(properties: JSONObject, geometry: Shape?)] {
        var out: [(properties: JSONObject, geometry: Shape?)] = []
        for s in plan.sites {
            out.append(([
                "kind": "proposed_site", "site_id": .string(s.sector.siteID), "operator": .string(s.sector.operator),
                "tech": .string(s.sector.tech.rawValue),
                "lat": .number(round6(s.sector.location.y)), "lon": .number(round6(s.sector.location.x)),
                "radius_m": .number(s.radius), "villages": .number(Double(s.villagesCovered)),
                "households": .number(s.householdsCovered), "area_m2": .number(round2(s.areaCoveredM2)),
                "marker-color": "#1a9641", "marker-symbol": "communications-tower",
            ], .point(s.sector.location)))
        }
        for s in plan.sites {
            out.append(([
                "kind": "proposed_footprint", "site_id": .string(s.sector.siteID), "radius_m": .number(s.radius),
                "fill": "#1a9641", "fill-opacity": 0.2, "stroke": "#1a9641", "stroke-width": 1,
            ], s.footprint))
        }
        for f in plan.fibre {
            let v = villages[f.index]
            out.append(([
                "kind": "planned_fibre", "village_id": .string(v.id), "name": .string(v.name),
                "length_m": .number(round2(f.lengthM)), "via": .string(f.routedM == nil ? "straight" : "corridors"),
                "cost_vnd": .number(f.costVND.rounded()),
                "stroke": "#7b3294", "stroke-width": 2,
            ], .lineString(f.path)))
        }
        return out
    }

    public func geojson() -> [UInt8] {
        GeoJSONWriter(precision: precision).encode(geojsonFeatures())
    }
}
