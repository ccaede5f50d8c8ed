import ArgumentParser
import Console
import CoverageMap
import FileCommit
import Foundation
import GeoIO

struct AtlasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas",
        abstract: "A printable atlas: one A4 page per district (or commune) with its map, figures and gap villages.",
        discussion: """
        Reads report.json and report.geojson from REPORT_DIR (as written by analyze) and writes one \
        PDF. Pages come worst first: the areas with uncovered villages, then partial coverage, then \
        villages without fibre. The colours stay apart when printed in grey, and uncovered villages \
        are also named in bold under the map.

        Examples:
          covgap atlas covgap-out                       # atlas.pdf in covgap-out, a page per district
          covgap atlas covgap-out --by commune --out communes.pdf
        """
    )

    @Argument(help: ArgumentHelp("Folder holding report.json and report.geojson.", valueName: "report-dir"))
    var reportDir: String

    @Option(help: "One page per district or per commune.")
    var by: Atlas.Grouping = .district

    @Option(help: ArgumentHelp("The PDF to write (default: atlas.pdf in the report folder).", valueName: "file"))
    var out: String?
    @OptionGroup var languageOption: LanguageOption

    func run() throws {
        let reportPath = reportDir + "/report.json"
        let json = try JSONValue.parse(bytes: try InputFile.read(reportPath), source: reportPath)
        guard json["schema_version"] != nil, json["villages"]?.arrayValue != nil else {
            throw InputError(file: reportPath, message: "not a covgap report.json (no schema_version or villages)")
        }
        let features = try GeoJSONReader.read(path: reportDir + "/report.geojson").features
        var map = try MapData(report: json, features: features, sectors: [], fibre: nil, places: nil, detail: .drawing)
        map.language = languageOption.language
        let pages = Atlas.pages(map: map, report: json, by: by)
        guard !pages.isEmpty else { throw InputError(file: reportPath, message: "the report has no villages to draw") }
        let pdf = try PDFConverter.pdf(pages: pages.map(\.svg))
        let target = out ?? reportDir + "/atlas.pdf"
        try AtomicFile.write(pdf, to: target)
        ProgressPrinter().note("wrote \(target): \(pages.count) pages, one per \(by.rawValue)")
    }
}

extension Atlas.Grouping: ExpressibleByArgument {}
