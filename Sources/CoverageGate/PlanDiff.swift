import Coverage
import CoverageReport
import Foundation
import GeoIO

/// What changed in the plan's other figures between two reports: measured speeds per village
/// and class, and commune centres' mobile signal and fibre.
public struct PlanChanges: Sendable {
    public struct QualityChange: Sendable {
        public var id: String
        public var label: String
        /// "4G", "5G" or "fixed".
        public var speedClass: String
        public var old: (status: String, meanMbps: Double)?
        public var new: (status: String, meanMbps: Double)?
        /// meets is better than below; no_data (or no tests) is neither.
        public var worse: Bool { old?.status == "meets" && new?.status == "below" }
    }

    public struct CentreChange: Sendable {
        public var id: String
        public var name: String
        /// "mobile" or "fixed".
        public var aspect: String
        public var old: Bool
        public var new: Bool
    }

    public var quality: [QualityChange] = []
    public var centres: [CentreChange] = []
    /// Province figures that moved: (figure, old, new).
    public var figures: [(figure: String, old: Double?, new: Double?)] = []

    public init(old: SavedReport, new: SavedReport) {
        let oldVillages = Dictionary(old.villages.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for v in new.villages {
            guard let o = oldVillages[v.id] else { continue }
            for c in SpeedClass.allCases.map(\.rawValue) {
                let a = o.quality[c], b = v.quality[c]
                if a?.status == b?.status { continue }
                quality.append(QualityChange(id: v.id, label: v.label, speedClass: c,
                                             old: a.map { ($0.status, $0.meanMbps) }, new: b.map { ($0.status, $0.meanMbps) }))
            }
        }
        let oldPlaces = Dictionary(old.places.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for p in new.places where p.category == CommuneCentres.category {
            guard let o = oldPlaces[p.id] else { continue }
            if let a = o.mobileCovered, let b = p.mobileCovered, a != b { centres.append(CentreChange(id: p.id, name: p.name, aspect: "mobile", old: a, new: b)) }
            if let a = o.fixedAvailable, let b = p.fixedAvailable, a != b { centres.append(CentreChange(id: p.id, name: p.name, aspect: "fixed", old: a, new: b)) }
        }
        let names = ["commune_centres.mobile_pct", "commune_centres.fixed_pct"]
            + SpeedClass.allCases.flatMap { ["quality.\($0.rawValue).below", "quality.\($0.rawValue).mean_mbps"] }
        for name in names {
            func value(_ s: JSONObject) -> Double? { JSONValue.object(s).value(at: name.split(separator: "."))?.doubleValue }
            let a = value(old.summary), b = value(new.summary)
            if a != b { figures.append((name, a, b)) }
        }
    }

    public var isEmpty: Bool { quality.isEmpty && centres.isEmpty && figures.isEmpty }

    public func text() -> String {
        var out = ""
        func number(_ x: Double?) -> String { x.map(jsonNumberText) ?? "no data" }
        if !figures.isEmpty {
            out += "\nPlan figures:\n"
            for f in figures { out += "  \(f.figure): \(number(f.old)) → \(number(f.new))\n" }
        }
        if !centres.isEmpty {
            out += "\nCommune centres (\(centres.count)):\n"
            for c in centres {
                out += "  \(c.id)  \(c.name): \(c.aspect == "mobile" ? "mobile signal" : "fibre in reach") \(c.old ? "yes" : "no") → \(c.new ? "yes" : "no")\n"
            }
        }
        if !quality.isEmpty {
            out += "\nMeasured speed (\(quality.count)):\n"
            func side(_ s: (status: String, meanMbps: Double)?) -> String {
                s.map { "\($0.status) (\(String(format: "%.1f", $0.meanMbps)) Mb/s)" } ?? "no tests"
            }
            for q in quality { out += "  \(q.id)  \(q.label): \(q.speedClass) \(side(q.old)) → \(side(q.new))\n" }
        }
        return out
    }

    public func json() -> JSONValue {
        func side(_ s: (status: String, meanMbps: Double)?) -> JSONValue {
            s.map { ["status": .string($0.status), "mean_mbps": .number($0.meanMbps)] } ?? .null
        }
        return [
            "figures": .array(figures.map { ["figure": .string($0.figure), "old": $0.old.map(JSONValue.number) ?? .null, "new": $0.new.map(JSONValue.number) ?? .null] }),
            "commune_centres": .array(centres.map { ["id": .string($0.id), "name": .string($0.name), "aspect": .string($0.aspect), "old": .bool($0.old), "new": .bool($0.new)] }),
            "quality": .array(quality.map { ["id": .string($0.id), "class": .string($0.speedClass), "old": side($0.old), "new": side($0.new)] }),
        ]
    }
}
