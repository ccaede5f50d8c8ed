import Coverage
import CoverageReport
import FileCommit
import Foundation
import Geo
import GeoIO

/// Every file of an analysis's report folder, encoded on both cores and staged in the new
/// folder as soon as each is made (the bytes of one file are let go once written; report.geojson
/// is written in pieces as it is encoded): report.json, report.geojson, report.csv and, unless
/// left out, the map (report.svg, report.html and report.png).
public struct ReportFolder {
    /// report.json's bytes, when asked to keep them (for `--format json`).
    public private(set) var json: [UInt8]?
    /// The PNG, still being drawn by rsvg-convert; staged by `commit`.
    var png: PNGConverter.Job?
    /// The names of the files staged by `init`, in a fixed order.
    let staged: [String]

    /// Encodes the reports into `staging`. The map's SVG comes first, so that rsvg-convert can
    /// draw the PNG while the reports and the page are encoded and written.
    public init(report: Report, input: AnalysisInput, precision: Int, map: Bool, outputs: ReportOutputs = ReportOutputs(),
                keepJSON: Bool = false, into staging: StagedFolder, progress: StageProgress? = nil) throws {
        progress?.start("encode", total: map ? 5 : 3)
        defer { progress?.finish() }
        let kinds = outputs.kinds
        var reportJSON: JSONValue? = report.json()
        var features: [(properties: JSONObject, geometry: Shape?)]? = report.geojsonFeatures()
        var svg: [UInt8] = []
        var page: MapData?
        if map && kinds.contains(.html) {
            // The coordinates as report.geojson writes them, so that `covgap map` redraws the same page.
            let written = concurrentMap(features!.count, chunk: 256) { [features] i in
                Feature(index: i, properties: features![i].properties, geometry: features![i].geometry.map { Self.asWritten($0, decimals: precision) })
            }
            var m = try MapData(
                report: reportJSON!, features: written,
                sectors: input.sectors, fibre: input.fibre, places: input.places)
            m.language = report.language
            svg = Array(m.svg().utf8)
            png = PNGConverter.start(svg: svg)
            page = m
        }
        // Lane A lets go of report.json's tree, its bytes and the features as soon as it is done
        // with them, while lane B still builds the page.
        let (json, _) = try sideBySide({ () throws -> [UInt8]? in
            var json: [UInt8]? = reportJSON!.encoded(style: .pretty) + [0x0A]
            reportJSON = nil
            if kinds.contains(.json) { try staging.add("report.json", bytes: json!) }
            if !keepJSON { json = nil }
            if kinds.contains(.geojson) {
                try staging.add("report.geojson") { sink in try GeoJSONWriter(precision: precision).encode(features!) { try sink.write($0) } }
            }
            if !kinds.contains(.gpkg) { features = nil }
            return json
        }, {
            if kinds.contains(.csv) { try staging.add("report.csv", bytes: report.csv(dialect: outputs.csvDialect)) }
            if let page {
                try staging.add("report.svg", bytes: svg)
                try staging.add("report.html") { sink in try page.html { try sink.write($0) } }
            }
        })
        self.json = json
        page = nil
        if kinds.contains(.gpkg) {
            try staging.add("report.gpkg", bytes: try ReportLayers.geopackage(report: report, features: features!, plan: outputs.plan))
        }
        features = nil
        if kinds.contains(.kmz) { try staging.add("report.kmz", bytes: try ReportLayers.kmz(report: report)) }
        let made: [(ReportOutputs.Kind, String)] = [(.json, "report.json"), (.geojson, "report.geojson"), (.csv, "report.csv"),
                                                    (.html, "report.svg"), (.html, "report.html"), (.gpkg, "report.gpkg"), (.kmz, "report.kmz")]
        staged = made.filter { kind, name in kinds.contains(kind) && (kind != .html || map) }.map(\.1)
    }

    /// `shape` with every coordinate as it reads back from `decimals` decimals.
    static func asWritten(_ shape: Shape, decimals: Int) -> Shape {
        shape.mapCoordinates { c in Coordinate(writtenValue(c.x, decimals), writtenValue(c.y, decimals)) }
    }

    /// Waits for the PNG and stages it (left out when rsvg-convert failed or is missing), then
    /// puts the staged set in place of the folder's. Returns a warning when the PNG failed.
    public func commit(_ staging: StagedFolder, progress: StageProgress? = nil) throws -> [String] {
        progress?.start("write", total: names.count)
        defer { progress?.finish() }
        if let bytes = png?.wait() { try staging.add("report.png", bytes: bytes) }
        try staging.commit()
        return png?.failure.map { [$0] } ?? []
    }

    /// The names of the files in the folder, in a fixed order (report.png when it was drawn; after
    /// `commit`, or when it is being drawn).
    public var names: [String] { staged + (png == nil || png?.failure != nil ? [] : ["report.png"]) }
}
