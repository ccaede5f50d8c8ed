import ArgumentParser
import Coverage
import Foundation
import FileCommit
import CoverageMap
import CoveragePlanner
import CoverageReport
import Geo
import GeoIO

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Overlay sector footprints and fibre on villages; write report.json, report.geojson, report.csv.",
        discussion: """
        With no input options it runs on the bundled Bình Định dataset (GeoData/binh-dinh). Every \
        output is written to a temporary file and renamed, so a failed run leaves the previous \
        report as it was.
        """
    )

    @OptionGroup var inputs: InputOptions
    @OptionGroup(title: "Input formats") var formats: InputFormatOptions
    @OptionGroup(title: "Report files") var reportFiles: ReportOutputOptions
    @OptionGroup var model: ModelOptions

    @Option(help: ArgumentHelp("Folder for the reports (created if missing).", valueName: "dir"))
    var out: String = "covgap-out"

    @Option(help: "Decimals of coordinates in report.geojson.")
    var precision: Int = 6

    @Option(help: "What to print on standard output: text (the gap table) or json (report.json).")
    var format: OutputFormat = .text

    @Flag(help: "Print nothing on standard output.")
    var quiet = false

    @Flag(help: "Print the time of each stage on standard error.")
    var timings = false

    @Flag(help: "Do not draw report.html, report.svg and report.png (faster on national-scale data; `covgap map` draws them later).")
    var noMap = false

    @Flag(help: "After the gap table, print what would close the gaps (as `covgap plan` does with one new site); on by default for the bundled data.")
    var plan = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be 0…15, got \(precision)") }
    }

    func run() throws {
        var clock = Date()
        func lap() -> Double { let now = Date(); defer { clock = now }; return now.timeIntervalSince(clock) }

        let loaded = try inputs.load(inputCRS: model.inputCRS, formats: formats)
        let readTime = lap()
        let result = try CoverageAnalysis(input: loaded.input, parameters: model.parameters).run()
        _ = lap()
        var result2 = result
        result2.warnings = loaded.warnings + result.warnings
        let report = Report(input: loaded.input, result: result2, files: loaded.files, precision: precision)
        var outputs = ReportOutputs(kinds: reportFiles.kinds, csvDialect: reportFiles.csvDialect)
        if outputs.kinds.contains(.gpkg) { outputs.plan = try PlanReport(input: loaded.input, result: result).geojsonFeatures() }
        let folder = try ReportFolder(report: report, input: loaded.input, precision: precision, map: !noMap, outputs: outputs)
        let json = folder.json
        let encodeTime = lap()
        try folder.write(to: out)
        let writeTime = lap()

        for w in result2.warnings.prefix(20) { FileHandle.standardError.write("covgap: warning: \(w)\n") }
        if result2.warnings.count > 20 {
            FileHandle.standardError.write("covgap: … and \(result2.warnings.count - 20) more warnings, all in report.json\n")
        }
        if timings {
            let t = result.timings
            let stages = [("read", readTime), ("footprints", t.footprints), ("index", t.index), ("overlay", t.overlay),
                          ("fibre", t.fibre), ("places", t.places), ("encode", encodeTime), ("write", writeTime)]
            FileHandle.standardError.write("timings: " + stages.map { "\($0.0) \(String(format: "%.3f", $0.1)) s" }.joined(separator: ", ") + "\n")
        }
        if quiet { return }
        switch format {
        case .text: print(report.text(), terminator: "")
            if plan || inputs.usesBundledData {
                print(try PlanReport(input: loaded.input, result: result).text(), terminator: "")
            }
        case .json: FileHandle.standardOutput.write(Data(json))
        }
    }
}
