import Foundation
import GeoIO
import Geo

/// Counts and shares for a group of villages (the province, a district, a commune).
public struct GroupFigures: Sendable {
    public struct ClassFigures: Sendable {
        public var covered = 0, partial = 0, uncovered = 0
        public var coveredPct = 0.0, anySignalPct = 0.0
    }

    public var villages = 0
    /// In `CoverageClass.allCases` order.
    public var classes: [ClassFigures] = Array(repeating: ClassFigures(), count: CoverageClass.allCases.count)
    public var fixedAvailable = 0, fixedUnavailable = 0
    public var hasFixed = false
    public var householdsKnown = false
    public var households = 0.0, householdsMobileCovered = 0.0, householdsFixedAvailable = 0.0

    public var fixedAvailablePct: Double { percent(fixedAvailable, villages) }

    public func figures(_ c: CoverageClass) -> ClassFigures { classes[CoverageClass.allCases.firstIndex(of: c)!] }

    /// The figures of `villages[members]` with their `results`.
    init(_ members: [Int], of villageList: [Village], results: [VillageCoverage], parameters: AnalysisParameters, hasFixed: Bool) {
        villages = members.count
        self.hasFixed = hasFixed
        // Each result read once, in place (a copy of each would cost a national run a tenth of a
        // second, and its shares looked up once per class as much again).
        for i in members {
            results[i].fractions.withUnsafeBufferPointer { fractions in
                precondition(fractions.count == classes.count, "a result without a share per coverage class")
                for k in classes.indices {
                    switch parameters.mobileStatus(fractions[k]) {
                    case .covered: classes[k].covered += 1
                    case .partial: classes[k].partial += 1
                    case .uncovered: classes[k].uncovered += 1
                    }
                }
            }
            let available = results[i].fixed?.status == .available
            if available { fixedAvailable += 1 } else if hasFixed { fixedUnavailable += 1 }
            if let h = villageList[i].households {
                householdsKnown = true
                households += h
                if results[i].mobileStatus == .covered { householdsMobileCovered += h }
                if available { householdsFixedAvailable += h }
            }
        }
        for k in classes.indices {
            classes[k].coveredPct = percent(classes[k].covered, villages)
            classes[k].anySignalPct = percent(classes[k].covered + classes[k].partial, villages)
        }
    }

    /// The JSON object docs/model.md §4 describes for `summary` (and each district and commune).
    func json() -> JSONObject {
        var o = JSONObject()
        o.append("villages", .number(Double(villages)))
        for (k, c) in CoverageClass.allCases.enumerated() {
            let f = classes[k]
            o.append(c.rawValue, [
                "covered": .number(Double(f.covered)), "partial": .number(Double(f.partial)),
                "uncovered": .number(Double(f.uncovered)),
                "covered_pct": .number(round4(f.coveredPct)), "any_signal_pct": .number(round4(f.anySignalPct)),
            ])
        }
        o.append("fixed", hasFixed ? [
            "available": .number(Double(fixedAvailable)), "unavailable": .number(Double(fixedUnavailable)),
            "available_pct": .number(round4(fixedAvailablePct)),
        ] : .null)
        o.append("households", householdsKnown ? [
            "total": .number(households), "mobile_covered": .number(householdsMobileCovered),
            "fixed_available": hasFixed ? .number(householdsFixedAvailable) : .null,
            "mobile_pct": .number(round4(households > 0 ? 100 * householdsMobileCovered / households : 0)),
            "fixed_available_pct": hasFixed ? .number(round4(households > 0 ? 100 * householdsFixedAvailable / households : 0)) : .null,
            "source": "villages",
        ] : .null)
        return o
    }
}

/// The whole-province summary with its districts and communes, in order of first appearance.
public struct Summary: Sendable {
    public var all: GroupFigures
    public var districts: [(name: String, figures: GroupFigures)]
    public var communes: [(name: String, district: String?, figures: GroupFigures)]
    public var placesTotal = 0, placesWith5G = 0
    public var places5GPct: Double { percent(placesWith5G, placesTotal) }

    /// - Parameter requires5G: whether a place of a category counts in the 5G figures (the plan
    ///   requires 5G of some categories only).
    public init(input: AnalysisInput, result: AnalysisResult, requires5G: (String) -> Bool = { $0 != CommuneCentres.category }) {
        let villages = input.villages, results = result.villages
        let hasFixed = input.fibre != nil
        let p = result.parameters
        func figures(_ members: [Int]) -> GroupFigures { GroupFigures(members, of: villages, results: results, parameters: p, hasFixed: hasFixed) }
        // The province's figures beside the districts' and communes' (grouping is one core's work).
        (all, (districts, communes)) = concurrentPair({ figures(Array(villages.indices)) }, {
            let districtGroups = Coverage.groups(of: villages.indices.filter { villages[$0].district != nil }) { NameKey(villages[$0].district!) }
            let districts = concurrentMap(districtGroups.count, chunk: 8) { k in
                (name: villages[districtGroups[k][0]].district!, figures: figures(districtGroups[k]))
            }
            // Communes of the same name in two districts are two communes.
            let communeGroups = Coverage.groups(of: villages.indices.filter { villages[$0].commune != nil }) {
                CommuneKey(district: villages[$0].district ?? "", name: villages[$0].commune!)
            }
            let communes = concurrentMap(communeGroups.count, chunk: 64) { k in
                let first = villages[communeGroups[k][0]]
                return (name: first.commune!, district: first.district, figures: figures(communeGroups[k]))
            }
            return (districts, communes)
        })
        let required = zip(input.places ?? [], result.places).filter { requires5G($0.0.category) }
        placesTotal = required.count
        placesWith5G = required.filter(\.1.has5G).count
    }

    public func json(hasPlaces: Bool) -> JSONObject {
        var o = all.json()
        o.append("places", hasPlaces ? [
            "total": .number(Double(placesTotal)), "with_5g": .number(Double(placesWith5G)),
            "5g_pct": .number(round4(places5GPct)),
        ] : .null)
        o.append("districts", .array(districts.map { d in
            var j = JSONObject()
            j.append("name", .string(d.name))
            for m in d.figures.json() { j.append(m.key, m.value) }
            return .object(j)
        }))
        o.append("communes", .array(communes.map { c in
            var j = JSONObject()
            j.append("name", .string(c.name))
            j.append("district", c.district.map(JSONValue.string) ?? .null)
            for m in c.figures.json() { j.append(m.key, m.value) }
            return .object(j)
        }))
        return o
    }
}

public func percent(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : 100 * Double(part) / Double(whole) }

/// Rounded to 4 decimals: percentages in reports read 99.9003, not 99.90029910269193.
public func round4(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
public func round6(_ x: Double) -> Double { (x * 1_000_000).rounded() / 1_000_000 }
public func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
