import ArgumentParser
import Coverage
import FileCommit
import Foundation
import CoverageGate
import CoverageReport
import GeoIO

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Villages and priority places whose status or coverage changed between two report.json files.",
        discussion: """
        Changes are grouped worse (a status dropped: mobile covered > partial > uncovered, fixed \
        available > unavailable, 5G yes > no), better (a status rose, none dropped) and moved (only \
        a coverage fraction of a class or an operator changed, by more than --tolerance). Villages \
        and places are matched by id. Exit 0 whatever changed; use `covgap check --baseline` to fail a build.

        Examples:
          covgap diff old/report.json covgap-out/report.json
          covgap diff old/report.json new/report.json --geojson changed.geojson
        """
    )

    @Argument(help: ArgumentHelp("The earlier report.json.", valueName: "old.json"))
    var old: String

    @Argument(help: ArgumentHelp("The later report.json.", valueName: "new.json"))
    var new: String

    @Option(parsing: .unconditional, help: "Smallest change of a coverage fraction (0–1) that counts; 0.01 is one percentage point.")
    var tolerance: Double = 0.01

    @Option(help: "What to print: text or json.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Also write the changed villages' polygons as GeoJSON here.", valueName: "file"))
    var geojson: String?

    @Option(help: ArgumentHelp("Villages GeoJSON the new report was made from, for --geojson (default: the bundled villages when the report used them).", valueName: "file"))
    var villages: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        guard tolerance >= 0 && tolerance < 1 else { throw ValidationError("--tolerance must be in [0, 1), got \(tolerance)") }
        if villages != nil && geojson == nil { throw ValidationError("--villages is only used with --geojson") }
    }

    func run() throws {
        let oldReport = try SavedReport(try JSONValue.parse(path: old), source: old)
        let newReport = try SavedReport(try JSONValue.parse(path: new), source: new)
        let diff = ReportDiff(old: oldReport, new: newReport, tolerance: tolerance)
        if let geojson { try writeMap(diff, report: newReport, to: geojson) }
        switch format {
        case .text: printText(diff.text())
        case .json: FileHandle.standardOutput.write(Data(diff.json().encoded(style: .pretty) + [0x0A]))
        }
    }

    func writeMap(_ diff: ReportDiff, report: SavedReport, to path: String) throws {
        let villagesPath: String
        if let villages {
            villagesPath = villages
        } else if report.villagesPath == "\(BundledData.folder)/villages.geojson" {
            villagesPath = "\(try BundledData.locate())/villages.geojson"
        } else {
            throw UsageError("--geojson needs --villages: \(report.source) was made from \(report.villagesPath ?? "an unrecorded villages file"), not the bundled data")
        }
        let bytes = try InputFile.read(villagesPath)
        if let recorded = report.villagesSHA256, recorded != SHA256.hex(bytes) {
            FileHandle.standardError.writeLine("covgap: warning: \(villagesPath) is not the file \(report.source) was made from (SHA-256 differs); villages are matched by id")
        }
        var loader = InputLoader()
        let shapes = try loader.villages(try GeoJSONReader.read(bytes: bytes, source: villagesPath), file: villagesPath)
        let (features, missing) = diff.geojsonFeatures(shapes: shapes)
        if !missing.isEmpty {
            FileHandle.standardError.writeLine("covgap: warning: \(missing.count) changed village\(missing.count == 1 ? " is" : "s are") not in \(villagesPath): \(missing.prefix(10).joined(separator: ", "))")
        }
        try AtomicFile.write(GeoJSONWriter().encode(features), to: path)
    }
}
