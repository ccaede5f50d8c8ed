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
    /// The previous run's PNG, taken as it is because the picture it was drawn from is the same.
    var keptPNG: [UInt8]?
    /// The new folder the files go into.
    let staging: StagedFolder
    /// The report files in the order they are named ("wrote …"); the side file is not one of them.
    static let order = ["report.json", "report.geojson", "report.csv", "report.svg", "report.html", "report.gpkg", "report.kmz", "report.png"]

    /// Encodes the reports into `staging`. The map's SVG comes first, so that rsvg-convert can
    /// draw the PNG while the reports and the page are encoded and written.
    /// `sideFile` makes the state a later `--since` run reuses; it is made and written (in pieces)
    /// by whichever encoding lane is free. `since` is a previous run's report folder: when its
    /// report.svg is byte for byte this run's, its report.png is this run's too and is not drawn again.
    /// With `pictureFirst`, this process gives rsvg-convert a core once it has started (its own
    /// threads' priority lowered for the rest of the run): the PNG, one process on one core, is
    /// then drawn beside the reports rather than after them.
    public init(report: Report, input: AnalysisInput, precision: Int, map: Bool, outputs: ReportOutputs = ReportOutputs(),
                sideFile: (() -> IncrementalState)? = nil, since: String? = nil, keepJSON: Bool = false, pictureFirst: Bool = false,
                into staging: StagedFolder, progress: StageProgress? = nil) throws {
        progress?.start("encode", total: map ? 5 : 3)
        defer { progress?.finish() }
        self.staging = staging
        let kinds = outputs.kinds
        var reportJSON: JSONValue? = report.json()
        var features: [(properties: JSONObject, geometry: Shape?)]? = report.geojsonFeatures()
        var svg: [UInt8] = []
        var page: MapData?
        if map && kinds.contains(.html) {
            var m = try MapData(report: reportJSON!, features: features!, writtenWith: precision,
                                sectors: input.sectors, fibre: input.fibre, places: input.places)
            m.language = report.language
            svg = Array(m.svg().utf8)
            if let since, let kept = Self.keptPicture(in: since, svg: svg) { keptPNG = kept } else { png = PNGConverter.start(svg: svg) }
            if pictureFirst && png != nil { givePriorityAway(steps: Self.pictureFirstSteps) }
            page = m
        }
        // Lane A lets go of report.json's tree, its bytes and the features as soon as it is done
        // with them, while lane B builds the page; the side file and report.csv are taken, one at
        // a time, by the lane that is free first.
        var spare: [() throws -> Void] = []
        if let sideFile { spare.append { try staging.add(IncrementalState.fileName) { sink in try sideFile().encode { try sink.write($0) } } } }
        if kinds.contains(.csv) { spare.append { try staging.add("report.csv", bytes: report.csv(dialect: outputs.csvDialect)) } }
        let next = Locked(0)
        func takeSpare() throws {
            while true {
                var k = 0
                next.update { k = $0; $0 += 1 }
                guard k < spare.count else { return }
                try spare[k]()
            }
        }
        let (json, _) = try sideBySide({ () throws -> [UInt8]? in
            var json: [UInt8]? = reportJSON!.encoded(style: .pretty) + [0x0A]
            reportJSON = nil
            if kinds.contains(.json) { try staging.add("report.json", bytes: json!) }
            if !keepJSON { json = nil }
            if kinds.contains(.geojson) {
                try staging.add("report.geojson") { sink in try GeoJSONWriter(precision: precision).encode(features!) { try sink.write($0) } }
            }
            if !kinds.contains(.gpkg) { features = nil }
            try takeSpare()
            return json
        }, {
            if let made = page {
                try staging.add("report.svg", bytes: svg)
                try staging.add("report.html") { sink in try made.html { try sink.write($0) } }
            }
            // Let go here, while the other lane may still be busy.
            page = nil
            try takeSpare()
        })
        self.json = json
        if kinds.contains(.gpkg) {
            try staging.add("report.gpkg", bytes: try ReportLayers.geopackage(report: report, features: features!, plan: outputs.plan))
        }
        features = nil
        if kinds.contains(.kmz) { try staging.add("report.kmz", bytes: try ReportLayers.kmz(report: report)) }
    }

    /// Nice levels this process steps down for the PNG: at 5 the two encoding lanes together weigh
    /// less than rsvg-convert (335 + 335 against 1024 in Linux's weights), so it gets a core alone.
    static let pictureFirstSteps: Int32 = 5

    /// The PNG of the report folder `folder` when its report.svg is `svg`, byte for byte (the same
    /// picture draws the same PNG); nil when either file is missing or not a regular file, the
    /// pictures differ or the PNG is not whole.
    static func keptPicture(in folder: String, svg: [UInt8]) -> [UInt8]? {
        func read(_ name: String) -> [UInt8]? {
            try? InputFile.read((folder as NSString).appendingPathComponent(name), followSymlinks: false, binary: true)
        }
        guard read("report.svg") == svg, let png = read("report.png"), PNGConverter.isWhole(png) else { return nil }
        return png
    }

    /// Waits for the PNG and stages it (left out when rsvg-convert failed or is missing), then
    /// puts the staged set in place of the folder's. Returns a warning when the PNG failed.
    public func commit(progress: StageProgress? = nil) throws -> [String] {
        progress?.start("write", total: names.count + (png == nil && keptPNG == nil ? 0 : 1))
        defer { progress?.finish() }
        if let bytes = keptPNG ?? png?.wait() { try staging.add("report.png", bytes: bytes) }
        try staging.commit()
        return png?.failure.map { [$0] } ?? []
    }

    /// The report files staged so far, in a fixed order (after `commit`: those in the folder).
    public var names: [String] {
        let staged = Set(staging.names)
        return Self.order.filter(staged.contains)
    }
}
