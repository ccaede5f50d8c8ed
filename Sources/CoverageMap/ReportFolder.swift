import Coverage
import CoverageReport
import FileCommit
import Foundation
import Geo
import GeoIO

/// Every file of an analysis's report folder, encoded on both cores: report.json, report.geojson,
/// report.csv and, unless left out, the map (report.svg, report.html and report.png).
public struct ReportFolder {
    /// The files ready to write, in the order they are staged.
    public var files: [(name: String, bytes: [UInt8])]
    /// The PNG, still being drawn by rsvg-convert; staged last.
    public var png: PNGConverter.Job?

    /// report.json's bytes, for `--format json`.
    public var json: [UInt8] { files[0].bytes }

    /// Encodes the reports. The map's SVG comes first, so that rsvg-convert can draw the PNG
    /// while the reports and the page are encoded and written.
    public init(report: Report, input: AnalysisInput, precision: Int, map: Bool, outputs: ReportOutputs = ReportOutputs(),
                progress: StageProgress? = nil) throws {
        progress?.start("encode", total: map ? 5 : 3)
        defer { progress?.finish() }
        let reportJSON = report.json()
        let features = report.geojsonFeatures()
        var svg: [UInt8] = []
        var page: MapData?
        if map && outputs.kinds.contains(.html) {
            // The coordinates as report.geojson writes them, so that `covgap map` redraws the same page.
            let written = concurrentMap(features.count, chunk: 256) { i in
                Feature(index: i, properties: features[i].properties, geometry: features[i].geometry.map { Self.asWritten($0, decimals: precision) })
            }
            var m = try MapData(
                report: reportJSON, features: written,
                sectors: input.sectors, fibre: input.fibre, places: input.places)
            m.language = report.language
            svg = Array(m.svg().utf8)
            png = PNGConverter.start(svg: svg)
            page = m
        }
        let (reports, tables) = try sideBySide({
            [("report.json", reportJSON.encoded(style: .pretty) + [0x0A]),
             ("report.geojson", outputs.kinds.contains(.geojson) ? GeoJSONWriter(precision: precision).encode(features) : [])]
        }, {
            [("report.csv", outputs.kinds.contains(.csv) ? report.csv(dialect: outputs.csvDialect) : [])]
                + (page.map { [("report.svg", svg), ("report.html", Array($0.html().utf8))] } ?? [])
        })
        // report.json stays first (for --format json) even when it is not written.
        files = (reports + tables).filter { name, _ in
            ReportOutputs.Kind(rawValue: String(name.dropFirst("report.".count))).map(outputs.kinds.contains) ?? true
                || name == "report.json" || name == "report.svg"
        }
        keepsJSON = outputs.kinds.contains(.json)
        if outputs.kinds.contains(.gpkg) {
            files.append(("report.gpkg", try ReportLayers.geopackage(report: report, features: features, plan: outputs.plan)))
        }
        if outputs.kinds.contains(.kmz) { files.append(("report.kmz", try ReportLayers.kmz(report: report))) }
    }

    /// `shape` with every coordinate as it reads back from `decimals` decimals.
    static func asWritten(_ shape: Shape, decimals: Int) -> Shape {
        shape.mapCoordinates { c in Coordinate(writtenValue(c.x, decimals), writtenValue(c.y, decimals)) }
    }

    /// Whether report.json is written (it is always encoded).
    var keepsJSON = true

    /// Writes every file into `folder`, all or none.
    public func write(to folder: String, progress: StageProgress? = nil) throws {
        progress?.start("write", total: files.count + (png == nil ? 0 : 1))
        defer { progress?.finish() }
        try OutputFolder(folder).write(keepsJSON ? files : Array(files.dropFirst()), then: png.map { job in [("report.png", { job.wait() })] } ?? [])
    }

    /// The names of the files `write` puts in the folder (report.json only when asked for,
    /// report.png only when it was drawn).
    public var names: [String] { (keepsJSON ? files : Array(files.dropFirst())).map(\.name) + (png == nil ? [] : ["report.png"]) }
}
