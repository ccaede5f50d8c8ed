import Foundation
import Geo
import GeoIO
import Coverage

/// A finished analysis, ready to be written in every output form (docs/model.md §4).
public struct Report: Sendable {
    public static let schemaVersion = 1
    public static let generator = "covgap 1.0"

    public let input: AnalysisInput
    public let result: AnalysisResult
    public let summary: Summary
    public let files: [InputFileInfo]
    /// The plan's targets the figures are read against (see TargetsReport.swift).
    public let targets: PlanTargets
    /// Commune centres, household points and speed tests, when given (see ReportMeasures.swift).
    public let measures: PlanMeasures
    /// Decimals of coordinates in report.geojson and `nearest` positions.
    public var precision: Int
    /// The language of the text table and report.csv's header; recorded in report.json's
    /// parameters when it is not English (see Language.swift).
    public var language: Language = .en

    public init(input: AnalysisInput, result: AnalysisResult, files: [InputFileInfo], precision: Int = 6,
                targets: PlanTargets = .none, measures: PlanMeasures = .none) {
        self.input = input
        self.result = result
        self.summary = Summary(input: input, result: result, requires5G: targets.requires5G)
        self.files = files
        self.targets = targets
        self.measures = measures
        self.precision = precision
    }

    var villages: Zip2Sequence<[Village], [VillageCoverage]> { zip(input.villages, result.villages) }

    // MARK: report.json

    public func json() -> JSONValue { json(skipping: nil) }

    /// Whether `marks` (when given) marks piece `k`; pieces past its end are not marked.
    static func marked(_ marks: [Bool]?, _ k: Int) -> Bool { marks.map { k < $0.count && $0[k] } ?? false }

    /// report.json's tree; with `skipping` (per entry from the first: the village entries, then
    /// the gap entries; those past its end are made), the entries it holds are null (their text
    /// is copied from a previous run's, see ReportCopies.swift).
    public func json(skipping: [Bool]?) -> JSONValue {
        func skipped(_ k: Int) -> Bool { Self.marked(skipping, k) }
        var o = JSONObject()
        o.append("schema_version", .number(Double(Self.schemaVersion)))
        o.append("generated_by", .string(Self.generator))
        var inputs = JSONObject()
        for f in files {
            inputs.append(f.role, ["path": .string(f.path), "sha256": .string(f.sha256), "count": .number(Double(f.count))])
        }
        o.append("inputs", .object(inputs))
        o.append("parameters", .object(parametersJSON()))
        let summaryJSON = summaryWithMeasures()
        o.append("summary", .object(summaryJSON))
        o.append("targets", targetsJSON(summary: summaryJSON))
        let villageCount = input.villages.count
        o.append("villages", .array(concurrentMap(villageCount, chunk: 256) { i in
            skipped(i) ? .null : .object(villageRecord(i))
        }))
        let gaps = gapEntries()
        o.append("gaps", .array(concurrentMap(gaps.count, chunk: 256) { k in skipped(villageCount + k) ? .null : gapJSON(gaps[k]) }))
        // Commune centres by place index (centres come in the places' order, one each).
        let centreAt = Dictionary(measures.centres.map { ($0.placeIndex, $0) }, uniquingKeysWith: { first, _ in first })
        o.append("priority_places", .array(zip(input.places ?? [], result.places).enumerated().map { i, pc in
            let (p, c) = pc
            return .object(placeMeasures(centreAt[i], ["id": .string(p.id), "name": .string(p.name), "category": .string(p.category),
                                            "has_5g": .bool(c.has5G), "coverage_5g": c.coverage5G.map { .number(round6($0)) } ?? .null,
                                            // Whether the place counts in the places.* figures (its category is one the plan requires 5G at).
                                            "requires_5g": .bool(targets.requires5G(p.category))]))
        }))
        if measures.speed != nil { o.append("model_checks", modelChecksJSON()) }
        o.append("warnings", .array(result.warnings.map(JSONValue.string)))
        return .object(o)
    }

    /// Village `i`'s entry in report.json's `villages`, made on its own.
    public func villageRecord(_ i: Int) -> JSONObject { villageMeasures(i, villageJSON(input.villages[i], result.villages[i])) }

    /// Village `i`'s shape in report.geojson: its polygon, repaired where it was.
    public func villageShape(_ i: Int) -> Shape { result.villages[i].repairedShape ?? input.villages[i].shape }

    /// The box of `villageShape(i)` (a polygon kept in a side file is not decoded for it).
    public func villageBounds(_ i: Int) -> Bounds? {
        if let repaired = result.villages[i].repairedShape { return repaired.bounds }
        return input.villages[i].bounds
    }

    /// Village `i`'s centre as its record in report.json gives it (`center`, rounded to `precision`).
    public func villageCentre(_ i: Int) -> Coordinate { rounded(result.villages[i].centre) }

    func parametersJSON() -> JSONObject {
        Self.parametersJSON(result.parameters, crs: result.crs, crsZones: result.crsZones, precision: precision, language: language)
    }

