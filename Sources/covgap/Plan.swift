import ArgumentParser
import Coverage
import FileCommit
import Foundation
import CoveragePlanner
import CoverageReport
import Geo
import GeoIO

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Propose where to build new sites, how much fibre to lay, and which 4G sites to upgrade to 5G.",
        discussion: """
        Reads the same inputs as analyze (the bundled Bình Định data when none are given) and runs \
        the analysis first. New sites are chosen one at a time (a greedy maximal covering): among \
        candidate points inside the mobile gaps (a point on each gap and a grid at a fifth of the \
        radius), or the --candidates you give, each pick is the one that brings the most households \
        to covered status, then the most villages, then the most gap area. Fibre: the extension to each village without fixed broadband, straight or \
        along --corridors, costed at --fibre-cost-per-km (an assumption: replace it with your own \
        figure). 5G: the nearest 4G site of each operator to each priority place without 5G.

        Examples:
          covgap plan --new-sites 3                     # on the bundled data
          covgap plan --villages v.geojson --sites s.csv --corridors roads.geojson
        """
    )

    @OptionGroup var inputs: InputOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup(title: "Scenarios") var scenario: ScenarioOptions
    @OptionGroup(title: "Radio model") var radio: RadioOptions
    @OptionGroup var languageOption: LanguageOption

    @Option(parsing: .unconditional, help: "How many new sites to propose at most (0–10000).")
    var newSites: Int = 1

    @Option(help: "Technology of the proposed sites (2G, 3G, 4G, 5G).")
    var tech: String = "4G"

    @Option(parsing: .unconditional, help: ArgumentHelp("Coverage radius of a proposed site, metres (default: the tech's radius; up to 100000).", valueName: "m"))
    var radius: Double?

    @Option(name: .customLong("operator"), help: "Operator written in the proposed sites.csv rows.")
    var operatorName: String = "Proposed"

    @Option(help: ArgumentHelp("Only consider these places for new sites: GeoJSON points (e.g. land the province owns).", valueName: "file"))
    var candidates: String?

    @Option(help: ArgumentHelp("Roads, power lines… fibre may follow: GeoJSON lines.", valueName: "file"))
    var corridors: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Join a corridor's loose end to another corridor this close, metres (0–10000).", valueName: "m"))
    var snapTolerance: Double = 5

    @Option(parsing: .unconditional, help: ArgumentHelp("Cost of new fibre, VND per km (default an assumption: 150 million; up to 1e12).", valueName: "VND"))
    var fibreCostPerKm: Double = 150_000_000

    @Option(help: ArgumentHelp("Write the proposed sites as sites.csv rows (with header) to this file.", valueName: "file"))
    var sitesCSVOut: String?

    @Option(help: "What to print: text (a readable plan), json, or geojson (sites, footprints, fibre routes).")
    var format: OutputFormat = .text

    @Option(help: "Decimals of coordinates in GeoJSON and JSON positions.")
    var precision: Int = 6

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, geojson
    }

    func validate() throws {
        try OptionRanges.check("new-sites", Double(newSites), OptionRanges.newSites)
        guard Tech(parsing: tech) != nil else { throw ValidationError("--tech \(tech) is not one of 2G, 3G, 4G, 5G") }
        if let radius { try OptionRanges.check("radius", radius, OptionRanges.radius) }
        try OptionRanges.check("snap-tolerance", snapTolerance, OptionRanges.snapTolerance)
        try OptionRanges.check("fibre-cost-per-km", fibreCostPerKm, OptionRanges.fibreCost)
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be 0…15, got \(precision)") }
    }

    func run() throws {
        let loaded = try inputs.load(inputCRS: model.inputCRS)
        var loader = InputLoader(inputCRS: model.inputCRS.map(canonicalCRS))
        var options = PlanOptions()
        options.newSites = newSites
        options.tech = Tech(parsing: tech)!
        options.radius = radius
        options.operatorName = operatorName
        options.snapTolerance = snapTolerance
        options.fibreCostPerKm = fibreCostPerKm
        if let candidates {
            options.candidates = try loader.candidateSites(try GeoJSONReader.read(bytes: try InputFile.read(candidates), source: candidates),
                                                           file: candidates)
        }
        if let corridors {
            options.corridors = try loader.corridors(try GeoJSONReader.read(bytes: try InputFile.read(corridors), source: corridors),
                                                     file: corridors)
        }
        let radioParameters = try radio.parameters(model.parameters, bundled: inputs.usesBundledData ? try BundledData.locate() : nil)
        let (input, parameters) = try scenario.apply(to: loaded.input, parameters: radioParameters)
        let result = try CoverageAnalysis(input: input, parameters: parameters).run()
        for w in (loaded.warnings + loader.warnings + result.warnings).prefix(20) {
            FileHandle.standardError.writeLine("covgap: warning: \(w)")
        }
        let report = PlanReport(plan: try GapPlanner(input: input, result: result, options: options).run(),
                                precision: precision)
        if let sitesCSVOut { try AtomicFile.write(report.sitesCSV(), to: sitesCSVOut) }
        switch format {
        case .text: printText(report.text(language: languageOption.language))
        case .json: FileHandle.standardOutput.write(Data(report.json().encoded(style: .pretty) + [0x0A]))
        case .geojson: FileHandle.standardOutput.write(Data(report.geojson()))
        }
    }
}
