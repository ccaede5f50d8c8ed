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
    /// The bands of the map's image drawn for report.png, and all its bands (the others were taken
    /// from the previous run's image); nil when no image was drawn.
    public private(set) var pictureBands: (drawn: Int, of: Int)?
    /// Whether the frame's image (all of report.png but the map's shapes) was taken from the
    /// previous run instead of drawn.
    public private(set) var frameTaken = false
    /// Of the map's villages, and of its gap areas and fibre extensions, how many took their outline
    /// from the previous run's (`previousOutlines`); nil without them.
    public private(set) var outlinesTaken: (villages: (taken: Int, of: Int), others: (taken: Int, of: Int))?
    /// Whether the map's district and commune labels were taken from the previous run's.
    public private(set) var labelsTaken = false
    /// Per report file whose text was partly copied from a `--since` folder: the pieces copied
    /// (entries, features, rows) and the file's pieces.
    public private(set) var copied: [String: (copied: Int, of: Int)] = [:]
    /// The new folder the files go into.
    let staging: StagedFolder
    /// The report files in the order they are named ("wrote …"); the side file is not one of them.
    public static let order = ["report.json", "report.geojson", "report.csv", "report.svg", "report.html", "report.gpkg", "report.kmz", "report.png"]

    /// Encodes the reports into `staging` on two lanes: lane A writes report.json and
    /// report.geojson from the start, lane B makes the map. The map's SVG comes first in lane B,
    /// so that rsvg-convert can draw the PNG while the reports and the page are encoded and written.
    /// `sideFile` makes the state a later `--since` run reuses; it is made and written (in pieces)
    /// on a thread of its own beside the lanes. `since` is a previous run's report folder: when its
    /// report.svg is byte for byte this run's and its report.png has the digest its side file kept,
    /// that report.png is this run's too and is not put together again.
    /// With `pictureFirst`, this process gives rsvg-convert a core once it has started on the frame
    /// (its own threads' priority lowered for the rest of the run): the frame, one process on one
    /// core, is then drawn beside the reports rather than after them.
    /// `copies` (a `--since` run) holds the previous folder's text of the villages whose text is
    /// unchanged: it is copied into report.json, report.geojson and report.csv instead of encoded.
    /// `digests` records the digest of each report file the side file's layout describes, with the
    /// identity of the file written (`DigestCache`), for a later `--since` run's check of it.
    /// `previousPicture` (a `--since` run) is what the previous run kept of report.png: the map's
    /// image, whose bands with unchanged shapes are taken instead of drawn, the frame's image, taken
    /// when the frame is the same, and the PNG's compressed bands, taken where their pixels are the
    /// same (`PNGConverter.start(_:previous:)`). `previousPage` (a `--since`
    /// run) is the previous run's report.html: the chunks of the map's payload whose keys it holds
    /// take their text from there. `previousOutlines` (a `--since` run) are the previous run's map
    /// outlines: a feature (village, gap area, fibre extension) whose text is copied takes its own from there.
    /// `previousLabels` (a `--since` run) are the previous run's map labels, taken when placed from
    /// the same villages. `mapSites` are the map's sites of `input`'s sectors, when made already
    /// (or being made ahead).
    public init(report: Report, input: AnalysisInput, precision: Int, map: Bool, outputs: ReportOutputs = ReportOutputs(),
                sideFile: (() -> IncrementalState)? = nil, since: String? = nil, copies: ReportCopies? = nil,
                previousPicture: PNGConverter.Previous? = nil, previousPage: PreviousPage? = nil,
                previousOutlines: KeptOutlines? = nil, previousLabels: KeptLabels? = nil, mapSites: MapSites? = nil, keepJSON: Bool = false,
                pictureFirst: Bool = false, digests: DigestCache? = nil, into staging: StagedFolder, progress: StageProgress? = nil) throws {
        progress?.start("encode", total: map ? 5 : 3)
        defer { progress?.finish() }
        self.staging = staging
        let kinds = outputs.kinds
        // The entries and features of villages whose text is copied are not made (the map's data
        // makes what it draws of them from the report itself).
        let drawsMap = ReportOutputs.drawsMap(map, kinds: kinds)
        // The side file ends with where each village's text lies in the report files and the map's
        // image (for a later `--since`), so its end waits for them. It is made and written on a
        // thread of its own from the start: its encoding goes on while the lanes wait for the disk.
        let layout = sideFile == nil ? nil
            : LayoutCollector(context: report.layoutContext(csvDialect: outputs.csvDialect),
                              expecting: [kinds.contains(.json), kinds.contains(.geojson), kinds.contains(.csv), drawsMap].filter { $0 }.count,
                              raster: drawsMap, staging: staging, digests: digests, previousRaster: previousPicture?.raster,
                              previousOutlines: previousOutlines)
        let side = sideFile.map { make in
            BackgroundTask {
                try staging.add(IncrementalState.fileName) { sink in
                    let state = make()
                    try state.encode(layout: { layout?.wait() }) { try sink.write($0) }
                    // The villages' results of a national run: tens of milliseconds to free, waited for.
                    letGoBeside(state)
                }
            }
        }
        let villageCount = input.villages.count
        func copiedVillages(_ plan: CopyPlan?) -> [Bool]? { plan?.copied(first: villageCount) }
        let copied = Locked<[String: (copied: Int, of: Int)]>([:])
        func copyPlan(_ name: String, _ make: @escaping (ReportCopies, PreviousText) -> CopyPlan) -> Once<CopyPlan?> {
            Once {
                guard let c = copies, let source = c.previousText(name) else { return nil }
                let plan = make(c, source)
                copied.update { $0[name] = (plan.pieces.reduce(0) { $0 + ($1 == nil ? 0 : 1) }, plan.pieces.count) }
                return plan
            }
        }
        // Where report.json's and report.geojson's text is copied from a `--since` folder, made by
        // the first that needs it.
        let copyJSON = kinds.contains(.json) ? copyPlan("report.json") { report.jsonCopyPlan($0, source: $1) } : nil
        // The previous run's feature of report.geojson each feature's text comes from: its copy plan's
        // pieces, and the features whose map outlines are taken.
        let geojsonPieces = Once { copies.map { report.geojsonPieces($0) } }
        let copyGeoJSON = kinds.contains(.geojson) ? copyPlan("report.geojson") { _, source in CopyPlan(source: source, pieces: geojsonPieces.value!) } : nil
        // The map's data is made from report.json's tree and the features, both made side by side
        // and without the villages whose text is copied (report.gpkg has every feature); the tree
        // without the gap entries whose text is copied too (the map reads none).
        var reportJSON: JSONValue?, features: [(properties: JSONObject, geometry: Shape?)]?
        if drawsMap {
            (reportJSON, features) = concurrentPair({ report.json(skipping: copyJSON?.value?.copied()) }, {
                report.geojsonFeatures(skipping: kinds.contains(.gpkg) ? nil : copiedVillages(copyGeoJSON?.value))
            })
        }
        // Lane B makes the map (its data, the picture, the PNG's start, then the page) while lane
        // A writes the reports: it holds report.json's tree and the features until the map's data
        // is made from them, so that lane A can let go of its own as soon as it is done.
        var mapSource = drawsMap ? (json: reportJSON!, features: features!) : nil
        var picturePNG: (job: PNGConverter.Job?, kept: [UInt8]?) = (nil, nil)
        var bands: (drawn: Int, of: Int)?
        var frameTaken = false
        var outlinesTaken: (villages: (taken: Int, of: Int), others: (taken: Int, of: Int))?
        var labelsTaken = false
        // How many features report.geojson has (the map's data draws them all).
        let featureCount = features?.count ?? 0
        func mapData() throws -> MapData? {
            defer { mapSource = nil }
            guard let source = mapSource else { return nil }
            return try MapData(report: report, json: source.json, features: source.features, writtenWith: precision,
                               sites: mapSites ?? MapSites(sectors: input.sectors), fibre: input.fibre, places: input.places,
                               kept: previousOutlines, previous: geojsonPieces.value ?? [], labels: previousLabels)
        }
        // The map's data in the report's language; nil without a map.
        func makeMap() throws -> MapData? {
            guard var m = try mapData() else { layout?.set(raster: nil); return nil }
            m.language = report.language
            if previousOutlines != nil {
                outlinesTaken = ((m.outlinesTaken.villages, m.villageCount), (m.outlinesTaken.others, m.gaps.count + m.extensions.count))
            }
            labelsTaken = m.labelsTaken
            return m
        }
        // The map's picture (report.svg) and the PNG's start.
        func drawPicture(_ m: MapData) throws {
            let picture = m.picture()
            let svg = Array(picture.svg.utf8)
            // The map's image and how the PNG was put together, for the side file (none without
            // rsvg-convert, as no PNG is drawn).
            let image: KeptRaster?
            let kept: @Sendable () -> KeptPicture?
            if let since, let previous = previousPicture, let raster = previous.raster, let made = previous.picture,
               Self.samePicture(in: since, svg: svg), let png = previous.keptPNG() {
                // The same picture: the previous run's PNG is this one's, put together the same way.
                picturePNG.kept = png
                image = raster
                kept = { made }
            } else {
                let started = PNGConverter.start(picture, previous: previousPicture)
                frameTaken = started.frameTaken
                picturePNG.job = started.job
                bands = started.raster.map { ($0.drawn, $0.kept.bands.count) }
                image = started.raster?.kept
                let job = started.job
                kept = { job?.keptPicture() }
            }
            // Every feature of report.geojson is one of the map's, in order: their outlines are kept for a later run.
            let everyFeature = m.villageCount == villageCount && m.villageCount + m.gaps.count + m.extensions.count == featureCount
            layout?.set(raster: image?.whole, picture: kept, outlines: everyFeature ? m.keptOutlines(drawn: picture) : nil, labels: m.keptLabels,
                        features: geojsonPieces.value ?? [])
            // rsvg-convert, when it draws the frame, gets a core of its own.
            if pictureFirst && picturePNG.job != nil && !frameTaken { givePriorityAway(steps: Self.pictureFirstSteps) }
            try staging.add("report.svg", bytes: svg)
        }
        // The page (report.html): it draws from the outlines.
        func writePage(_ made: MapData) throws {
            var m = made
            m.dropPictureShapes()
            try staging.add("report.html", hashedFor: layout) { (write: (UnsafeRawBufferPointer) throws -> Void) in
                let page = try m.html(previous: previousPage, into: write)
                if previousPage != nil { copied.update { $0["report.html"] = (page.copied, page.chunks.count) } }
                // The keys go with the page's layout: set before the file is added to it.
                layout?.set(pageChunks: page.chunks.map(\.key))
                return page.chunks.map(\.range)
            }
            letGoBeside(m)
        }
        // Lane A lets go of report.json's tree, its bytes and the features as soon as it is done
        // with them, while lane B builds the page; report.csv is taken by the lane that is free first.
        var spare: [() throws -> Void] = []
        // report.json (its tree, text and file), kept when asked for.
        let jsonMade = Locked<[UInt8]?>(nil)
        func writeJSON() throws {
            let copyJSON = copyJSON?.value
            // Made here (no map), the tree leaves out every entry whose text is copied.
            if case .none = reportJSON { reportJSON = report.json(skipping: copyJSON?.copied()) }
            // The text goes to the file as it is made (and is kept whole only when asked for).
            var kept: [UInt8]? = keepJSON ? [] : nil
            if kinds.contains(.json) {
                try staging.add("report.json", hashedFor: layout) { write in
                    try report.jsonText(reportJSON!, copy: copyJSON) { bytes in
                        kept? += bytes
                        try write(bytes)
                    }
                }
            } else if keepJSON {
                kept = report.jsonText(reportJSON!, copy: nil).text
            }
            reportJSON = nil
            if let kept { jsonMade.update { $0 = kept } }
        }
        // A `--since` run without the map copies most text: lane A writes report.geojson (the
        // largest file) from the start and report.json is taken by the lane that is free first.
        // Otherwise lane A lets go of report.json's tree before report.geojson (a `--since` run's
        // map has made the whole tree, which would be kept through the page).
        let jsonFirst = copies == nil || drawsMap
        if !jsonFirst { spare.append(writeJSON) }
        if kinds.contains(.csv) {
            spare.append {
                let copy = copyPlan("report.csv") { report.csvCopyPlan($0, source: $1) }.value
                try staging.add("report.csv", hashedFor: layout) { write in
                    try report.csvText(dialect: outputs.csvDialect, copy: copy, into: write)
                }
            }
        }
        let next = Locked(0)
        func takeSpare() throws {
            while true {
                var k = 0
                next.update { k = $0; $0 += 1 }
                guard k < spare.count else { return }
                try spare[k]()
            }
        }
        // A failure in either lane lets the side file stop waiting (the run fails all the same).
        func failing<T>(_ lane: () throws -> T) throws -> T {
            do { return try lane() } catch { layout?.cancel(); throw error }
        }
        // A `--since` run copies most of the reports' text. When rsvg-convert is to draw the frame (the
        // previous run kept no image of it), its map's data and picture are made first, on both cores,
        // so that rsvg-convert starts sooner, and the reports are written beside the page and the PNG.
        // Otherwise (a full run, or a `--since` run with the frame's image kept: the frame is the same
        // but for a new title, legend or place names) the reports are written beside the map's data,
        // and the picture and the page are made side by side once it is: the cores are busier that way.
        var pictureMade: MapData?
        let pictureEarly = copies != nil && drawsMap && previousPicture?.picture == nil
        let lanes = Result {
            if pictureEarly {
                pictureMade = try failing { try makeMap() }
                if let m = pictureMade { try failing { try drawPicture(m) } }
            }
            return try sideBySide({ try failing {
                if jsonFirst { try writeJSON() }
                // The previous report.geojson has been checked beside the analysis (`PreviousFiles`).
                let copy = copyGeoJSON?.value
                if features == nil && (kinds.contains(.geojson) || kinds.contains(.gpkg)) {
                    // report.gpkg has every feature; report.geojson, those whose text is not copied.
                    features = report.geojsonFeatures(skipping: kinds.contains(.gpkg) ? nil : copy?.copied())
                }
                if kinds.contains(.geojson) {
                    try staging.add("report.geojson", hashedFor: layout) { write in
                        try GeoJSONWriter(precision: precision).encode(count: features!.count, batch: { copy?.written(before: $0.lowerBound) }, pieces: { k in
                            if let text = copy?.text(k) { return .text(text) }
                            return .feature(properties: features![k].properties, geometry: features![k].geometry)
                        }, into: write)
                    }
                }
                if !kinds.contains(.gpkg) { features = nil }
                try takeSpare()
            } }, {
                try failing {
                    let made = pictureEarly ? pictureMade : try makeMap()
                    pictureMade = nil
                    if let made {
                        if pictureEarly {
                            try writePage(made)
                        } else {
                            _ = try sideBySide({ try failing { try drawPicture(made) } }, { try failing { try writePage(made) } })
                        }
                        // The map's data (a national run's is tens of milliseconds to free) goes
                        // while the side file is finished.
                        letGoBeside(made)
                    }
                    try takeSpare()
                }
            })
        }
        // The side file's thread ends before this returns, whether the lanes failed or not.
        let sideWritten = Result { try side?.wait() }
        _ = try lanes.get()
        try sideWritten.get()
        png = picturePNG.job
        keptPNG = picturePNG.kept
        pictureBands = bands
        self.frameTaken = frameTaken
        self.outlinesTaken = outlinesTaken
        self.labelsTaken = labelsTaken
        self.json = jsonMade.value
        self.copied = copied.value
        if kinds.contains(.gpkg) {
            try staging.add("report.gpkg", bytes: try ReportLayers.geopackage(report: report, features: features!, plan: outputs.plan))
        }
        features = nil
        if kinds.contains(.kmz) { try staging.add("report.kmz", bytes: try ReportLayers.kmz(report: report)) }
    }

    /// Nice levels this process steps down for the PNG: at 5 the two encoding lanes together weigh
    /// less than rsvg-convert (335 + 335 against 1024 in Linux's weights), so it gets a core alone.
    static let pictureFirstSteps: Int32 = 5

    /// Whether the report folder `folder` has `svg` as its report.svg, byte for byte (a regular
    /// file): the same picture is put together into the same PNG.
    static func samePicture(in folder: String, svg: [UInt8]) -> Bool {
        (try? InputFile.read((folder as NSString).appendingPathComponent("report.svg"), followSymlinks: false, binary: true)) == svg
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

/// The layout of the report files as they are written, for the side file: it waits until every
/// expected file has been added (or the run failed).
final class LayoutCollector: @unchecked Sendable {
    // `files` and `cancelled` change only under `condition`'s lock.
    private let condition = NSCondition()
    private var files: [ReportLayout.File] = []
    private var cancelled = false
    private let context: String
    private let expected: Int
    /// Where the files are staged, and where their digests are recorded with their identities
    /// once written.
    private let staging: StagedFolder?
    private let digests: DigestCache?
    /// Whether the map's image is awaited, whether it came, and the image (nil when none was drawn).
    private let expectsRaster: Bool
    private var rasterCame = false
    private var raster: KeptRaster?
    /// How report.png was put together, once it is (it comes after the map's image).
    private var picture: (@Sendable () -> KeptPicture?)?
    private var pageChunks: [Fingerprint] = []
    /// The map's village outlines, with the image (nil when the map's villages are not the report's),
    /// and its labels.
    private var outlines: KeptOutlines?
    private var labels: KeptLabels?
    /// The image and the outlines as the side file writes them, encoded while the files are awaited,
    /// and how many times the image was set when they were (they are those of the last).
    private var imageParts: (parts: ReportLayout.ImageParts, of: Int)?
    private var rasterSets = 0
    /// A `--since` run's previous image and outlines, as its side file held them: what is the same
    /// takes its bytes from there. Per feature of the outlines, the previous feature it copies.
    private let previousRaster: KeptRaster?, previousOutlines: KeptOutlines?
    private var features: [Int?] = []

    init(context: String, expecting expected: Int, raster: Bool = false, staging: StagedFolder? = nil, digests: DigestCache? = nil,
         previousRaster: KeptRaster? = nil, previousOutlines: KeptOutlines? = nil) {
        self.context = context
        self.expected = expected
        expectsRaster = raster
        self.staging = staging
        self.digests = digests
        self.previousRaster = previousRaster
        self.previousOutlines = previousOutlines
    }

    /// `features`: per feature of `outlines`, the previous run's feature whose text it copies.
    func set(raster: KeptRaster?, picture: (@Sendable () -> KeptPicture?)? = nil, outlines: KeptOutlines? = nil, labels: KeptLabels? = nil,
             features: [Int?] = []) {
        condition.lock(); defer { condition.unlock() }
        self.raster = raster
        self.picture = picture
        self.outlines = outlines
        self.labels = labels
        self.features = features
        rasterCame = true
        rasterSets += 1
        condition.broadcast()
    }

    func add(_ file: ReportLayout.File) {
        condition.lock(); defer { condition.unlock() }
        files.append(file)
        condition.broadcast()
    }

    /// The keys of report.html's pieces (the chunks of the map's payload), before its file is added.
    func set(pageChunks: [Fingerprint]) {
        condition.lock(); defer { condition.unlock() }
        self.pageChunks = pageChunks
    }

    func cancel() {
        condition.lock(); defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
    }

    /// Every file's layout, in a fixed order (by name); nil when the run failed. Each file's
    /// digest is recorded with the identity of the file as staged, once it has settled
    /// (`FileIdentity.settled`; the folder is committed after, and renaming it keeps the identity).
    func wait() -> ReportLayout? {
        condition.lock()
        while (files.count < expected || (expectsRaster && !rasterCame)) && !cancelled {
            // The image and outlines are encoded as soon as they come (the files are still being written).
            if rasterCame && imageParts?.of != rasterSets {
                let (raster, outlines, features, of) = (self.raster, self.outlines, self.features, rasterSets)
                condition.unlock()
                let previous = previousRaster == nil && previousOutlines == nil ? nil
                    : ReportLayout.ImageParts.Previous(raster: previousRaster, outlines: previousOutlines, features: features)
                let parts = ReportLayout.ImageParts(raster: raster, outlines: outlines, previous: previous)
                condition.lock()
                imageParts = (parts, of)
                continue
            }
            condition.wait()
        }
        let (cancelled, files, raster, picture, pageChunks, outlines, labels) = (self.cancelled, self.files, self.raster, self.picture,
                                                                                 self.pageChunks, self.outlines, self.labels)
        let imageParts = self.imageParts?.of == rasterSets ? self.imageParts?.parts : nil
        condition.unlock()
        guard !cancelled else { return nil }
        let kept = picture?()
        if let digests, let staging {
            for f in files {
                if let identity = staging.stagedPath(f.name).flatMap({ FileIdentity.settled(path: $0) }) { digests.record(.report, identity, f.digest) }
            }
        }
        var layout = ReportLayout(context: context, files: files.sorted { $0.name < $1.name }, raster: raster, picture: kept, pageChunks: pageChunks,
                                  outlines: outlines, labels: labels)
        layout.imageParts = imageParts
        return layout
    }
}

extension StagedFolder {
    /// Stages `name` with the text `make` hands out in pieces (it returns where each village's
    /// entries, or each chunk of the page's data, lie), hashed on the way for the side file's
    /// layout when there is one.
    fileprivate func add<Bytes: ContiguousBytes & Collection<UInt8>>(_ name: String, hashedFor layout: LayoutCollector?,
                                                                     _ make: (_ write: (Bytes) throws -> Void) throws -> [Range<Int>]) throws {
        var hasher = FileDigest()
        var pieces: [Range<Int>] = []
        try add(name) { sink in
            pieces = try make { bytes in
                if layout != nil { bytes.withUnsafeBytes { hasher.update($0) } }
                try sink.write(bytes)
            }
        }
        layout?.add(ReportLayout.File(name: name, digest: hasher.finish(), pieces: pieces))
    }
}