    /// report.json's `parameters`: every model parameter, as recorded (and fingerprinted for `--since`).
    public static func parametersJSON(_ p: AnalysisParameters, crs: String, crsZones: [String], precision: Int,
                                      language: Language = .en) -> JSONObject {
        let result = (crs: crs, crsZones: crsZones)
        var radius = JSONObject()
        for t in Tech.allCases { radius.append(t.rawValue, .number(p.radius[t] ?? t.defaultRadius)) }
        var o: JSONObject = [
            "crs": .string(result.crs),
            "crs_from": .string(p.crs != nil ? "option" : result.crsZones.isEmpty ? "utm_zone_of_villages" : "utm_zone_of_each_village"),
        ]
        if !result.crsZones.isEmpty { o.append("crs_zones", .array(result.crsZones.map(JSONValue.string))) }
        let rest: JSONObject = [
            "arc_step_deg": .number(p.arcStep),
            "radius_m": .object(radius),
            "fibre_reach_m": .number(p.fibreReach),
            "covered_min": .number(p.coveredMin),
            "uncovered_max": .number(p.uncoveredMax),
            "min_gap_area_m2": .number(p.minGapArea),
            "place_covered_min": .number(p.placeCoveredMin),
            "precision": .number(Double(precision)),
        ]
        for m in rest { o.append(m.key, m.value) }
        if language != .en { o.append("lang", .string(language.rawValue)) }
        if !p.scenario.isEmpty {
            o.append("scenario", [
                "operators": p.scenario.operators.map { .array($0.map(JSONValue.string)) } ?? .null,
                "without_tech": .array(p.scenario.withoutTech.sorted().map { .string($0.rawValue) }),
                "title": .string(p.scenario.title ?? ""),
            ])
        }
        if p.radio.mode != .fixed { o.append("propagation", .object(radioJSON(p.radio))) }
        return o
    }

    func lonLat(_ c: Coordinate) -> JSONValue {
        let r = rounded(c)
        return [.number(r.x), .number(r.y)]
    }

    /// `c` rounded to `precision` decimals, as report.json writes positions.
    func rounded(_ c: Coordinate) -> Coordinate {
        let scale = pow(10, Double(precision))
        return Coordinate((c.x * scale).rounded() / scale, (c.y * scale).rounded() / scale)
    }

    func villageJSON(_ v: Village, _ r: VillageCoverage) -> JSONObject {
        var coverage = JSONObject()
        for (k, c) in CoverageClass.allCases.enumerated() { coverage.append(c.rawValue, .number(round6(r.fractions[k]))) }
        var ops = JSONObject()
        for (k, name) in result.operators.enumerated() { ops.append(name, .number(round6(r.operatorFractions[k]))) }
        var o: JSONObject = [
            "id": .string(v.id), "name": .string(v.name),
            "commune": v.commune.map(JSONValue.string) ?? .null, "district": v.district.map(JSONValue.string) ?? .null,
            "households": v.households.map(JSONValue.number) ?? .null,
            "area_m2": .number(round2(r.areaM2)),
            "center": lonLat(r.centre),
            "coverage": .object(coverage), "operators": .object(ops),
            "mobile_status": .string(r.mobileStatus.rawValue),
            "gap_area_m2": .number(round2(r.gaps.reduce(0) { $0 + $1.areaM2 })),
        ]
        o.append("fixed", r.fixed.map { f in
            ["status": .string(f.status.rawValue), "distance_m": .number(round2(f.distanceM)), "nearest": lonLat(f.nearest)]
        } ?? .null)
        if r.repairedShape != nil { o.append("repaired", true) }
        if result.parameters.radio.mode != .fixed { o.append("best_link", bestLinkJSON(r.bestLink)) }
        return o
    }

    // MARK: Gaps

    /// A village short of a target, and what it lacks.
    public struct Gap: Sendable {
        public var index: Int
        public var mobile: MobileStatus
        public var fixedUnavailable: Bool
    }

    /// Villages short of a target: uncovered first, then partial, then fixed-unavailable; input order within.
    public func gapEntries() -> [Gap] { Self.gapEntries(of: result.villages) }

    /// `gapEntries()` of any villages' results.
    static func gapEntries(of villages: [VillageCoverage]) -> [Gap] {
        gapEntries(count: villages.count) { (villages[$0].mobileStatus, villages[$0].fixed?.status == .unavailable) }
    }

    /// The gap entries of `count` villages, each given by its mobile status and whether fixed
    /// broadband is out of its reach: uncovered, partial, then covered villages short only of fixed
    /// broadband, each in village order (the order of a stable sort by status, worst first).
    static func gapEntries(count: Int, _ status: (Int) -> (mobile: MobileStatus, fixedUnavailable: Bool)) -> [Gap] {
        var uncovered: [Gap] = [], partial: [Gap] = [], fixedOnly: [Gap] = []
        for i in 0..<count {
            let (mobile, noFixed) = status(i)
            let gap = Gap(index: i, mobile: mobile, fixedUnavailable: noFixed)
            switch mobile {
            case .uncovered: uncovered.append(gap)
            case .partial: partial.append(gap)
            case .covered: if noFixed { fixedOnly.append(gap) }
            }
        }
        return uncovered + partial + fixedOnly
    }

