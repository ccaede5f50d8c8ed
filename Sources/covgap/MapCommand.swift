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
        Reads REPORT.json and the report.geojson beside it. Sites, fibre and places come from \
        --sites, --fibre and --places; without them, from the file of the name the report records \
        beside REPORT.json (or in the bundled data, for a report of the bundled data), used only \
        when its SHA-256 is the one the report records. No other path a report names is opened, \
        symbolic links beside the report are refused, and so is anything but a regular file.

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
    @OptionGroup var languageOption: LanguageOption

    func run() throws {
        let json = try JSONValue.parse(bytes: try InputFile.read(report), source: report)
        guard json["schema_version"] != nil, json["villages"]?.arrayValue != nil else {
            throw InputError(file: report, message: "not a covgap report.json (no schema_version or villages)")
        }
        let folder = (report as NSString).deletingLastPathComponent
        let geojsonPath = folder.isEmpty ? "report.geojson" : "\(folder)/report.geojson"
        let features = try GeoJSONReader.read(bytes: try InputFile.read(geojsonPath, followSymlinks: false), source: geojsonPath).features

        /// An input: the file given on the command line, else the one the report names, looked
        /// for beside the report (or in the bundled data) and used only when it is the file the
        /// report was made from. No other path in the report is opened: it may come from anyone.
        func input(_ role: String, _ override: String?) throws -> (path: String, bytes: [UInt8])? {
            if let override { return (override, try InputFile.read(override)) }
            guard let recorded = json["inputs"]?[role]?["path"]?.stringValue,
                  let sha = json["inputs"]?[role]?["sha256"]?.stringValue else { return nil }
            let name = (recorded as NSString).lastPathComponent
            guard !name.isEmpty, name != ".", name != ".." else { return nil }
            var path = folder.isEmpty ? name : "\(folder)/\(name)"
            if recorded == "\(BundledData.folder)/\(name)", let bundled = try? BundledData.locate() {
                path = "\(bundled)/\(name)"
            }
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            let bytes = try InputFile.read(path, followSymlinks: false)
            guard SHA256.hex(bytes) == sha else {
                FileHandle.standardError.writeLine("covgap: warning: \(terminalSafe(path)) is not the \(role) file the report was made from (SHA-256 differs); the map is drawn without it (give --\(role) FILE)")
                return nil
            }
            return (path, bytes)
        }
        var loader = InputLoader()
        let sectors = try input("sites", sites).map { try InputSet.sites(bytes: $0.bytes, path: $0.path).sectors } ?? []
        let fibreFeatures = try input("fibre", fibre).map { try loader.fibre(try GeoJSONReader.read(bytes: $0.bytes, source: $0.path), file: $0.path) }
        // Priority places, then the commune centres the report was made with (drawn apart from them).
        let placeLists = try ["places", "commune_centres"].compactMap { role in
            try input(role, role == "places" ? places : nil).map { try loader.places(try GeoJSONReader.read(bytes: $0.bytes, source: $0.path), file: $0.path) }
        }
        let placeList = placeLists.isEmpty ? nil : Array(placeLists.joined())
        var map = try MapData(report: json, features: features, sectors: sectors, fibre: fibreFeatures, places: placeList)
        map.language = languageOption.language
        let (files, warnings) = map.files()
        try OutputFolder(out ?? (folder.isEmpty ? "." : folder)).write(files)
        for w in warnings { FileHandle.standardError.writeLine("covgap: warning: \(w)") }
    }
}
