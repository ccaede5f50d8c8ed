import Foundation
import Geo
import GeoIO
import CoverageReport
import Coverage

/// `covgap diff`: what changed between two report.json files, village by village and place by place.
///
/// A village is `worse` when its mobile status or fixed status dropped (even if something else
/// improved), `better` when a status rose and none dropped, `moved` when only fractions (a class
/// or an operator) changed by more than the tolerance.
public struct ReportDiff: Sendable {
    public enum Direction: String, Sendable, CaseIterable {
        case worse, better, moved
    }

    /// A fraction that moved: class name (`mobile`, `4G`…) or operator name.
    public struct Move: Sendable, Hashable {
        public var name: String
        public var old: Double
        public var new: Double
    }

    public struct VillageChange: Sendable {
        public var old: SavedReport.VillageEntry
        public var new: SavedReport.VillageEntry
        public var direction: Direction
        /// Fractions that moved by more than the tolerance, classes first, then operators.
        public var moves: [Move]
    }

    public struct PlaceChange: Sendable {
        public var old: SavedReport.PlaceEntry
        public var new: SavedReport.PlaceEntry
        public var direction: Direction
    }

    public var oldSource: String
    public var newSource: String
    /// Each report's scenario ("without 2G"), nil for a plain run.
    public var scenarios: (old: String?, new: String?) = (nil, nil)
    public var tolerance: Double
    public var villages: [VillageChange] = []
    public var places: [PlaceChange] = []
    public var addedVillages: [SavedReport.VillageEntry] = []
    public var removedVillages: [SavedReport.VillageEntry] = []
    public var addedPlaces: [SavedReport.PlaceEntry] = []
    public var removedPlaces: [SavedReport.PlaceEntry] = []
    /// `summary.households.mobile_covered` and `fixed_available` of each report (nil when unknown).
    public var householdsMobile: (old: Double?, new: Double?)
    public var householdsFibre: (old: Double?, new: Double?)
    /// Commune centres and measured speeds (PlanDiff.swift).
    public var plan: PlanChanges

