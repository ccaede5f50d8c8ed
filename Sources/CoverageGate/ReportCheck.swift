import Foundation
import GeoIO
import CoverageReport
import Coverage

// MARK: Requirements

/// A requirement on a summary figure of report.json, such as `mobile.covered_pct>=99.9` or
/// `district[Huyện An Lão].fixed.available_pct>=100`.
public struct Requirement: Sendable, Hashable {
    public enum Comparison: String, Sendable, CaseIterable {
        case atLeast = ">=", atMost = "<=", equal = "==", notEqual = "!=", above = ">", below = "<"

        func holds(_ actual: Double, _ limit: Double) -> Bool {
            switch self {
            case .atLeast: return actual >= limit
            case .atMost: return actual <= limit
            case .equal: return actual == limit
            case .notEqual: return actual != limit
            case .above: return actual > limit
            case .below: return actual < limit
            }
        }
    }

    /// Where a figure is read: the whole report, or a district's or commune's entry.
    public struct Scope: Sendable, Hashable {
        public var district: String?
        public var commune: String?
    }

    /// The expression as written.
    public var expression: String
    public var scope: Scope
    /// The figure's path inside the (scoped) summary, canonical spelling: `["4G", "covered_pct"]`.
    public var figure: [String]
    public var comparison: Comparison
    public var limit: Double

    public var figureName: String { figure.joined(separator: ".") }

    /// Every figure name a requirement may use (docs/model.md §4's summary), places only for the whole report.
    public static func figureNames(scoped: Bool) -> [String] {
        var names = ["villages"]
        for c in CoverageClass.allCases {
            names += ["covered", "partial", "uncovered", "covered_pct", "any_signal_pct"].map { "\(c.rawValue).\($0)" }
        }
        names += ["fixed.available", "fixed.unavailable", "fixed.available_pct",
                  "households.total", "households.mobile_covered", "households.fixed_available",
                  "households.mobile_pct", "households.fixed_available_pct"]
        if !scoped { names += ["places.total", "places.with_5g", "places.5g_pct"] + planFigureNames }
        return names
    }

    /// The valid figures, grouped: "mobile|broadband|2G|… .{covered,partial,…}".
    public static func figureHelp(scoped: Bool) -> String {
        var lines = ["valid figures: villages",
                     "  " + CoverageClass.allCases.map(\.rawValue).joined(separator: "|") + ".{covered,partial,uncovered,covered_pct,any_signal_pct}",
                     "  fixed.{available,unavailable,available_pct}",
                     "  households.{total,mobile_covered,fixed_available,mobile_pct,fixed_available_pct}"]
        if !scoped { lines += ["  places.{total,with_5g,5g_pct}"] + planFigureHelp }
        return lines.joined(separator: "\n")
    }

    /// Parses an expression; a `RequirementSyntaxError` gives the column where it broke.
    public init(parsing text: String) throws {
        var p = RequirementParser(text)
        self = try p.parse()
    }

    init(expression: String, scope: Scope, figure: [String], comparison: Comparison, limit: Double) {
        self.expression = expression; self.scope = scope; self.figure = figure; self.comparison = comparison; self.limit = limit
    }
}

/// A malformed requirement: the expression, the 1-based column (in characters) and what was expected.
public struct RequirementSyntaxError: Error, CustomStringConvertible, Sendable {
    public var expression: String
    public var column: Int
    public var message: String
    /// Printed after the caret line: the valid figures, for an unknown one.
    public var hint: String?

    /// `--require 'mobile.covered_pct>>99': expected a number at column 20`, then the expression
    /// again with a caret under the column.
    public var description: String {
        "--require '\(expression)': \(message) at column \(column)\n  \(expression)\n  \(String(repeating: " ", count: column - 1))^"
            + (hint.map { "\n" + $0 } ?? "")
    }
}

private struct RequirementParser {
    let text: String
    let chars: [Character]
    var i = 0

    init(_ text: String) {
        self.text = text
        chars = Array(text)
    }

    func fail(_ message: String, at index: Int? = nil, hint: String? = nil) -> RequirementSyntaxError {
        RequirementSyntaxError(expression: text, column: (index ?? i) + 1, message: message, hint: hint)
    }

