import ArgumentParser
import Coverage

/// "What if" options: count only some operators, or leave technologies out.
struct ScenarioOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Count only these operators' sites (and fibre), comma-separated, e.g. Viettel,VinaPhone.",
        discussion: "Names are matched ignoring case and diacritics. Fibre routes without an operator are kept.",
        valueName: "names"))
    var operators: String?

    @Option(help: ArgumentHelp("Leave a technology out, e.g. 2G (repeatable): what if 2G is switched off?", valueName: "tech"))
    var withoutTech: [String] = []

    func validate() throws {
        _ = try scenario()
    }

    /// The scenario as given (operators as typed; `Scenario.resolved` matches them to the input).
    func scenario() throws -> Scenario {
        var techs: Set<Tech> = []
        for t in withoutTech {
            guard let tech = Tech(parsing: t) else { throw ValidationError("--without-tech: unknown technology \"\(t)\"; use 2G, 3G, 4G or 5G") }
            techs.insert(tech)
        }
        let names = operators.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        if let names, names.isEmpty { throw ValidationError("--operators needs at least one operator name") }
        return Scenario(operators: names, withoutTech: techs)
    }

    /// The parameters with the scenario matched to `input`, and the input it filters.
    func apply(to input: AnalysisInput, parameters: AnalysisParameters) throws -> (AnalysisInput, AnalysisParameters) {
        var p = parameters
        p.scenario = try scenario().resolved(against: input)
        return (p.scenario.apply(to: input), p)
    }
}
