import Foundation
import GeoIO

/// How a figure is compared with a target's goal.
public enum TargetComparison: String, Sendable, CaseIterable {
    case atLeast = ">=", atMost = "<=", above = ">", below = "<", equal = "=="

    public func holds(_ value: Double, _ goal: Double) -> Bool {
        switch self {
        case .atLeast: return value >= goal
        case .atMost: return value <= goal
        case .above: return value > goal
        case .below: return value < goal
        case .equal: return value == goal
        }
    }
}

/// One of a plan's targets: a figure of the report's summary, the plan's goal for it, and the
/// baseline the plan gives for an earlier year.
public struct PlanTarget: Sendable, Equatable {
    /// The plan's figure for an earlier year (Bình Định's 2024 status), where the plan gives one.
    public struct Baseline: Sendable, Equatable {
        public var value: Double
        public var year: Int?
        public var section: String?
        /// What the plan says was left, e.g. "làng O2".
        public var note: String?

        public init(value: Double, year: Int? = nil, section: String? = nil, note: String? = nil) {
            self.value = value; self.year = year; self.section = section; self.note = note
        }
    }

    public var id: String
    /// The label in English, for the text table and the map.
    public var label: String
    /// The label in Vietnamese (the plan's language), when the file gives one.
    public var labelVi: String?
    /// The summary figure it reads, as `check --require` names it: `mobile.covered_pct`.
    public var figure: String
    public var comparison: TargetComparison
    /// The threshold the figure is compared with: the plan's goal.
    public var goal: Double
    /// The year the goal is for (2025).
    public var year: Int?
    /// "%" for percentages, "Mb/s" for speeds, empty for counts.
    public var unit: String
    /// The part of the plan the goal comes from ("III").
    public var section: String?
    public var baseline: Baseline?
    /// For `places.*` figures: the place categories the target is required of; nil means every category.
    public var categories: [String]?

    public init(id: String, label: String, labelVi: String? = nil, figure: String, comparison: TargetComparison = .atLeast,
                goal: Double, year: Int? = nil, unit: String = "%", section: String? = nil, baseline: Baseline? = nil,
                categories: [String]? = nil) {
        self.id = id; self.label = label; self.labelVi = labelVi; self.figure = figure; self.comparison = comparison
        self.goal = goal; self.year = year; self.unit = unit; self.section = section; self.baseline = baseline
        self.categories = categories
    }

    /// The figure's path inside the summary: `["mobile", "covered_pct"]`.
    public var figurePath: [String] { figure.split(separator: ".").map(String.init) }

    /// The figure's value in a report's summary object; nil when the report has no such figure.
    public func value(in summary: JSONObject) -> Double? {
        JSONValue.object(summary).value(at: figurePath)?.doubleValue
    }

    /// Whether `value` meets the goal.
    public func met(_ value: Double) -> Bool { comparison.holds(value, goal) }

    /// The requirement `check --require` would take: "mobile.covered_pct>=100".
    public var expression: String { "\(figure)\(comparison.rawValue)\(jsonNumberText(goal))" }
}

/// A plan's targets, read from a targets file (see docs/targets.md).
public struct PlanTargets: Sendable, Equatable {
    /// The plan's name, when the file gives one.
    public var plan: String?
    /// The file as reports name it.
    public var source: String
    public var targets: [PlanTarget]

    public init(plan: String? = nil, source: String, targets: [PlanTarget]) {
        self.plan = plan; self.source = source; self.targets = targets
    }

    /// No targets: figures are printed without a goal beside them.
    public static let none = PlanTargets(source: "", targets: [])

    /// The name of the targets file in a data folder.
    public static let fileName = "targets.json"

    /// The categories a place must have 5G in: those of the `places.*` targets, or every category
    /// but commune centres when no target names them.
    public func requires5G(_ category: String) -> Bool {
        let named = targets.filter { $0.figure.hasPrefix("places.") }.compactMap(\.categories)
        if named.isEmpty { return category != CommuneCentres.category }
        return named.contains { $0.contains(category) }
    }