    mutating func skipSpaces() { while i < chars.count, chars[i].isWhitespace { i += 1 } }

    static func isNameCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }

    mutating func word() -> String {
        let start = i
        while i < chars.count, Self.isNameCharacter(chars[i]) { i += 1 }
        return String(chars[start..<i])
    }

    mutating func parse() throws -> Requirement {
        var scope = Requirement.Scope()
        skipSpaces()
        // Scopes: district[…]. and/or commune[…].
        while true {
            let start = i
            let w = word()
            skipSpaces()
            guard i < chars.count, chars[i] == "[" else { i = start; break }
            let kind = w.lowercased()
            guard kind == "district" || kind == "commune" else {
                throw fail("'\(w)[' is not a scope (use district[name] or commune[name])", at: start)
            }
            if (kind == "district" ? scope.district : scope.commune) != nil {
                throw fail("\(kind)[…] is given twice", at: start)
            }
            let open = i
            i += 1
            let nameStart = i
            while i < chars.count, chars[i] != "]" { i += 1 }
            guard i < chars.count else { throw fail("missing ] to close \(kind)[", at: open) }
            let name = String(chars[nameStart..<i]).trimmingCharacters(in: .whitespaces)
            if name.isEmpty { throw fail("expected a \(kind) name", at: nameStart) }
            if kind == "district" { scope.district = nfc(name) } else { scope.commune = nfc(name) }
            i += 1
            skipSpaces()
            guard i < chars.count, chars[i] == "." else { throw fail("expected '.' and a figure after \(kind)[\(name)]") }
            i += 1
            skipSpaces()
        }
        // The figure: words joined by dots.
        let figureStart = i
        var parts: [String] = []
        repeat {
            if !parts.isEmpty { i += 1 }
            let w = word()
            if w.isEmpty {
                throw fail(parts.isEmpty ? "expected a figure such as mobile.covered_pct" : "expected a name after '.'")
            }
            parts.append(w)
        } while i < chars.count && chars[i] == "."
        let scoped = scope.district != nil || scope.commune != nil
        let valid = Requirement.figureNames(scoped: scoped)
        guard let figure = valid.first(where: { $0.lowercased() == parts.joined(separator: ".").lowercased() }) else {
            let what = parts.joined(separator: ".")
            let placesNote = scoped && what.lowercased().hasPrefix("places.") ? " (places figures exist only for the whole report)" : ""
            throw fail("unknown figure '\(what)'\(placesNote)", at: figureStart, hint: Requirement.figureHelp(scoped: scoped))
        }
        skipSpaces()
        // The comparison, two-character operators first.
        let rest = String(chars[i..<min(i + 2, chars.count)])
        guard let comparison = Requirement.Comparison.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else {
            throw fail("expected a comparison (>=, <=, >, <, ==, !=)" + (rest.hasPrefix("=") ? "; use == for equality" : ""))
        }
        i += comparison.rawValue.count
        skipSpaces()
        // The number.
        let numberStart = i
        while i < chars.count, chars[i].isASCII, chars[i].isNumber || "+-.eE".contains(chars[i]) { i += 1 }
        let numberText = String(chars[numberStart..<i])
        guard !numberText.isEmpty, let limit = InputLoader.number(numberText) else {
            throw fail("expected a number", at: numberStart)
        }
        skipSpaces()
        if i < chars.count { throw fail("unexpected '\(chars[i])' after the number") }
        return Requirement(expression: text, scope: scope, figure: figure.split(separator: ".").map(String.init),
                           comparison: comparison, limit: limit)
    }
}

// MARK: Evaluation

/// A village or priority place that keeps a requirement from holding, or that regressed.
public struct Offender: Sendable, Hashable {
    public enum Kind: String, Sendable { case village, place }
    public var kind: Kind
    public var id: String
    /// Name with commune and district, for people.
    public var label: String
    /// What is short: "mobile partial (62.3 % covered)", or for a regression "mobile: covered → partial".
    public var detail: String

    public var line: String { "\(kind.rawValue) \(id) \(label): \(detail)" }
}

/// One requirement evaluated on a report.
public struct RequirementOutcome: Sendable {
    public var requirement: Requirement
    /// The district or commune the scope resolved to, as named in the report.
    public var scopeName: String?
    public var actual: Double
    public var holds: Bool
    /// When it does not hold: the villages or places behind the figure.
    public var offenders: [Offender]