    func gapJSON(_ g: Gap) -> JSONValue {
        let v = input.villages[g.index], r = result.villages[g.index]
        var short: [JSONValue] = []
        if g.mobile != .covered { short.append(.string("mobile_\(g.mobile.rawValue)")) }
        if g.fixedUnavailable { short.append("fixed_unavailable") }
        return [
            "id": .string(v.id), "name": .string(v.name),
            "commune": v.commune.map(JSONValue.string) ?? .null, "district": v.district.map(JSONValue.string) ?? .null,
            "mobile_status": .string(r.mobileStatus.rawValue), "mobile_coverage": .number(round6(r.fraction(.mobile))),
            "fixed_status": r.fixed.map { .string($0.status.rawValue) } ?? .null,
            "fibre_distance_m": r.fixed.map { .number(round2($0.distanceM)) } ?? .null,
            "short": .array(short),
        ]
    }

    // MARK: report.geojson

    /// simplestyle colours a map viewer shows without configuration.
    public static func style(_ s: MobileStatus) -> String {
        switch s {
        case .covered: return "#1a9641"
        case .partial: return "#fdae61"
        case .uncovered: return "#d7191c"
        }
    }

    /// An operator's name as a short ASCII attribute key: "op_viettel".
    static func operatorKey(_ name: String) -> String {
        "op_" + String(searchKey(name).map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    public func geojsonFeatures() -> [(properties: JSONObject, geometry: Shape?)] { geojsonFeatures(skipping: nil) }

    /// report.geojson's features; with `skipping` (per feature from the first: the villages, then
    /// the gap areas and fibre extensions; those past its end are made), the features it holds are
    /// empty (their text is copied from a previous run's, see ReportCopies.swift).
    public func geojsonFeatures(skipping: [Bool]?) -> [(properties: JSONObject, geometry: Shape?)] {
        let operatorKeys = result.operators.map(Self.operatorKey)
        func skipped(_ k: Int) -> Bool { Self.marked(skipping, k) }
        // A skipped feature's properties: one empty object for all (a literal each was most of the
        // work of a --since run's features, nearly all of them skipped).
        let none = JSONObject()
        var out = concurrentMap(input.villages.count, chunk: 256) { i -> (properties: JSONObject, geometry: Shape?) in
            if skipped(i) { return (none, nil) }
            let v = input.villages[i], r = result.villages[i]
            var p: JSONObject = [
                "kind": "village", "id": .string(v.id), "name": .string(v.name),
                "commune": v.commune.map(JSONValue.string) ?? .null, "district": v.district.map(JSONValue.string) ?? .null,
                "households": v.households.map(JSONValue.number) ?? .null,
                "area_m2": .number(round2(r.areaM2)), "status": .string(r.mobileStatus.rawValue),
            ]
            for (k, c) in CoverageClass.allCases.enumerated() {
                p.append(c == .mobile || c == .broadband ? c.rawValue : "cov_\(c.rawValue.lowercased())", .number(round6(r.fractions[k])))
            }
            for (k, key) in operatorKeys.enumerated() { p.append(key, .number(round6(r.operatorFractions[k]))) }
            p.append("fixed", r.fixed.map { .string($0.status.rawValue) } ?? .null)
            p.append("fibre_m", r.fixed.map { .number(round2($0.distanceM)) } ?? .null)
            p.append("fill", .string(Self.style(r.mobileStatus)))
            p.append("fill-opacity", 0.5)
            p.append("stroke", "#555555")
            p.append("stroke-width", 0.5)
            return (p, villageShape(i))
        }
        // Fields read in place: a copy of every village and its result costs a national run a tenth of a second.
        let villages = input.villages, results = result.villages
        for i in villages.indices where !results[i].gaps.isEmpty {
            let id = villages[i].id, name = villages[i].name
            for gap in results[i].gaps {
                if skipped(out.count) { out.append((none, nil)); continue }
                out.append(([
                    "kind": "mobile_gap", "village_id": .string(id), "name": .string(name),
                    "area_m2": .number(round2(gap.areaM2)),
                    "fill": "#d7191c", "fill-opacity": 0.7, "stroke": "#a50f15", "stroke-width": 1,
                ], gap.shape))
            }
        }
        for i in villages.indices {
            guard let f = results[i].fixed, f.status == .unavailable else { continue }
            if skipped(out.count) { out.append((none, nil)); continue }
            out.append(([
                "kind": "fibre_extension", "village_id": .string(villages[i].id), "name": .string(villages[i].name),
                "length_m": .number(round2(f.distanceM)),
                "stroke": "#7b3294", "stroke-width": 2,
            ], .lineString([f.nearest, results[i].centre])))
        }
        return out
    }

    public func geojson() -> [UInt8] {
        GeoJSONWriter(precision: precision).encode(geojsonFeatures())
    }

    // MARK: report.csv

    /// report.csv as Excel reads it (see `ReportTable.swift`).
    public func csv() -> [UInt8] { csv(dialect: .standard) }
}
