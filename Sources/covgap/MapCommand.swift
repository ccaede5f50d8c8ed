import ArgumentParser
import Coverage
import Foundation
import FileCommit
import CoverageMap
import GeoIO

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Draw report.html (and report.svg/.png) again from a report.",
        discussion: """
        Reads REPORT.json and the report.geojson beside it; sites, fibre and places come from the \
        files the report names in its inputs (or the options below).

        Examples:
          covgap map covgap-out/report.json            # report.html, .svg, .png again, beside the report
        """
    )

    @Argument(help: ArgumentHelp("report.json written by covgap analyze.", valueName: "report.json"))
    var report: String

    @Option(help: ArgumentHelp("Folder to write report.html, report.svg and report.png (default: the report's folder).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Sites file, instead of the one the report names.", valueName: "file"))
    var sites: String?
    @Option(help: ArgumentHelp("Fibre file, instead of the one the report names.", valueName: "file"))
    var fibre: String?
    @Option(help: ArgumentHelp("Priority places file, instead of the one the report names.", valueName: "file"))
    var places: String?

    func run() throws {
        let json = try JSONValue.parse(bytes: try InputFile.read(report), source: report)
        guard json["schema_version"] != nil, json["villages"]?.arrayValue != nil else {
            throw InputError(file: report, message: "not a covgap report.json (no schema_version or villages)")
        }
        let folder = (report as NSString).deletingLastPathComponent
        let geojsonPath = folder.isEmpty ? "report.geojson" : "\(folder)/report.geojson"
        let features = try GeoJSONReader.read(path: geojsonPath).features

        /// An input the report names: as recorded, else inside the bundled data folder.
        func inputPath(_ role: String, _ override: String?) -> String? {
            if let override { return override }
            guard let recorded = json["inputs"]?[role]?["path"]?.stringValue else { return nil }
            if FileManager.default.fileExists(atPath: recorded) { return recorded }
            if let bundled = try? BundledData.locate(), recorded.hasPrefix(BundledData.folder + "/") {
                return bundled + recorded.dropFirst(BundledData.folder.count)
            }
            return nil
        }
        var loader = InputLoader()
        let sectors = try inputPath("sites", sites).map { try InputSet.sites(at: $0).sectors } ?? []
        let fibreFeatures = try inputPath("fibre", fibre).map { try loader.fibre(try GeoJSONReader.read(path: $0), file: $0) }
        let placeList = try inputPath("places", places).map { try loader.places(try GeoJSONReader.read(path: $0), file: $0) }
        let map = try MapData(report: json, features: features, sectors: sectors, fibre: fibreFeatures, places: placeList)
        try OutputFolder(out ?? (folder.isEmpty ? "." : folder)).write(map.files())
    }
}