    /// "mobile.covered_pct = 99.8 (needs >= 99.9)".
    public var summaryLine: String {
        let where_ = scopeName.map { " in \($0)" } ?? ""
        return "\(requirement.figureName)\(where_) = \(jsonNumberText(actual))" +
            (holds ? "" : " (needs \(requirement.comparison.rawValue) \(jsonNumberText(requirement.limit)))")
    }
}

/// Villages and places that are worse in a report than in a baseline report.
public struct BaselineComparison: Sendable {
    public var baselineSource: String
    /// Offenders whose detail reads "mobile: covered → partial"; one per regressed aspect.
    public var worse: [Offender]
    /// Villages and places only in the new report, or only in the baseline (listed, never failing).
    public var added: [Offender]
    public var removed: [Offender]
    public var holds: Bool { worse.isEmpty }

    public init(old: SavedReport, new: SavedReport) {
        baselineSource = old.source
        worse = []; added = []; removed = []
        let oldVillages = Dictionary(old.villages.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newIDs = Set(new.villages.map(\.id))
        for v in new.villages {
            guard let o = oldVillages[v.id] else {
                added.append(Offender(kind: .village, id: v.id, label: v.label, detail: "only in the new report"))
                continue
            }
            if v.mobileStatus > o.mobileStatus {
                worse.append(Offender(kind: .village, id: v.id, label: v.label,
                                      detail: "mobile: \(o.mobileStatus.rawValue) → \(v.mobileStatus.rawValue)"))
            }
            if o.fixed == .available && v.fixed == .unavailable {
                worse.append(Offender(kind: .village, id: v.id, label: v.label, detail: "fixed: available → unavailable"))
            }
        }
        for o in old.villages where !newIDs.contains(o.id) {
            removed.append(Offender(kind: .village, id: o.id, label: o.label, detail: "only in the baseline"))
        }
        let oldPlaces = Dictionary(old.places.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newPlaceIDs = Set(new.places.map(\.id))
        for p in new.places {
            guard let o = oldPlaces[p.id] else {
                added.append(Offender(kind: .place, id: p.id, label: p.name, detail: "only in the new report"))
                continue
            }
            if o.has5G && !p.has5G {
                worse.append(Offender(kind: .place, id: p.id, label: p.name, detail: "5G: yes → no"))
            }
        }
        for o in old.places where !newPlaceIDs.contains(o.id) {
            removed.append(Offender(kind: .place, id: o.id, label: o.name, detail: "only in the baseline"))
        }
    }
}

/// `covgap check`: requirements on a report's figures, and optionally no regression from a baseline.
public struct ReportCheck: Sendable {
    public var report: SavedReport
    public var outcomes: [RequirementOutcome]
    public var baseline: BaselineComparison?

    public var holds: Bool { outcomes.allSatisfy(\.holds) && (baseline?.holds ?? true) }

    /// Evaluates `requirements` on `report` (and compares with `baseline` when given). A figure the
    /// report lacks (fixed figures of an analysis without fibre), or a scope naming no district or
    /// several, is an `InputError`.
    public init(report: SavedReport, requirements: [Requirement], baseline: SavedReport? = nil) throws {
        self.report = report
        outcomes = try requirements.map { try Self.evaluate($0, on: report) }
        self.baseline = baseline.map { BaselineComparison(old: $0, new: report) }
    }

    static func evaluate(_ r: Requirement, on report: SavedReport) throws -> RequirementOutcome {
        func fail(_ message: String) -> InputError {
            InputError(file: report.source, message: "--require '\(r.expression)': \(message)")
        }
        var group = report.summary
        var scopeName: String?
        var district: String?, commune: String?
        if let d = r.scope.district {
            let entry = try match(d, kind: "district", in: report.summary["districts"]?.arrayValue ?? [], fail)
            district = entry["name"]?.stringValue
            group = entry
            scopeName = district
        }
        if let c = r.scope.commune {
            var communes = report.summary["communes"]?.arrayValue ?? []
            if let district { communes = communes.filter { $0["district"]?.stringValue == district } }
            let entry = try match(c, kind: "commune", in: communes, fail)
            commune = entry["name"]?.stringValue
            district = entry["district"]?.stringValue
            group = entry
            scopeName = [commune, district].compactMap { $0 }.joined(separator: ", ")
        }
        guard let actual = JSONValue.object(group).value(at: r.figure)?.doubleValue else {
            let section = r.figure[0]
            let why = ["fixed": " (the analysis had no fibre layer)", "places": " (the analysis had no priority places)",
                       "households": " (the villages have no households)"][section] ?? ""
            throw fail("the report has no \(r.figureName)\(why)")
        }
        let holds = r.comparison.holds(actual, r.limit)
        let members = report.villages.filter { v in
            (district == nil || v.district == district) && (commune == nil || v.commune == commune)
        }
        return RequirementOutcome(requirement: r, scopeName: scopeName, actual: actual, holds: holds,
                                  offenders: holds ? [] : offenders(of: r.figure, villages: members, report: report))
    }

    /// The one district or commune whose name matches `query` ignoring case and diacritics: an
    /// exact match first, else the only name containing it.
    static func match(_ query: String, kind: String, in entries: [JSONValue], _ fail: (String) -> InputError) throws -> JSONObject {
        let key = searchKey(query)
        let named = entries.compactMap { e -> (String, JSONObject)? in
            guard let o = e.objectValue, let n = o["name"]?.stringValue else { return nil }
            return (n, o)
        }
        func label(_ o: JSONObject) -> String {
            [o["name"]?.stringValue, o["district"]?.stringValue].compactMap { $0 }.joined(separator: ", ")
        }
        var found = named.filter { searchKey($0.0) == key }
        // Else whole words: "vinh kim" finds "Xã Vĩnh Kim", "an" does not find "Xã Hoài Thanh".
        if found.isEmpty { found = named.filter { " \(searchKey($0.0)) ".contains(" \(key) ") } }
        if found.count == 1 { return found[0].1 }
        if found.isEmpty {
            let some = named.prefix(8).map(\.0).joined(separator: ", ")
            throw fail("no \(kind) is named \"\(query)\" (the report has \(named.count): \(some)\(named.count > 8 ? ", …" : ""))")
        }
        let hint = kind == "commune" ? "; add district[…] before commune[…]" : ""
        let shown = found.prefix(10).map { label($0.1) }.joined(separator: "; ") + (found.count > 10 ? "; …" : "")
        throw fail("\"\(query)\" matches \(found.count) \(kind)s: \(shown)\(hint)")
    }

    /// The villages (or places) behind a figure: those not covered for `covered_pct`, uncovered for
    /// `any_signal_pct`, without fibre for `fixed.*`, without 5G for `places.*`.
    static func offenders(of figure: [String], villages: [SavedReport.VillageEntry], report: SavedReport) -> [Offender] {
        let section = figure[0], item = figure.count > 1 ? figure[1] : ""
        func village(_ v: SavedReport.VillageEntry, _ detail: String) -> Offender {
            Offender(kind: .village, id: v.id, label: v.label, detail: detail)
        }
        func noFibre(_ v: SavedReport.VillageEntry) -> Offender? {
            guard v.fixed == .unavailable else { return nil }
            return village(v, "no fibre" + (v.fibreDistanceM.map { " (\(km($0)) away)" } ?? ""))
        }
        switch section {
        case "places":
            return report.places.filter { $0.requires5G && !$0.has5G }.map {
                Offender(kind: .place, id: $0.id, label: $0.name, detail: "no 5G (\($0.category))")
            }
        case "fixed":
            return villages.compactMap(noFibre)
        case "households":
            if item.hasPrefix("fixed_available") { return villages.compactMap(noFibre) }
            if item.hasPrefix("mobile") { return offenders(of: ["mobile", "covered"], villages: villages, report: report) }
            return []
        case "commune_centres", "quality":
            return planOffenders(of: figure, villages: villages, report: report)
        case "villages":
            return []
        default:
            let wanted: (MobileStatus) -> Bool
            switch item {
            case "partial": wanted = { $0 == .partial }
            case "uncovered", "any_signal_pct": wanted = { $0 == .uncovered }
            default: wanted = { $0 != .covered }
            }
            return villages.compactMap { v in
                guard let s = report.status(v, class: section), wanted(s) else { return nil }
                return village(v, "\(section) \(s.rawValue) (\(pct(100 * (v.fraction(section) ?? 0))) covered)")
            }
        }
    }
}

// MARK: Output

extension ReportCheck {
    /// How many offenders a text or JUnit listing shows per requirement (JSON has them all).
    static let listed = 50

    public var failureCount: Int { outcomes.filter { !$0.holds }.count + (baseline?.holds == false ? 1 : 0) }
    public var testCount: Int { outcomes.count + (baseline == nil ? 0 : 1) }

    static func listing(_ offenders: [Offender], indent: String) -> String {
        var s = offenders.prefix(listed).map { "\(indent)\($0.line)\n" }.joined()
        if offenders.count > listed { s += "\(indent)… and \(offenders.count - listed) more\n" }
        return s
    }

    public func text() -> String {
        var out = "covgap check \(report.source)\n"
        for o in outcomes {
            out += "  \(o.holds ? "ok  " : "FAIL") \(o.requirement.expression): \(o.summaryLine)\n"
            out += Self.listing(o.offenders, indent: "         ")
        }
        if let b = baseline {
            out += "  \(b.holds ? "ok  " : "FAIL") no village or place worse than \(b.baselineSource)" +
                (b.holds ? "\n" : ": \(b.worse.count) regression\(b.worse.count == 1 ? "" : "s")\n")
            out += Self.listing(b.worse, indent: "         ")
            if !b.added.isEmpty { out += "       added (\(b.added.count)):\n" + Self.listing(b.added, indent: "         ") }
            if !b.removed.isEmpty { out += "       removed (\(b.removed.count)):\n" + Self.listing(b.removed, indent: "         ") }
        }
        out += holds ? "All \(testCount) checks hold.\n" : "\(failureCount) of \(testCount) checks failed.\n"
        return out
    }

    public func json() -> JSONValue {
        func offenders(_ list: [Offender]) -> JSONValue {
            .array(list.map { ["kind": .string($0.kind.rawValue), "id": .string($0.id), "label": .string($0.label), "detail": .string($0.detail)] })
        }
        var o = JSONObject()
        o.append("holds", .bool(holds))
        o.append("report", .string(report.source))
        o.append("requirements", .array(outcomes.map { r in
            [
                "expression": .string(r.requirement.expression),
                "scope": r.scopeName.map(JSONValue.string) ?? .null,
                "figure": .string(r.requirement.figureName),
                "operator": .string(r.requirement.comparison.rawValue),
                "value": .number(r.requirement.limit),
                "actual": .number(r.actual),
                "holds": .bool(r.holds),
                "offenders": offenders(r.offenders),
            ]
        }))
        o.append("baseline", baseline.map { b in
            ["path": .string(b.baselineSource), "holds": .bool(b.holds), "worse": offenders(b.worse),
             "added": offenders(b.added), "removed": offenders(b.removed)]
        } ?? .null)
        return .object(o)
    }

    /// JUnit XML: one test suite, one test case per requirement and one for the baseline comparison.
    public func junit() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"covgap check\" tests=\"\(testCount)\" failures=\"\(failureCount)\" errors=\"0\">\n"
        out += "  <testsuite name=\"\(xmlEscape(report.source))\" tests=\"\(testCount)\" failures=\"\(failureCount)\" errors=\"0\" skipped=\"0\">\n"
        func testcase(_ classname: String, _ name: String, failure: String?, body: String) {
            out += "    <testcase classname=\"\(classname)\" name=\"\(xmlEscape(name))\""
            guard let failure else { out += "/>\n"; return }
            out += ">\n      <failure message=\"\(xmlEscape(failure))\" type=\"\(classname)\">\(xmlEscape(body))</failure>\n    </testcase>\n"
        }
        for o in outcomes {
            testcase("covgap.require", o.requirement.expression, failure: o.holds ? nil : o.summaryLine,
                     body: Self.listing(o.offenders, indent: ""))
        }
        if let b = baseline {
            testcase("covgap.baseline", "no village or place worse than \(b.baselineSource)",
                     failure: b.holds ? nil : "\(b.worse.count) regression\(b.worse.count == 1 ? "" : "s") from the baseline",
                     body: Self.listing(b.worse, indent: ""))
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }
}
