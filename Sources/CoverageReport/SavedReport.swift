import FileCommit
import Foundation
import GeoIO
import Coverage

/// A report.json read back, for `check` and `diff`: the summary as written, and each village's
/// and priority place's statuses and fractions.
public struct SavedReport: Sendable {
    public struct VillageEntry: Sendable {
        public var id: String
        public var name: String
        public var commune: String?
        public var district: String?
        public var households: Double?
        /// Fractions 0–1 by class (`mobile`, `broadband`, `2G`…), in the report's order.
        public var coverage: [(name: String, fraction: Double)]
        /// Mobile fraction by operator, in the report's order.
        public var operators: [(name: String, fraction: Double)]
        public var mobileStatus: MobileStatus
        /// nil when the analysis had no fibre layer.
        public var fixed: FixedStatus?
        public var fibreDistanceM: Double?
        /// `quality` by class ("4G", "5G", "fixed"), when the analysis had speed tests.
        public var quality: [String: (status: String, meanMbps: Double, tests: Double)] = [:]

        public func fraction(_ name: String) -> Double? { coverage.first { $0.name == name }?.fraction }

        /// "Làng O2 (Xã Vĩnh Kim, Huyện Vĩnh Thạnh)".
        public var label: String {
            let area = [commune, district].compactMap { $0 }
            return area.isEmpty ? name : "\(name) (\(area.joined(separator: ", ")))"
        }
    }

    public struct PlaceEntry: Sendable {
        public var id: String
        public var name: String
        public var category: String
        public var has5G: Bool
        public var coverage5G: Double?
        /// Whether the place counts in the places.* figures (report.json's `requires_5g`; reports
        /// without it counted every place but commune centres).
        public var requires5G: Bool
        /// Commune centres only: a sector covers the point; fibre within reach (nil without fibre).
        public var mobileCovered: Bool?
        public var fixedAvailable: Bool?
    }

    /// The path the report was read from, for messages.
    public var source: String
    public var summary: JSONObject
    public var villages: [VillageEntry]
    /// nil when the analysis had no priority places.
    public var places: [PlaceEntry]
    public var coveredMin: Double
    public var uncoveredMax: Double
    /// `inputs.villages` as recorded: the path as given to analyze, and the file's SHA-256.
    public var villagesPath: String?
    public var villagesSHA256: String?
    /// The scenario the run counted ("without 2G"), nil for a plain run.
    public var scenario: String?

    /// Reads a parsed report.json; errors name `source` and the member that is wrong.
    public init(_ json: JSONValue, source: String) throws {
        self.source = source
        func fail(_ field: String, _ message: String) -> InputError {
            InputError(file: source, field: field, message: message)
        }
        guard let root = json.objectValue, root["schema_version"] != nil, let summary = root["summary"]?.objectValue else {
            throw InputError(file: source, message: "not a covgap report.json (no schema_version and summary)")
        }
        let version = root["schema_version"]?.doubleValue
        guard version == Double(Report.schemaVersion) else {
            let found = version.map { String(format: "%g", $0) } ?? "not a number"
            throw fail("schema_version", "\(found); this covgap reads schema_version \(Report.schemaVersion) only")
        }
        // District and commune names in the summary are printed by check and diff too.
        func plain(_ v: JSONValue) -> Bool {
            switch v {
            case .string(let t): return firstControlCharacter(t) == nil
            case .array(let a): return a.allSatisfy(plain)
            case .object(let o): return o.allSatisfy { firstControlCharacter($0.key) == nil && plain($0.value) }
            default: return true
            }
        }
        guard plain(.object(summary)) else { throw fail("summary", "holds a control character; covgap never writes one") }
        self.summary = summary
        coveredMin = json["parameters"]?["covered_min"]?.doubleValue ?? AnalysisParameters().coveredMin
        uncoveredMax = json["parameters"]?["uncovered_max"]?.doubleValue ?? AnalysisParameters().uncoveredMax
        villagesPath = json["inputs"]?["villages"]?["path"]?.stringValue
        villagesSHA256 = json["inputs"]?["villages"]?["sha256"]?.stringValue
        scenario = json["parameters"]?["scenario"]?["title"]?.stringValue
        guard let vs = root["villages"]?.arrayValue else { throw fail("villages", "missing or not an array") }
        villages = try vs.enumerated().map { i, v in
            func bad(_ what: String) -> InputError { fail("villages[\(i)].\(what)", "missing or of the wrong type") }
            guard let id = v["id"]?.stringValue else { throw bad("id") }
            guard let name = v["name"]?.stringValue else { throw bad("name") }
            guard let status = v["mobile_status"]?.stringValue.flatMap(MobileStatus.init(rawValue:)) else { throw bad("mobile_status") }
            let fixed = v["fixed"]?["status"]?.stringValue.flatMap(FixedStatus.init(rawValue:))
            func fractions(_ key: String) -> [(String, Double)] {
                (v[key]?.objectValue ?? [:]).compactMap { m in m.value.doubleValue.map { (m.key, $0) } }
            }
            var entry = VillageEntry(id: id, name: name, commune: v["commune"]?.stringValue, district: v["district"]?.stringValue,
                                     households: v["households"]?.doubleValue, coverage: fractions("coverage"),
                                     operators: fractions("operators"), mobileStatus: status, fixed: fixed,
                                     fibreDistanceM: v["fixed"]?["distance_m"]?.doubleValue)
            for m in v["quality"]?.objectValue ?? [:] {
                guard let s = m.value["status"]?.stringValue else { continue }
                entry.quality[m.key] = (s, m.value["mean_mbps"]?.doubleValue ?? 0, m.value["tests"]?.doubleValue ?? 0)
            }
            return entry
        }
        var seen: [String: Int] = [:]
        for (i, v) in villages.enumerated() {
            if let first = seen[v.id] {
                throw fail("villages[\(i)].id", "\"\(v.id)\" is used again (first by villages[\(first)]); village ids must be unique")
            }
            seen[v.id] = i
            for (field, text) in [("id", v.id), ("name", v.name), ("commune", v.commune), ("district", v.district)] {
                if let text, firstControlCharacter(text) != nil {
                    throw fail("villages[\(i)].\(field)", "holds a control character; covgap never writes one")
                }
            }
        }
        places = try (root["priority_places"]?.arrayValue ?? []).enumerated().map { i, p in
            guard let id = p["id"]?.stringValue, let has5G = p["has_5g"]?.boolValue else {
                throw fail("priority_places[\(i)]", "needs id and has_5g")
            }
            let name = p["name"]?.stringValue ?? id, category = p["category"]?.stringValue ?? "other"
            if [id, name, category].contains(where: { firstControlCharacter($0) != nil }) {
                throw fail("priority_places[\(i)]", "holds a control character; covgap never writes one")
            }
            return PlaceEntry(id: id, name: name, category: category,
                              has5G: has5G, coverage5G: p["coverage_5g"]?.doubleValue,
                              requires5G: p["requires_5g"]?.boolValue ?? (category != CommuneCentres.category),
                              mobileCovered: p["mobile_covered"]?.boolValue, fixedAvailable: p["fixed_available"]?.boolValue)
        }
    }

    /// The status of a village for class `name`, from its fraction and the report's thresholds.
    public func status(_ v: VillageEntry, class name: String) -> MobileStatus? {
        if name == CoverageClass.mobile.rawValue { return v.mobileStatus }
        guard let f = v.fraction(name) else { return nil }
        if f >= coveredMin { return .covered }
        return f < uncoveredMax ? .uncovered : .partial
    }
}
