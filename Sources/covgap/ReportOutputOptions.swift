import ArgumentParser
import CoverageMap
import CoverageReport

extension ReportOutputs.Kind: ExpressibleByArgument {}
extension CSVDialect: ExpressibleByArgument {}

/// Which report files to write, and how report.csv is laid out.
struct ReportOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Report files to write, comma-separated: json, geojson, csv, gpkg (QGIS, styled), kmz (Google Earth), html (with the SVG and PNG).",
        discussion: "Default: json,geojson,csv,html. report.json is always made (--format json prints it) but written only when listed.",
        valueName: "list"))
    var outputs: String?

    @Option(help: "report.csv's layout: standard (commas, decimal points) or excel-vi (semicolons, decimal commas, for Excel set to Vietnamese). Both start with a UTF-8 byte-order mark.")
    var csvDialect: CSVDialect = .standard

    var kinds: Set<ReportOutputs.Kind> {
        guard let outputs else { return ReportOutputs.defaultKinds }
        return Set(outputs.split(separator: ",").compactMap { ReportOutputs.Kind(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
    }

    func validate() throws {
        guard let outputs else { return }
        let names = outputs.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let known = ReportOutputs.Kind.allCases.map(\.rawValue)
        if let bad = names.first(where: { !known.contains($0) }) {
            throw ValidationError("--outputs: \"\(bad)\" is not a report file; choose from \(known.joined(separator: ", "))")
        }
    }
}
