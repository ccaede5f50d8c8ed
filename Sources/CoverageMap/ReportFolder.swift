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
    public init(report: Report, input: AnalysisInput, precision: Int, map: Bool, progress: StageProgress? = nil) throws {
        progress?.start("encode", total: map ? 5 : 3)
        defer { progress?.finish() }
        let reportJSON = report.json()
        let features = report.geojsonFeatures()
        var svg: [UInt8] = []
        var page: MapData?
        if map {
            var m = try MapData(
                report: reportJSON,
                features: features.enumerated().map { Feature(index: $0, properties: $1.properties, geometry: $1.geometry) },
                sectors: input.sectors, fibre: input.fibre, places: input.places)
            m.language = report.language
            svg = Array(m.svg().utf8)
            png = PNGConverter.start(svg: svg)
            page = m
        }
        let (reports, tables) = try sideBySide({
            [("report.json", reportJSON.encoded(style: .pretty) + [0x0A]),
             ("report.geojson", GeoJSONWriter(precision: precision).encode(features))]
        }, {
            [("report.csv", report.csv())] + (page.map { [("report.svg", svg), ("report.html", Array($0.html().utf8))] } ?? [])
        })
        files = reports + tables
    }

    /// Writes every file into `folder`, all or none.
    public func write(to folder: String, progress: StageProgress? = nil) throws {
        progress?.start("write", total: files.count + (png == nil ? 0 : 1))
        defer { progress?.finish() }
        try OutputFolder(folder).write(files, then: png.map { job in [("report.png", { job.wait() })] } ?? [])
    }

    /// The names of the files `write` puts in the folder (report.png only when it was drawn).
    public var names: [String] { files.map(\.name) + (png == nil ? [] : ["report.png"]) }
}
