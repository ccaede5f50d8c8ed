import GeoIO
@testable import CoverageGate
import CoverageReport
import Coverage

/// A village line of a hand-written report.json.
struct VillageSpec {
    var id: String
    var name: String
    var commune: String
    var district: String
    var households: Double
    var mobile: Double
    var g4: Double = 0
    var viettel: Double = 0
    var status: String
    var fixed: String?
    var distance: Double = 0
}

/// A report.json as `covgap analyze` writes it, reduced to what `check` and `diff` read; the
/// summary figures are given by the test, written as a planner would count them.
func reportJSON(_ villages: [VillageSpec], summary: JSONObject, places: [(id: String, name: String, has5G: Bool, coverage: Double?)] = [],
                villagesPath: String = "villages.geojson") -> JSONValue {
    [
        "schema_version": 1,
        "generated_by": "covgap 1.0",
        "inputs": ["villages": ["path": .string(villagesPath), "sha256": "00", "count": .number(Double(villages.count))]],
        "parameters": ["covered_min": 0.95, "uncovered_max": 0.05],
        "summary": .object(summary),
        "villages": .array(villages.map { v in
            [
                "id": .string(v.id), "name": .string(v.name), "commune": .string(v.commune), "district": .string(v.district),
                "households": .number(v.households), "area_m2": 1_000_000, "center": [109, 14],
                "coverage": ["mobile": .number(v.mobile), "broadband": .number(v.g4), "2G": .number(v.mobile), "3G": 0,
                             "4G": .number(v.g4), "5G": 0],
                "operators": ["Viettel": .number(v.viettel)],
                "mobile_status": .string(v.status),
                "fixed": v.fixed.map { ["status": .string($0), "distance_m": .number(v.distance), "nearest": [109, 14]] } ?? .null,
            ]
        }),
        "gaps": [],
        "priority_places": .array(places.map { p in
            ["id": .string(p.id), "name": .string(p.name), "category": "hospital", "has_5g": .bool(p.has5G),
             "coverage_5g": p.coverage.map(JSONValue.number) ?? .null]
        }),
        "warnings": [],
    ]
}

/// Figures of a group, as `GroupFigures.json()` writes them (only the mobile and fixed members vary here).
func figures(villages: Int, covered: Int, partial: Int, uncovered: Int, available: Int?, households: Double,
             mobileHouseholds: Double, fibreHouseholds: Double?) -> JSONObject {
    var o: JSONObject = ["villages": .number(Double(villages))]
    let pct = (100 * Double(covered) / Double(villages) * 10_000).rounded() / 10_000
    let any = (100 * Double(covered + partial) / Double(villages) * 10_000).rounded() / 10_000
    for c in CoverageClass.allCases {
        o.append(c.rawValue, ["covered": .number(Double(covered)), "partial": .number(Double(partial)),
                              "uncovered": .number(Double(uncovered)), "covered_pct": .number(pct), "any_signal_pct": .number(any)])
    }
    o.append("fixed", available.map { a in
        ["available": .number(Double(a)), "unavailable": .number(Double(villages - a)),
         "available_pct": .number((100 * Double(a) / Double(villages) * 10_000).rounded() / 10_000)]
    } ?? .null)
    o.append("households", ["total": .number(households), "mobile_covered": .number(mobileHouseholds),
                            "fixed_available": fibreHouseholds.map(JSONValue.number) ?? .null])
    return o
}