    public init(old: SavedReport, new: SavedReport, tolerance: Double = 0.01) {
        oldSource = old.source
        newSource = new.source
        self.tolerance = tolerance
        scenarios = (old.scenario, new.scenario)
        plan = PlanChanges(old: old, new: new)
        householdsMobile = (old.summary["households"]?["mobile_covered"]?.doubleValue, new.summary["households"]?["mobile_covered"]?.doubleValue)
        householdsFibre = (old.summary["households"]?["fixed_available"]?.doubleValue, new.summary["households"]?["fixed_available"]?.doubleValue)

        let oldVillages = Dictionary(old.villages.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newIDs = Set(new.villages.map(\.id))
        for v in new.villages {
            guard let o = oldVillages[v.id] else { addedVillages.append(v); continue }
            let moves = Self.moves(o.coverage, v.coverage, tolerance) + Self.moves(o.operators, v.operators, tolerance)
            var worse = v.mobileStatus > o.mobileStatus, better = v.mobileStatus < o.mobileStatus
            if let a = o.fixed, let b = v.fixed, a != b {
                if b == .unavailable { worse = true } else { better = true }
            }
            let direction: Direction? = worse ? .worse : better ? .better : moves.isEmpty ? nil : .moved
            if let direction { villages.append(VillageChange(old: o, new: v, direction: direction, moves: moves)) }
        }
        removedVillages = old.villages.filter { !newIDs.contains($0.id) }

        let oldPlaces = Dictionary(old.places.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newPlaceIDs = Set(new.places.map(\.id))
        for p in new.places {
            guard let o = oldPlaces[p.id] else { addedPlaces.append(p); continue }
            let direction: Direction?
            if o.has5G != p.has5G {
                direction = p.has5G ? .better : .worse
            } else if let a = o.coverage5G, let b = p.coverage5G, abs(a - b) > tolerance {
                direction = .moved
            } else {
                direction = nil
            }
            if let direction { places.append(PlaceChange(old: o, new: p, direction: direction)) }
        }
        removedPlaces = old.places.filter { !newPlaceIDs.contains($0.id) }
    }

    /// Fractions that moved by more than `tolerance`; a name missing from one side counts as 0 there.
    static func moves(_ old: [(name: String, fraction: Double)], _ new: [(name: String, fraction: Double)], _ tolerance: Double) -> [Move] {
        var names = new.map(\.name)
        for o in old where !names.contains(o.name) { names.append(o.name) }
        return names.compactMap { n in
            let a = old.first { $0.name == n }?.fraction ?? 0, b = new.first { $0.name == n }?.fraction ?? 0
            return abs(b - a) > tolerance ? Move(name: n, old: a, new: b) : nil
        }
    }

    public func villages(_ d: Direction) -> [VillageChange] { villages.filter { $0.direction == d } }
    public func places(_ d: Direction) -> [PlaceChange] { places.filter { $0.direction == d } }

    // MARK: Output

    static func statusText(_ v: SavedReport.VillageEntry) -> String {
        "mobile \(v.mobileStatus.rawValue)" + (v.fixed.map { ", fixed \($0.rawValue)" } ?? "")
    }

    static func changeText(_ c: VillageChange) -> String {
        var parts: [String] = []
        if c.old.mobileStatus != c.new.mobileStatus {
            parts.append("mobile \(c.old.mobileStatus.rawValue) → \(c.new.mobileStatus.rawValue)")
        }
        if let a = c.old.fixed, let b = c.new.fixed, a != b { parts.append("fixed \(a.rawValue) → \(b.rawValue)") }
        parts += c.moves.map { "\($0.name) \(pct(100 * $0.old)) → \(pct(100 * $0.new))" }
        return parts.joined(separator: "; ")
    }

    static func delta(_ pair: (old: Double?, new: Double?)) -> String? {
        guard let a = pair.old, let b = pair.new else { return nil }
        let d = b - a
        return "\(jsonNumberText(a)) → \(jsonNumberText(b)) (\(d > 0 ? "+" : d < 0 ? "−" : "±")\(jsonNumberText(abs(d))))"
    }

    public func text() -> String {
        var out = "covgap diff \(oldSource) → \(newSource) (tolerance \(jsonNumberText(tolerance)))\n"
        if scenarios.old != nil || scenarios.new != nil {
            out += "Scenario: \(scenarios.old ?? "all operators and technologies") → \(scenarios.new ?? "all operators and technologies")\n"
        }
        out += "Villages: \(villages(.worse).count) worse, \(villages(.better).count) better, \(villages(.moved).count) moved"
        out += ", \(addedVillages.count) added, \(removedVillages.count) removed\n"
        if !(places.isEmpty && addedPlaces.isEmpty && removedPlaces.isEmpty) {
            out += "Priority places: \(places(.worse).count) lost 5G, \(places(.better).count) gained 5G, \(places(.moved).count) moved"
            out += ", \(addedPlaces.count) added, \(removedPlaces.count) removed\n"
        }
        if let d = Self.delta(householdsMobile) { out += "Households with mobile signal: \(d)\n" }
        if let d = Self.delta(householdsFibre) { out += "Households with fibre in reach: \(d)\n" }
        for direction in Direction.allCases {
            let vs = villages(direction)
            if !vs.isEmpty {
                out += "\n\(direction.rawValue.capitalized) (\(vs.count)):\n"
                for c in vs { out += "  \(c.new.id)  \(c.new.label): \(Self.changeText(c))\n" }
            }
            let ps = places(direction)
            if !ps.isEmpty {
                out += "\nPriority places, \(direction.rawValue) (\(ps.count)):\n"
                for c in ps {
                    let what = c.old.has5G != c.new.has5G
                        ? "5G \(c.old.has5G ? "yes" : "no") → \(c.new.has5G ? "yes" : "no")"
                        : "5G share \(pct(100 * (c.old.coverage5G ?? 0))) → \(pct(100 * (c.new.coverage5G ?? 0)))"
                    out += "  \(c.new.id)  \(c.new.name) (\(c.new.category)): \(what)\n"
                }
            }
        }
        for (title, list) in [("Added", addedVillages), ("Removed", removedVillages)] where !list.isEmpty {
            out += "\n\(title) villages (\(list.count)):\n"
            for v in list { out += "  \(v.id)  \(v.label): \(Self.statusText(v))\n" }
        }
        for (title, list) in [("Added", addedPlaces), ("Removed", removedPlaces)] where !list.isEmpty {
            out += "\n\(title) priority places (\(list.count)):\n"
            for p in list { out += "  \(p.id)  \(p.name) (\(p.category))\n" }
        }
        out += plan.text()
        return out
    }

    public func json() -> JSONValue {
        func village(_ v: SavedReport.VillageEntry) -> JSONValue {
            ["id": .string(v.id), "name": .string(v.name), "commune": v.commune.map(JSONValue.string) ?? .null,
             "district": v.district.map(JSONValue.string) ?? .null, "mobile_status": .string(v.mobileStatus.rawValue),
             "fixed_status": v.fixed.map { .string($0.rawValue) } ?? .null]
        }
        func place(_ p: SavedReport.PlaceEntry) -> JSONValue {
            ["id": .string(p.id), "name": .string(p.name), "category": .string(p.category), "has_5g": .bool(p.has5G)]
        }
        func pair(_ p: (old: Double?, new: Double?)) -> JSONValue {
            ["old": p.old.map(JSONValue.number) ?? .null, "new": p.new.map(JSONValue.number) ?? .null,
             "change": p.old.flatMap { a in p.new.map { .number($0 - a) } } ?? .null]
        }
        var o = JSONObject()
        o.append("old", .string(oldSource))
        o.append("new", .string(newSource))
        o.append("tolerance", .number(tolerance))
        o.append("households", ["mobile_covered": pair(householdsMobile), "fixed_available": pair(householdsFibre)])
        var vs = JSONObject()
        for d in Direction.allCases {
            vs.append(d.rawValue, .array(villages(d).map { c in
                var e = village(c.new).objectValue!
                e["mobile_status"] = nil
                e["fixed_status"] = nil
                e.append("old", ["mobile_status": .string(c.old.mobileStatus.rawValue), "fixed_status": c.old.fixed.map { .string($0.rawValue) } ?? .null])
                e.append("new", ["mobile_status": .string(c.new.mobileStatus.rawValue), "fixed_status": c.new.fixed.map { .string($0.rawValue) } ?? .null])
                e.append("moves", .array(c.moves.map { ["name": .string($0.name), "old": .number($0.old), "new": .number($0.new)] }))
                return .object(e)
            }))
        }
        vs.append("added", .array(addedVillages.map(village)))
        vs.append("removed", .array(removedVillages.map(village)))
        o.append("villages", .object(vs))
        var ps = JSONObject()
        for d in Direction.allCases {
            ps.append(d.rawValue, .array(places(d).map { c in
                ["id": .string(c.new.id), "name": .string(c.new.name), "category": .string(c.new.category),
                 "old": ["has_5g": .bool(c.old.has5G), "coverage_5g": c.old.coverage5G.map(JSONValue.number) ?? .null],
                 "new": ["has_5g": .bool(c.new.has5G), "coverage_5g": c.new.coverage5G.map(JSONValue.number) ?? .null]]
            }))
        }
        ps.append("added", .array(addedPlaces.map(place)))
        ps.append("removed", .array(removedPlaces.map(place)))
        o.append("priority_places", .object(ps))
        if !plan.isEmpty { o.append("plan", plan.json()) }
        return .object(o)
    }

    /// simplestyle colours for the map of changes.
    static func style(_ d: Direction) -> String {
        switch d {
        case .better: return "#1a9641"
        case .worse: return "#d7191c"
        case .moved: return "#999999"
        }
    }

    /// The changed villages' polygons, taken from `shapes` (the villages file of the new report),
    /// with id, name, change, old and new status; ids not found there are returned in `missing`.
    public func geojsonFeatures(shapes: [Village]) -> (features: [(properties: JSONObject, geometry: Shape?)], missing: [String]) {
        let byID = Dictionary(shapes.map { ($0.id, $0.shape) }, uniquingKeysWith: { a, _ in a })
        var features: [(properties: JSONObject, geometry: Shape?)] = []
        var missing: [String] = []
        for c in villages {
            guard let shape = byID[c.new.id] else { missing.append(c.new.id); continue }
            features.append(([
                "id": .string(c.new.id), "name": .string(c.new.name),
                "commune": c.new.commune.map(JSONValue.string) ?? .null, "district": c.new.district.map(JSONValue.string) ?? .null,
                "change": .string(c.direction.rawValue),
                "old_status": .string(c.old.mobileStatus.rawValue), "new_status": .string(c.new.mobileStatus.rawValue),
                "old_fixed": c.old.fixed.map { .string($0.rawValue) } ?? .null,
                "new_fixed": c.new.fixed.map { .string($0.rawValue) } ?? .null,
                "old_mobile": .number(c.old.fraction("mobile") ?? 0), "new_mobile": .number(c.new.fraction("mobile") ?? 0),
                "fill": .string(Self.style(c.direction)), "fill-opacity": 0.6, "stroke": "#555555", "stroke-width": 0.5,
            ], shape))
        }
        return (features, missing)
    }
}
