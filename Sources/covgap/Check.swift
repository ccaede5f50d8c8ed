import ArgumentParser
import Coverage
import Foundation
import CoverageGate
import CoverageReport
import GeoIO

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "CI gate: exit 1 when a requirement on report.json fails or a village regressed from a baseline.",
        discussion: """
        A requirement is FIGURE OP NUMBER on the report's summary, the `summary.` prefix left out: \
        mobile.covered_pct>=99.9, fixed.available_pct>=100, places.5g_pct>=100, mobile.uncovered<=1, \
        4G.covered_pct>=95, households.mobile_covered>=250000. Prefix district[NAME]. or commune[NAME]. \
        (or both) for one district or commune: district[Huyện An Lão].fixed.available_pct>=100, \
        commune[vinh kim].mobile.uncovered==0 (names match ignoring case and diacritics). \
        Operators: >= <= > < == !=.

        With --baseline, every village and priority place (matched by id) must be at least as good \
        as in the baseline: mobile covered > partial > uncovered, fixed available > unavailable, \
        5G yes > no. Villages only in one of the reports are listed but do not fail.

        Exit codes: 0 everything holds; 1 a requirement failed or something regressed; 2 bad usage \
        or an unreadable report.

        Examples:
          covgap check covgap-out/report.json --require 'fixed.available_pct>=100'
          covgap check new/report.json --baseline old/report.json --format junit
        """
    )

    @Argument(help: ArgumentHelp("The report.json to check.", valueName: "report.json"))
    var report: String

    @Option(name: .customLong("require"), help: ArgumentHelp("A requirement such as 'mobile.covered_pct>=99.9' (repeatable).", valueName: "expr"))
    var requirements: [String] = []

    @Option(help: ArgumentHelp("An earlier report.json: fail when any village or place is worse than in it.", valueName: "old.json"))
    var baseline: String?

    @Option(defaultAsFlag: "", help: ArgumentHelp("Every plan target as a requirement: those report.json was read against, or those of FILE (after the report: `check report.json --targets [FILE]`). Targets the report has no data for are listed and do not fail.", valueName: "file"))
    var targets: String? = nil

    @Option(help: "What to print: text, json, or junit (JUnit XML for CI test reports).")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, junit
    }

    func validate() throws {
        if requirements.isEmpty && baseline == nil && targets == nil {
            throw ValidationError("nothing to check: give at least one --require, --targets or a --baseline")
        }
    }

    func run() throws {
        var parsed = try requirements.map { text -> Requirement in
            do { return try Requirement(parsing: text) } catch let e as RequirementSyntaxError { throw UsageError(e.description) }
        }
        let reportJSON = try JSONValue.parse(path: report)
        let current = try SavedReport(reportJSON, source: report)
        let (targetRequirements, noData) = try targetOutcomes(reportJSON, current)
        parsed += targetRequirements
        let old = try baseline.map { try SavedReport(try JSONValue.parse(path: $0), source: $0) }
        let check = try ReportCheck(report: current, requirements: parsed, baseline: old)
        switch format {
        case .text:
            // Targets without data go before the closing count line.
            var lines = check.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines.insert(contentsOf: noData.map { "  n/a  \($0.id): \($0.expression): no data in the report" }, at: max(0, lines.count - 2))
            printText(lines.joined(separator: "\n"))
        case .json:
            var json = check.json()
            if targets != nil, case .object(var o) = json {
                // Targets the report has no data for: listed, neither holding nor failing.
                o.append("targets_without_data", .array(noData.map { ["id": .string($0.id), "expression": .string($0.expression)] }))
                json = .object(o)
            }
            FileHandle.standardOutput.write(Data(json.encoded(style: .pretty) + [0x0A]))
        case .junit: print(check.junit(), terminator: "")
        }
        if !check.holds {
            var failed = check.outcomes.filter { !$0.holds }.map { "\($0.requirement.expression) (\($0.summaryLine))" }
            if let b = check.baseline, !b.holds { failed.append("\(b.worse.count) regression\(b.worse.count == 1 ? "" : "s") from \(b.baselineSource)") }
            throw CheckFailure(message: "covgap: check failed: " + failed.joined(separator: "; "))
        }
    }

    /// The plan's targets as requirements (see `--targets`), and those the report has no data for.
    func targetOutcomes(_ json: JSONValue, _ current: SavedReport) throws -> ([Requirement], [PlanTarget]) {
        guard let targets else { return ([], []) }
        let set = targets.isEmpty ? try PlanTargets.recorded(in: json, source: report) : try PlanTargets.read(path: targets)
        if !targets.isEmpty { try TargetOptions.checkFigures(set) }
        return try set.requirements(for: current)
    }
}