    /// Reads and checks a targets file. Errors name the file, the target (`targets[2]`) and the field.
    public static func read(_ bytes: [UInt8], source: String) throws -> PlanTargets {
        let json = try JSONValue.parse(bytes: bytes, source: source)
        guard let root = json.objectValue else {
            throw InputError(file: source, message: "must be a JSON object with a \"targets\" array (see docs/targets.md)")
        }
        let plan: String?
        switch root["plan"] {
        case nil, .null?: plan = nil
        case .string(let s)?: plan = nfc(s)
        case .object(let o)?: plan = o["en"]?.stringValue.map(nfc) ?? o["vi"]?.stringValue.map(nfc)
        default: throw InputError(file: source, field: "plan", message: "must be text or {\"en\": …, \"vi\": …}")
        }
        let goalYear = root["goal_year"]?.intValue
        let baselineYear = root["baseline_year"]?.intValue
        guard let list = root["targets"]?.arrayValue else {
            throw InputError(file: source, field: "targets", message: "missing or not an array")
        }
        var seen = Set<String>()
        let targets = try list.enumerated().map { i, t -> PlanTarget in
            func fail(_ field: String, _ message: String) -> InputError {
                InputError(file: source, location: "targets[\(i)]", field: field, message: message)
            }
            guard let o = t.objectValue else { throw fail("", "must be an object") }
            guard let id = o["id"]?.stringValue, !id.isEmpty else { throw fail("id", "missing; every target needs an id") }
            if !seen.insert(id).inserted { throw fail("id", "\"\(id)\" is used again; target ids must be unique") }
            let label: String, labelVi: String?
            switch o["label"] {
            case .string(let s)?: label = nfc(s); labelVi = nil
            case .object(let l)?:
                guard let en = l["en"]?.stringValue else { throw fail("label.en", "missing; the English label is required") }
                label = nfc(en); labelVi = l["vi"]?.stringValue.map(nfc)
            default: throw fail("label", "missing; give {\"en\": …, \"vi\": …}")
            }
            guard let figure = o["figure"]?.stringValue, !figure.isEmpty else {
                throw fail("figure", "missing; name a summary figure such as mobile.covered_pct")
            }
            let comparisonText = o["comparison"]?.stringValue ?? ">="
            guard let comparison = TargetComparison(rawValue: comparisonText) else {
                throw fail("comparison", "\"\(comparisonText)\" is not one of \(TargetComparison.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let goal = o["goal"]?.doubleValue else { throw fail("goal", "missing or not a number") }
            var baseline: PlanTarget.Baseline?
            switch o["baseline"] {
            case nil, .null?: baseline = nil
            case .number(let v)?: baseline = .init(value: v, year: baselineYear)
            case .object(let b)?:
                guard let v = b["value"]?.doubleValue else { throw fail("baseline.value", "missing or not a number") }
                baseline = .init(value: v, year: b["year"]?.intValue ?? baselineYear, section: b["section"]?.stringValue,
                                 note: b["note"]?.stringValue.map(nfc))
            default: throw fail("baseline", "must be a number or {\"value\": …, \"section\": …, \"note\": …}")
            }
            var categories: [String]?
            if let c = o["categories"], !c.isNull {
                guard let a = c.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else { throw fail("categories", "must be an array of category names") }
                categories = a.compactMap(\.stringValue)
            }
            if let u = o["unit"], u.stringValue == nil, !u.isNull { throw fail("unit", "must be text") }
            return PlanTarget(id: id, label: label, labelVi: labelVi, figure: figure, comparison: comparison, goal: goal,
                              year: o["year"]?.intValue ?? goalYear,
                              unit: o["unit"]?.stringValue ?? (figure.hasSuffix("_pct") ? "%" : ""),
                              section: o["section"]?.stringValue, baseline: baseline, categories: categories)
        }
        return PlanTargets(plan: plan, source: source, targets: targets)
    }

    /// Reads a targets file from disk.
    public static func read(path: String, display: String? = nil) throws -> PlanTargets {
        try read(try InputFile.read(path), source: display ?? path)
    }
}
