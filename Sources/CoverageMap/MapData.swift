import Foundation
import Geo
import GeoIO
import CoverageReport
import Coverage

/// Everything the map draws, gathered from a report (report.json + report.geojson) and the
/// inputs it was made from. `analyze` builds it from what it has in memory; `covgap map` from
/// the files on disk: one path, so both draw the same map.
public struct MapData: Sendable {
    public var title: String
    public var summary: JSONObject
    public var operators: [String]
    /// The villages: properties and shape as drawn (the properties of a village drawn as a previous
    /// run drew it are made here, from the report: see `villageRows`).
    public var villages: [(properties: JSONObject, shape: Shape)] {
        get { villageRows.indices.map { (villageProperties($0), villageRows[$0].shape) } }
        set {
            outlines.villages = outlines.villages.indices.map { $0 < villageRows.count ? villageSource($0) : outlines.villages[$0] }
            villageRows = newValue.map { VillageRow(properties: .made($0.properties), shape: $0.shape) }
            prints.villages = []
        }
    }
    /// How many villages the map has.
    public var villageCount: Int { villageRows.count }
    /// The villages as `villages` gives them, but for a village a `--since` run draws as the previous
    /// run did (its text copied, its outline taken): only what the picture and the labels read of
    /// its properties is kept, the rest made from `analysis` when the page encodes it.
    private var villageRows: [VillageRow] = []
    /// The report of an analysis still in memory (nil for a map drawn from report files).
    private let analysis: Report?
    // A layer changed after it was made loses its prints (the page's chunk keys then hash it).
    public var gaps: [(properties: JSONObject, shape: Shape)] { didSet { prints.gaps = []; takenPixels.gaps = [] } }
    public var extensions: [(properties: JSONObject, shape: Shape)] { didSet { prints.extensions = []; takenPixels.extensions = [] } }
    /// Per village, gap area and fibre extension, its outline in pixels as the previous run's
    /// picture drew it, when taken with its outline (`KeptOutlines.pixels`), and that picture's key.
    private var takenPixels: (villages: [[PixelPart]?], gaps: [[PixelPart]?], extensions: [[PixelPart]?]) = ([], [], [])
    private var takenPixelKey: Fingerprint?
    public var fibre: [(properties: JSONObject, shape: Shape)]
    public var sites: [(properties: JSONObject, at: Coordinate)] { didSet { sitePrints = [] } }
    /// Per site, the prints of its dot and of its properties (`MapSites`), for the page's chunks'
    /// keys; empty once `sites` has been changed.
    var sitePrints: [MapPayload.Prints] = []
    public var places: [(properties: JSONObject, at: Coordinate, has5G: Bool)]
    public var districtLabels: [(name: String, at: Coordinate)]
    public var communeLabels: [(name: String, district: String?, at: Coordinate)]
    /// The shapes `villages`, `gaps`, `extensions` and `fibre` were thinned from, for the page,
    /// which cuts them into shared arcs first and thins the arcs, and for the labels. The features'
    /// shapes are kept as they came (no copy of every coordinate) and made outlines by `outline` as
    /// the page needs them; a village whose properties are made later has its polygon in the report
    /// (`villageSource`).
    var outlines: (villages: [Shape], gaps: [Shape], extensions: [Shape], fibre: [Shape]) = ([], [], [], [])
    /// A feature's shape as an outline: oriented as report.geojson stores it, and for features
    /// still in memory, with each coordinate as report.geojson writes it.
    var outline: MapPayload.Outline
    /// Per feature of `villages`, `gaps` and `extensions`, the prints of its outline and of its
    /// properties (what the page's chunk keys take of it), and the tolerance the shapes were
    /// thinned to.
    var prints: (villages: [MapPayload.Prints], gaps: [MapPayload.Prints], extensions: [MapPayload.Prints]) = ([], [], [])
    private(set) var thinning = 0.0
    /// How many villages, and how many gap areas and fibre extensions, took their thinned outline
    /// and prints from a previous run's.
    private(set) var outlinesTaken = (villages: 0, others: 0)
    /// The key of what the labels were placed from (`labelsKey`; nil when the villages have no
    /// prints to make it from), and whether they were taken from a previous run's.
    private(set) var labelsKey: Fingerprint?
    private(set) var labelsTaken = false
    /// The labels with their key, for a later run.
    var keptLabels: KeptLabels? {
        labelsKey.map { key in
            KeptLabels(key: key, districts: districtLabels.map { KeptLabels.District(name: $0.name, at: $0.at) },
                       communes: communeLabels.map { KeptLabels.Commune(name: $0.name, district: $0.district, at: $0.at) })
        }
    }
    /// At `.picture` detail (see `Detail`), half a pixel of the picture: the shapes of `villages`,
    /// `gaps` and `fibre` were thinned to it, or to 5 m where that is coarser.
    private(set) var pictureTolerance: Double?

    /// How finely the map's shapes are thinned for drawing.
    public enum Detail: Sendable {
        /// For report.svg and report.png, the whole map 1,600 pixels wide: villages, gap areas and
        /// fibre thinned once to half a pixel (or 5 m, where that is coarser; fibre extensions to
        /// 5 m), which is all the picture draws; a fraction of the memory of `.drawing` at national
        /// scale (half a pixel is about 500 m there).
        case picture
        /// For drawings of parts of the map (the atlas's pages): every shape thinned to 5 m.
        case drawing
    }
    /// The run's mobile-status thresholds (report.json's parameters), for the legends.
    public var thresholds: Palette.Thresholds
    /// The language of the page's interface, the picture's words and the title (see MapWords).
    public var language: Language = .en {
        didSet { title = Self.title(villages: titleFacts.villages, districts: titleFacts.districts, scenario: titleFacts.scenario, language) }
    }
    /// What the title says, kept to word it again in another language.
    var titleFacts: (villages: Int, districts: Int, scenario: String?) = (0, 0, nil)

    /// Map coordinates need about a metre: 5 decimals keep the page small.
    static let decimals = 5
    /// Outlines are thinned to about 5 m (in degrees) for drawing: invisible at any zoom the page
    /// offers, and a page a fraction of the size for villages digitised with many vertices.
    static let drawingTolerance = 0.00005
    /// The picture's width in pixels (report.svg and report.png).
    static let pictureWidth = 1600

    /// - Parameters:
    ///   - report: report.json, parsed.
    ///   - features: report.geojson's features (villages, mobile gaps, fibre extensions).
    ///   - detail: how finely the shapes are kept for drawing.
    public init(report: JSONValue, features: [Feature], sectors: [Sector], fibre: [FibreFeature]?,
                places: [PriorityPlace]?, detail: Detail = .picture) throws {
        let records = Self.records(of: report)
        try self.init(report: report, analysis: nil, count: features.count, properties: { features[$0].properties },
                      shape: { features[$0].geometry }, villages: records.facts, record: { records.record($1) },
                      hasRecord: { records.record($1) != nil }, outline: .init(make: { $0.rightHandOriented }, box: { $0 }, id: 1),
                      sites: MapSites(sectors: sectors), fibre: fibre, places: places, detail: detail)
    }

    /// The map of a report still in memory: `json` and `features` as `Report.json(skipping:)` and
    /// `Report.geojsonFeatures(skipping:)` make them (a village skipped in either is made from
    /// `report` here), each coordinate taken as report.geojson writes it with `decimals` decimals,
    /// so that `covgap map` draws the same page from the files.
    /// `kept` (a `--since` run) holds the previous run's outlines: a feature whose text is copied
    /// (`previous[i]`, the previous run's feature of report.geojson whose text feature `i` copies)
    /// takes its thinned outline and prints from there when they were made the same way. `labels`
    /// (a `--since` run) are the previous run's labels: taken when their key is this map's.
    /// `sites` are made from the report's sectors (`MapSites`).
    public init(report: Report, json: JSONValue, features: [(properties: JSONObject, geometry: Shape?)], writtenWith decimals: Int,
                sites: MapSites, fibre: [FibreFeature]?, places: [PriorityPlace]?, detail: Detail = .picture,
                kept: KeptOutlines? = nil, previous: [Int?] = [], labels: KeptLabels? = nil) throws {
        let villages = report.input.villages
        let entries = json["villages"]?.arrayValue ?? []
        // Features come as `Report.geojsonFeatures` makes them: village i first, as feature i; a
        // village's feature is empty where its text is copied, and its record null.
        func isVillage(_ i: Int, _ id: String) -> Bool { i < villages.count && villages[i].id == id }
        // Every record has a centre: the title counts the districts of all villages.
        // Read in place (a copy of each village is its strings retained and released); a village
        // mostly has the district of the one before it.
        var districtNames = Set<String>()
        var lastDistrict: String?
        for i in villages.indices {
            guard let d = villages[i].district, d != lastDistrict else { continue }
            districtNames.insert(d)
            lastDistrict = d
        }
        let districts = districtNames.count
        let facts = (count: villages.count, operators: villages.isEmpty ? [] : report.result.operators, titledDistricts: districts)
        try self.init(report: json, analysis: report, count: features.count,
                      properties: { i in
                          if i < villages.count && features[i].geometry == nil { return ["kind": "village", "id": .string(villages[i].id)] }
                          return features[i].properties
                      },
                      shape: { i in features[i].geometry ?? (i < villages.count ? report.villageShape(i) : nil) },
                      villages: facts,
                      record: { i, id in
                          guard isVillage(i, id) else { return nil }
                          return (i < entries.count ? entries[i].objectValue : nil) ?? report.villageRecord(i)
                      },
                      hasRecord: isVillage, kept: kept, previousFeature: { $0 < previous.count ? previous[$0] : nil }, labels: labels,
                      outline: .init(make: { writtenShape($0, decimals).rightHandOriented },
                                     box: { b in Bounds(minX: writtenValue(b.minX, decimals), minY: writtenValue(b.minY, decimals),
                                                        maxX: writtenValue(b.maxX, decimals), maxY: writtenValue(b.maxY, decimals)) },
                                     id: 100 + decimals),
                      sites: sites, fibre: fibre, places: places, detail: detail)
    }

    /// How many villages a report has, the operators of the first village's record (in order) and
    /// how many districts the title counts (those of villages whose record has a centre).
    typealias VillageFacts = (count: Int, operators: [String], titledDistricts: Int)

    /// The village records of report.json's tree by id (the last of an id wins), and their facts.
    private static func records(of report: JSONValue) -> (record: (String) -> JSONObject?, facts: VillageFacts) {
        let villageRecords = report["villages"]?.arrayValue ?? []
        // The records by id: the two halves indexed side by side, the later half looked in first.
        func table(_ records: ArraySlice<JSONValue>) -> [String: JSONObject] {
            var t: [String: JSONObject] = [:]
            t.reserveCapacity(records.count)
            for v in records { if let o = v.objectValue, let id = o["id"]?.stringValue { t[id] = o } }
            return t
        }
        let half = villageRecords.count / 2
        let (early, late) = concurrentPair({ table(villageRecords[..<half]) }, { table(villageRecords[half...]) })
        var titled = Set<String>()
        for v in villageRecords where v["center"]?.arrayValue?.count == 2 { if let d = v["district"]?.stringValue { titled.insert(d) } }
        return ({ late[$0] ?? early[$0] },
                (villageRecords.count, villageRecords.first?["operators"]?.objectValue?.keys ?? [], titled.count))
    }

    /// Feature `i` has `properties(i)` and `shape(i)`, drawn as `outline.make(shape(i))` (`shape` is
    /// called on both cores); `outline.box` makes the box of an outline from the box of its shape (the
    /// coordinates as report.geojson writes them: rounding keeps their order). A village feature `i`
    /// with id `id` is drawn when `hasRecord(i, id)`, from its record `record(i, id)` (asked for once).
    /// With `analysis` (the report in memory), feature `i` below its village count is its village `i`.
    private init(report: JSONValue, analysis: Report?, count: Int, properties: (Int) -> JSONObject, shape: (Int) -> Shape?,
                 villages facts: VillageFacts, record: (Int, String) -> JSONObject?, hasRecord: (Int, String) -> Bool,
                 kept: KeptOutlines? = nil, previousFeature: (Int) -> Int? = { _ in nil }, labels previousLabels: KeptLabels? = nil,
                 outline: MapPayload.Outline, sites: MapSites, fibre: [FibreFeature]?, places: [PriorityPlace]?, detail: Detail) throws {
        self.outline = outline
        self.analysis = analysis
        let summary = report["summary"]?.objectValue ?? JSONObject()
        let defaults = AnalysisParameters()
        thresholds = Palette.Thresholds(
            coveredMin: report["parameters"]?["covered_min"]?.doubleValue ?? defaults.coveredMin,
            uncoveredMax: report["parameters"]?["uncovered_max"]?.doubleValue ?? defaults.uncoveredMax)
        var withTargets = summary
        // The plan's targets as report.json read them: the header shows one box per target.
        withTargets.append("targets", report["targets"] ?? .array([]))
        self.summary = withTargets
        operators = facts.operators

        gaps = []; extensions = []
        // The picture's half pixel: from the box of the villages' outlines, found from their
        // shapes' boxes on all cores before anything is thinned.
        if detail == .picture {
            let boxes = concurrentMap(count, chunk: 256) { i -> Bounds? in
                // A village of the report in memory: its box without its polygon (kept ones are not decoded).
                if let analysis, i < analysis.input.villages.count { return analysis.villageBounds(i).map(outline.box) }
                let props = properties(i)
                guard props["kind"]?.stringValue == "village", let id = props["id"]?.stringValue, hasRecord(i, id) else { return nil }
                return shape(i)?.bounds.map(outline.box)
            }
            let extent = Bounds.union(of: boxes.count) { boxes[$0] }
            pictureTolerance = extent.map { max($0.width, $0.height) / Double(2 * Self.pictureWidth) } ?? 0
        }
        // Never finer than the drawing's 5 m: a small area's picture is drawn from those, as before.
        let thinning = max(pictureTolerance ?? 0, Self.drawingTolerance)
        self.thinning = thinning
        // The previous run's outlines, when made the same way.
        let taken = kept.flatMap { $0.thinning == thinning && $0.form == outline.id ? $0 : nil }
        let keptPixels = taken?.pixels ?? []
        takenPixelKey = keptPixels.isEmpty ? nil : taken?.pixelKey
        // Each feature's layer, properties and outline (oriented as report.geojson stores them, so
        // a map drawn from the files is the same, and thinned), found on all cores.
        enum Kind { case village, gap, fibreExtension }
        let inputVillages = analysis?.input.villages ?? []
        var made = concurrentMap(count, chunk: 256) { i -> (kind: Kind, properties: VillageProperties, thin: Shape, source: Shape?, centre: Coordinate?,
                                                               prints: MapPayload.Prints, taken: Bool, pixels: [PixelPart]?)? in
            // A village of the report in memory whose text is copied and whose outline was kept: drawn
            // as the previous run drew it, without its record or polygon.
            if let analysis, let taken, i < inputVillages.count, let k = previousFeature(i), k < taken.villages {
                return (.village, .later(index: i, id: inputVillages[i].id, district: inputVillages[i].district, commune: inputVillages[i].commune,
                                         status: analysis.result.villages[i].mobileStatus.rawValue),
                        taken.thin[k], nil, analysis.villageCentre(i), (taken.prints[k], taken.propertyPrints[k]), true,
                        k < keptPixels.count ? keptPixels[k] : nil)
            }
            guard let source = shape(i) else { return nil }
            let props = properties(i)
            let kind: Kind, p: JSONObject
            var centre: Coordinate?
            switch props["kind"]?.stringValue {
            case "village":
                guard let id = props["id"]?.stringValue, let r = record(i, id) else { return nil }
                if let c = r["center"]?.arrayValue, c.count == 2, let x = c[0].doubleValue, let y = c[1].doubleValue { centre = Coordinate(x, y) }
                kind = .village; p = Self.villageProperties(id: id, record: r)
            case "mobile_gap":
                kind = .gap; p = ["village_id": props["village_id"] ?? .null, "area_m2": props["area_m2"] ?? .null]
            case "fibre_extension":
                kind = .fibreExtension; p = ["village_id": props["village_id"] ?? .null, "length_m": props["length_m"] ?? .null]
            default: return nil
            }
            // A gap area or extension whose text is copied: taken from the previous run's (a village is
            // taken above, with nothing of it made).
            if kind != .village, let taken, let k = previousFeature(i), k >= taken.villages, k < taken.thin.count {
                return (kind, .made(p), taken.thin[k], source, nil, (taken.prints[k], taken.propertyPrints[k]), true,
                        k < keptPixels.count ? keptPixels[k] : nil)
            }
            let drawn = outline.make(source)
            return (kind, .made(p), drawn.thinned(tolerance: kind == .fibreExtension ? Self.drawingTolerance : thinning), source, centre,
                    Self.prints(p, drawn), false, nil)
        }
        // Each village's centre in its record (for the labels).
        var recordCentres: [Coordinate?] = []
        // A village without its polygon here has it in `analysis` (`villageSource`).
        let inReport = Shape.geometryCollection([])
        // Room for every village and every other feature first (the arrays are not grown as they fill).
        let others = max(0, count - facts.count)
        villageRows.reserveCapacity(facts.count); outlines.villages.reserveCapacity(facts.count)
        recordCentres.reserveCapacity(facts.count); prints.villages.reserveCapacity(facts.count)
        gaps.reserveCapacity(others); extensions.reserveCapacity(others)
        outlines.gaps.reserveCapacity(others); outlines.extensions.reserveCapacity(others)
        prints.gaps.reserveCapacity(others); prints.extensions.reserveCapacity(others)
        // Each feature moved out of `made` into its layer (no copy of its shapes and properties to
        // count references of, nothing left for `made` to let go).
        for i in made.indices {
            // Its parts bound one by one and each handed on once (no copy of the whole to let go of).
            guard case let (kind, properties, thin, source, centre, featurePrints, taken, pixels)? = made[i].take() else { continue }
            switch kind {
            case .village:
                villageRows.append(VillageRow(properties: properties, shape: thin)); outlines.villages.append(source ?? inReport)
                recordCentres.append(centre)
                prints.villages.append(featurePrints)
                takenPixels.villages.append(pixels)
                if taken { outlinesTaken.villages += 1 }
            case .gap: gaps.append((properties.made!, thin)); outlines.gaps.append(source!); prints.gaps.append(featurePrints)
                takenPixels.gaps.append(pixels)
            case .fibreExtension:
                extensions.append((properties.made!, thin)); outlines.extensions.append(source!); prints.extensions.append(featurePrints)
                takenPixels.extensions.append(pixels)
            }
            if taken && kind != .village { outlinesTaken.others += 1 }
        }

        let fibreFeatures = fibre ?? []
        let fibreShapes = concurrentMap(fibreFeatures.count, chunk: 256) { fibreFeatures[$0].shape.thinned(tolerance: thinning) }
        self.fibre = zip(fibreFeatures, fibreShapes).map { f, shape in
            (["id": f.id.map(JSONValue.string) ?? .null, "operator": f.operator.map(JSONValue.string) ?? .null], shape)
        }
        outlines.fibre = (fibre ?? []).map(\.shape)

        // The sites (every sector hashed by operator and site, unless made ahead: `MapSites`) and the
        // labels (every village's district and commune looked up and grouped) are each one core's
        // work: made side by side.
        let villageList = villageRows, villageSources = outlines.villages, analysis = self.analysis
        let labelsKey = prints.villages.count == villageRows.count
            ? Self.labelsKey(villageList, centres: recordCentres, prints: prints.villages, thinning: thinning, form: outline.id) : nil
        self.labelsKey = labelsKey
        let takenLabels = previousLabels.flatMap { $0.key == labelsKey ? $0 : nil }
        // A village's outline at the drawing's 5 m: its drawn shape, unless that was thinned to the
        // picture's coarser half pixel, when the few the labels stand on are thinned again.
        let drawnAt5m = thinning == Self.drawingTolerance
        @Sendable func drawn(_ i: Int) -> Shape {
            drawnAt5m ? villageList[i].shape
                : outline.make(Self.source(villageList[i], villageSources[i], analysis)).thinned(tolerance: Self.drawingTolerance)
        }
        typealias Labels = (districts: [(name: String, at: Coordinate)], communes: [(name: String, district: String?, at: Coordinate)])
        let (siteList, labels) = try sideBySide({ (sites: sites.value, prints: sites.prints) }, { () throws -> Labels in
            // The previous run's, placed from the same villages.
            if let takenLabels {
                return (takenLabels.districts.map { ($0.name, $0.at) }, takenLabels.communes.map { ($0.name, $0.district, $0.at) })
            }
            // Labels inside their own area: on the village nearest the mean of the area's village
            // centres, at a point on that village's surface (the mean itself can fall in a neighbour).
            // Districts, and communes by district and name, with their villages in order of first appearance.
            func text(_ i: Int, _ key: VillageProperties.Key) -> String? { villageList[i].properties[key] }
            let districtGroups = Coverage.groups(of: villageList.indices.filter { text($0, .district) != nil }) { NameKey(text($0, .district)!) }
            let communeGroups = Coverage.groups(of: villageList.indices.filter { text($0, .commune) != nil }) {
                CommuneKey(district: text($0, .district) ?? "", name: text($0, .commune)!)
            }
            let centres = concurrentMap(villageList.count, chunk: 256) { i -> Coordinate? in recordCentres[i] ?? drawn(i).bounds?.center }
            func labelPoint(_ members: [Int]) throws -> Coordinate? {
                let withCentre = members.compactMap { i in centres[i].map { (i, $0) } }
                guard !withCentre.isEmpty else { return nil }
                let mx = withCentre.reduce(0) { $0 + $1.1.x } / Double(withCentre.count)
                let my = withCentre.reduce(0) { $0 + $1.1.y } / Double(withCentre.count)
                let nearest = withCentre.min { a, b in
                    let da = (a.1.x - mx) * (a.1.x - mx) + (a.1.y - my) * (a.1.y - my)
                    let db = (b.1.x - mx) * (b.1.x - mx) + (b.1.y - my) * (b.1.y - my)
                    return da != db ? da < db : a.0 < b.0
                }!
                return try Geometry(drawn(nearest.0)).pointOnSurface().pointCoordinate()
            }
            // A point on a village's surface for each area, found on all cores.
            let districts = try parallelMap(districtGroups.count, jobs: defaultJobs, chunk: 16) { k in
                let members = districtGroups[k]
                return try labelPoint(members).map { (text(members[0], .district)!, $0) }
            }.compactMap { $0 }
            let communes = try parallelMap(communeGroups.count, jobs: defaultJobs, chunk: 16) { k -> (String, String?, Coordinate)? in
                let members = communeGroups[k]
                return try labelPoint(members).map { (text(members[0], .commune)!, text(members[0], .district), $0) }
            }.compactMap { $0 }
            return (districts, communes)
        })
        self.sites = siteList.sites
        sitePrints = siteList.prints

        let placeRecords = report["priority_places"]?.arrayValue ?? []
        self.places = try zip(places ?? [], placeRecords).map { place, record in
            let has5G = record["has_5g"]?.boolValue ?? false
            let at: Coordinate
            if case .point(let c) = place.shape { at = c } else { at = try Geometry(place.shape).pointOnSurface().pointCoordinate() }
            var p: JSONObject = ["id": .string(place.id), "name": .string(place.name), "category": .string(place.category),
                                 "has_5g": .bool(has5G)]
            // Commune centres: mobile signal and fibre, marked apart from the 5G places.
            if let m = record["mobile_covered"] { p.append("mobile_covered", m) }
            if let f = record["fixed_available"] { p.append("fixed_available", f) }
            return (p, at, has5G)
        }
        districtLabels = labels.districts
        communeLabels = labels.communes
        labelsTaken = takenLabels != nil
        titleFacts = (facts.count, facts.titledDistricts, report["parameters"]?["scenario"]?["title"]?.stringValue)
        title = Self.title(villages: titleFacts.villages, districts: titleFacts.districts, scenario: titleFacts.scenario, .en)
    }

    /// What the labels are placed from: per village its district, commune, record centre and
    /// outline's print (the outline the labels' points are found on, thinned to 5 m, is made from
    /// it), in order, with the thinning and what made the outlines.
    static func labelsKey(_ villages: [VillageRow], centres: [Coordinate?], prints: [MapPayload.Prints], thinning: Double, form: Int) -> Fingerprint {
        var f = Fingerprint()
        f.add(labelsFormat); f.add(thinning); f.add(drawingTolerance); f.add(form); f.add(villages.count)
        for (i, v) in villages.enumerated() {
            f.add(v.properties[.district]); f.add(v.properties[.commune])
            if let c = centres[i] { f.add(1); f.add(c) } else { f.add(0) }
            f.add(prints[i].shape.a); f.add(prints[i].shape.b)
        }
        return f
    }

    /// The version of how labels are placed: a key changes with it, so that no run takes labels
    /// placed another way.
    static let labelsFormat = 1

    /// One dot per site and operator (at its first sector's position), with the techs it carries,
    /// in the order the sites first appear.
    static func sites(of sectors: [Sector]) -> [(properties: JSONObject, at: Coordinate)] {
        struct SiteKey: Hashable { var op: String, site: String }
        // Each tech a bit, by its place among all techs; a site lists its techs in their order.
        let techs = Tech.allCases, inOrder = techs.sorted()
        let bit = inOrder.map { t in UInt8(1) << UInt8(techs.firstIndex(of: t)!) }
        var number: [SiteKey: Int] = [:]
        var sites: [(key: SiteKey, at: Coordinate, techs: UInt8)] = []
        // A site has a few sectors: room for a third as many sites as sectors, not grown site by site.
        number.reserveCapacity(sectors.count / 3)
        sites.reserveCapacity(sectors.count / 3)
        // A site's sectors mostly come one after another: the previous sector's site is tried first.
        // The sectors are read in place (a copy of each is its strings retained and released).
        var last: (key: SiteKey, number: Int)?
        for i in sectors.indices {
            let key = SiteKey(op: sectors[i].operator, site: sectors[i].siteID)
            let n: Int
            if let last, last.key == key {
                n = last.number
            } else if let known = number[key] {
                n = known
            } else {
                n = sites.count
                number[key] = n
                sites.append((key, sectors[i].location, 0))
            }
            sites[n].techs |= UInt8(1) << UInt8(techs.firstIndex(of: sectors[i].tech)!)
            last = (key, n)
        }
        return sites.map { site in
            let carried = inOrder.indices.filter { site.techs & bit[$0] != 0 }.map { JSONValue.string(inOrder[$0].rawValue) }
            return (["site_id": .string(site.key.site), "operator": .string(site.key.op), "techs": .array(carried)], site.at)
        }
    }

    /// "Mobile and fixed broadband coverage — 1000 villages in 11 districts", in `language`.
    static func title(villages n: Int, districts: Int, scenario: String?, _ language: Language) -> String {
        var title: String
        if language == .vi {
            title = "Phủ sóng di động và băng rộng cố định — \(n) thôn/làng" + (districts > 0 ? " thuộc \(districts) huyện" : "")
            if let scenario { title += " — kịch bản: \(scenario)" }
        } else {
            title = districts > 0
                ? "Mobile and fixed broadband coverage — \(n) villages in \(districts) districts"
                : "Mobile and fixed broadband coverage — \(n) villages"
            if let scenario { title += " — scenario: \(scenario)" }
        }
        return title
    }

    /// The payload `MapPage` embeds: the compact form of docs/map-payload.md (shared borders
    /// stored once, coordinates on a grid, properties in columns).
    public func payloadJSON() -> String { String(decoding: payloadBytes(), as: UTF8.self) }

    /// What the page's chunk keys take of a feature with `properties` drawn as `outline`.
    static func prints(_ properties: JSONObject, _ outline: Shape) -> MapPayload.Prints {
        var shape = Fingerprint(), props = Fingerprint()
        shape.add(outline)
        props.add(properties)
        return (shape, props)
    }

    /// A village of the map: its properties and its shape as drawn.
    struct VillageRow: Sendable {
        var properties: VillageProperties
        var shape: Shape
    }

    /// A village's properties; or, for a village drawn as a previous run drew it, what the picture
    /// and the labels read of them, the rest made from the report's village `index` when asked for.
    enum VillageProperties: Sendable {
        case made(JSONObject)
        case later(index: Int, id: String, district: String?, commune: String?, status: String)

        enum Key: String { case id, district, commune, status = "mobile_status" }

        subscript(key: Key) -> String? {
            switch self {
            case .made(let p): return p[key.rawValue]?.stringValue
            case .later(_, let id, let district, let commune, let status):
                switch key {
                case .id: return id
                case .district: return district
                case .commune: return commune
                case .status: return status
                }
            }
        }

        var made: JSONObject? { if case .made(let p) = self { return p } else { return nil } }
        /// The report's village whose properties are made later.
        var later: Int? { if case .later(let index, _, _, _, _) = self { return index } else { return nil } }
    }

    /// The properties the map gives a village with record `r` (report.json's).
    static func villageProperties(id: String, record r: JSONObject) -> JSONObject {
        var v: JSONObject = [
            "id": .string(id), "name": r["name"] ?? .null, "commune": r["commune"] ?? .null,
            "district": r["district"] ?? .null, "households": r["households"] ?? .null,
            "area_m2": r["area_m2"] ?? .null, "mobile_status": r["mobile_status"] ?? .null,
            "coverage": r["coverage"] ?? .null, "operators": r["operators"] ?? .null,
        ]
        v.append("fixed_status", r["fixed"]?["status"] ?? .null)
        v.append("fibre_distance_m", r["fixed"]?["distance_m"] ?? .null)
        // Measured speeds, for the speed view (only when the analysis had speed tests).
        if let q = r["quality"] { v.append("quality", q) }
        if let link = r["best_link"] { v.append("best_link", link) }
        return v
    }

    /// Village `i`'s properties.
    func villageProperties(_ i: Int) -> JSONObject {
        switch villageRows[i].properties {
        case .made(let p): return p
        case .later(let index, let id, _, _, _): return Self.villageProperties(id: id, record: analysis!.villageRecord(index))
        }
    }

    /// The polygon village `i` was drawn from.
    func villageSource(_ i: Int) -> Shape { Self.source(villageRows[i], outlines.villages[i], analysis) }

    /// The polygon of a village with `row`, `stored` among `outlines.villages`.
    private static func source(_ row: VillageRow, _ stored: Shape, _ analysis: Report?) -> Shape {
        row.properties.later.map { analysis!.villageShape($0) } ?? stored
    }

    /// The box of `villageSource(i)`.
    private func villageSourceBounds(_ i: Int) -> Bounds? {
        villageRows[i].properties.later.map { analysis!.villageBounds($0) } ?? outlines.villages[i].bounds
    }

    /// The thinned outlines and prints of the villages, gap areas and fibre extensions, in that
    /// order, for a later run (before `dropPictureShapes`); nil once any of them has been changed.
    var keptOutlines: KeptOutlines? { keptOutlines(drawn: nil) }

    /// `keptOutlines` with each feature's pixels as `drawing` (this map's picture) drew them.
    func keptOutlines(drawn drawing: MapDrawing?) -> KeptOutlines? {
        guard prints.villages.count == villageRows.count, prints.gaps.count == gaps.count, prints.extensions.count == extensions.count else {
            return nil
        }
        let all = prints.villages + prints.gaps + prints.extensions
        let pixels = drawing.flatMap { d in
            d.pixels.villages.count == villageRows.count && d.pixels.gaps.count == gaps.count && d.pixels.extensions.count == extensions.count
                ? d.pixels.villages + d.pixels.gaps + d.pixels.extensions : nil
        }
        return KeptOutlines(thinning: thinning, form: outline.id, villages: villageRows.count,
                            thin: villageRows.map(\.shape) + gaps.map(\.shape) + extensions.map(\.shape),
                            prints: all.map(\.shape), propertyPrints: all.map(\.properties),
                            pixels: pixels ?? [], pixelKey: drawing?.pixels.key ?? Fingerprint())
    }

    /// Lets go of the thinned shapes the picture is drawn from, where the page has the outlines they
    /// were thinned from (it cuts those into arcs and thins the arcs itself): for a run that has
    /// drawn its picture, so that the thinned shapes (at `.drawing` detail, about 220 MB at 100,000
    /// villages) are not kept while the page is made. The picture cannot be drawn again after.
    mutating func dropPictureShapes() {
        func drop(_ features: inout [(properties: JSONObject, shape: Shape)], _ sources: [Shape]) {
            guard Self.pageDrawsOutlines(features.count, sources) else { return }
            features = features.map { ($0.properties, .geometryCollection([])) }
        }
        // The properties and the outlines stay: so do their prints.
        let kept = prints
        if Self.pageDrawsOutlines(villageRows.count, outlines.villages) {
            for i in villageRows.indices { villageRows[i].shape = .geometryCollection([]) }
        }
        drop(&gaps, outlines.gaps)
        drop(&extensions, outlines.extensions)
        drop(&fibre, outlines.fibre)
        prints = kept
        takenPixels = ([], [], [])
    }

    /// Whether the page draws a layer of `count` features from the outlines its shapes were thinned
    /// from (one per feature, as both initialisers make them), rather than from the shapes themselves (a layer
    /// changed after it was made).
    private static func pageDrawsOutlines(_ count: Int, _ sources: [Shape]) -> Bool {
        sources.count == count
    }

    /// `payloadJSON` as UTF-8 bytes.
    func payloadBytes() -> [UInt8] { payload().bytes }

    /// The payload, with the key of each of its chunks and where the chunk's text lies in it, and
    /// the texts of the chunks taken from `previous`, which lie there (`MapPayload.write`).
    func payload(previous: PreviousPage? = nil)
        -> (bytes: [UInt8], chunks: [(key: Fingerprint, range: Range<Int>)], elsewhere: [(at: Int, text: UnsafeBufferPointer<UInt8>)]) {
        var w = JSONWriter(style: .compact)
        w.beginObject()
        w.key("title"); w.string(title)
        w.key("summary"); w.value(.object(summary))
        w.key("operators"); w.value(.array(operators.map(JSONValue.string)))
        func layer(_ features: [(properties: JSONObject, shape: Shape)], _ sources: [Shape], outline: MapPayload.Outline?,
                   prints: [MapPayload.Prints] = []) -> MapPayload.Layer {
            guard Self.pageDrawsOutlines(features.count, sources) else {
                return .init(properties: features.map(\.properties), shapes: features.map(\.shape))
            }
            // The prints made with the features, or (a layer changed since, or the fibre's) made here
            // the same way.
            let made = prints.count == sources.count ? prints
                : concurrentMap(sources.count, chunk: 256) { Self.prints(features[$0].properties, outline?.make(sources[$0]) ?? sources[$0]) }
            return .init(properties: features.map(\.properties), shapes: sources, outline: outline, prints: made)
        }
        // The villages as `layer` makes a layer, their properties and polygons asked for as the
        // chunks need them (most chunks of a `--since` run's page are copied).
        let villageLayer: MapPayload.Layer
        if Self.pageDrawsOutlines(villageRows.count, outlines.villages) {
            let made = prints.villages.count == villageRows.count ? prints.villages
                : concurrentMap(villageRows.count, chunk: 256) { Self.prints(villageProperties($0), outline.make(villageSource($0))) }
            villageLayer = .init(count: villageRows.count, properties: villageProperties, shape: villageSource, bounds: villageSourceBounds,
                                 outline: outline, prints: made)
        } else {
            let rows = villageRows
            villageLayer = .init(count: rows.count, properties: villageProperties, shape: { rows[$0].shape }, bounds: { rows[$0].shape.bounds })
        }
        // Villages, their gap areas and fibre extensions share borders and are cut into chunks by
        // tile, a gap area or extension in its village's chunk; fibre routes are one chunk; sites and
        // places (points, without arcs) are cut into chunks by tile too.
        // A feature's village: the first village of its id. The report in memory has unique ids and
        // its gap areas and extensions in their villages' order, so each is found walking on from
        // the previous one's; a report read from files, or a feature not found so, by a table of ids.
        let rows = villageRows
        let byID = Once { () -> [String: Int] in
            var index: [String: Int] = [:]
            for (i, v) in rows.enumerated().reversed() { if let id = v.properties[.id] { index[id] = i } }
            return index
        }
        func owners(_ features: [(properties: JSONObject, shape: Shape)]) -> [Int?] {
            var at = analysis == nil ? rows.count : 0
            return features.map { f -> Int? in
                guard let id = f.properties["village_id"]?.stringValue else { return nil }
                var k = at
                while k < rows.count, rows[k].properties[.id] != id { k += 1 }
                if k < rows.count { at = k; return k }
                at = rows.count
                return byID.value[id]
            }
        }
        let (chunks, elsewhere) = MapPayload.write(groups: [
            .init(layers: [("villages", villageLayer),
                           ("gaps", layer(gaps, outlines.gaps, outline: outline, prints: prints.gaps)),
                           ("extensions", layer(extensions, outlines.extensions, outline: outline, prints: prints.extensions))],
                  tiled: true, owners: [nil, owners(gaps), owners(extensions)]),
            .init(layers: [("fibre", layer(fibre, outlines.fibre, outline: nil))], tiled: false),
            .init(layers: [("sites", .init(properties: sites.map(\.properties), shapes: sites.map { .point($0.at) },
                                           prints: sitePrints.count == sites.count ? sitePrints : nil)),
                           ("places", .init(properties: places.map(\.properties), shapes: places.map { .point($0.at) }))], tiled: true),
        ], into: &w, previous: previous)
        w.key("labels")
        w.beginObject()
        w.key("districts")
        w.value(.array(districtLabels.map { ["name": .string($0.name), "lon": .number(round5($0.at.x)), "lat": .number(round5($0.at.y))] }))
        w.key("communes")
        w.value(.array(communeLabels.map {
            ["name": .string($0.name), "district": $0.district.map(JSONValue.string) ?? .null,
             "lon": .number(round5($0.at.x)), "lat": .number(round5($0.at.y))]
        }))
        w.endObject()
        w.endObject()
        w.finish()
        return (w.bytes, chunks, elsewhere)
    }

    public func html() -> String { MapPage.html(payloadJSON: payloadJSON(), thresholds: thresholds, language: language) }

    /// `html()`, handed to `write` in pieces. A chunk of the payload whose key `previous` (a
    /// previous run's page) holds takes its text from there. Returns each chunk's key and where
    /// its text lies in the page, and how many chunks were copied.
    @discardableResult
    public func html(previous: PreviousPage? = nil, into write: (UnsafeRawBufferPointer) throws -> Void) rethrows
        -> (chunks: [(key: Fingerprint, range: Range<Int>)], copied: Int) {
        let payload = self.payload(previous: previous)
        let ranges = try MapPage.write(payload: payload.bytes, elsewhere: payload.elsewhere, pieces: payload.chunks.map(\.range),
                                       thresholds: thresholds, language: language, into: write)
        return (zip(payload.chunks, ranges).map { ($0.key, $1) }, payload.elsewhere.count)
    }

    /// The static picture for reports and slides.
    public func svg() -> String { picture(raster: false).svg }

    /// The static picture, and with `raster` what report.png is drawn from.
    public func picture(raster: Bool = true) -> MapDrawing {
        let mobile = summary["mobile"]
        let fixed = summary["fixed"]
        let L = language
        var subtitle = L.pick("Mobile signal \(pct(mobile?["covered_pct"]?.doubleValue ?? 0)) of villages",
                              "Sóng di động \(pct(mobile?["covered_pct"]?.doubleValue ?? 0)) số thôn/làng")
        if let f = fixed?["available_pct"]?.doubleValue { subtitle += L.pick(" · fixed broadband \(pct(f))", " · băng rộng cố định \(pct(f))") }
        if let p = summary["places"]?["5g_pct"]?.doubleValue { subtitle += L.pick(" · 5G at \(pct(p)) of priority places", " · 5G tại \(pct(p)) số điểm ưu tiên") }
        // A picture 1600 px wide needs no detail below half a pixel: shapes already thinned to it
        // are drawn as they are, others (5 m) thinned to it here.
        let width = Self.pictureWidth
        let villages = villageRows
        let thinnedToIt = pictureTolerance.map { $0 >= Self.drawingTolerance } ?? false
        let tolerance = thinnedToIt ? pictureTolerance! : Bounds.union(of: villages.count) { villages[$0].shape.bounds }
            .map { max($0.width, $0.height) / Double(2 * width) } ?? 0
        func thin(_ shapes: [Shape]) -> [Shape] {
            if thinnedToIt { return shapes }
            return concurrentMap(shapes.count, chunk: 256) { shapes[$0].thinned(tolerance: tolerance) }
        }
        // The outlines' pixels the previous run's picture drew, with their outlines: its key says
        // whether this picture draws them the same (the same thinning here, the same projection).
        let given = takenPixelKey != nil && takenPixels.villages.count == villages.count
        let shapes = thin(villages.map(\.shape))
        var input = MapPictureInput(
            title: title, subtitle: subtitle,
            villages: villages.indices.map { i in
                .init(shape: shapes[i], status: villages[i].properties[.status] ?? "", pixels: given ? takenPixels.villages[i] : nil)
            },
            gaps: thin(gaps.map(\.shape)), fibre: thin(fibre.map(\.shape)), extensions: extensions.map(\.shape),
            sites: sites.map(\.at), places: places.map { .init(at: $0.at, name: $0.properties["name"]?.stringValue ?? "", has5G: $0.has5G) },
            thresholds: thresholds)
        input.language = language
        var key = Fingerprint()
        key.add(thinnedToIt ? 1 : 0)
        key.add(tolerance.bitPattern)
        input.shapesKey = key
        if given {
            (input.gapPixels, input.extensionPixels, input.pixelsMadeWith) = (takenPixels.gaps, takenPixels.extensions, takenPixelKey)
        }
        return MapPicture.drawing(input, width: width, raster: raster)
    }
}

private func round5(_ x: Double) -> Double { (x * 100_000).rounded() / 100_000 }

/// The map's sites of a table of sectors: one dot per site and operator (`MapData.sites(of:)`), made
/// once, when first asked for or ahead on a thread of their own (`makeAhead`): they depend on the
/// sectors alone, and a run's analysis leaves a core free for long stretches.
public final class MapSites: Sendable {
    private let made: Once<(sites: [(properties: JSONObject, at: Coordinate)], prints: [MapPayload.Prints])>

    /// The sites, and per site the prints of its dot and its properties (the page's chunks' keys
    /// take them instead of hashing every site's properties).
    public init(sectors: [Sector]) {
        made = Once {
            let sites = MapData.sites(of: sectors)
            return (sites, concurrentMap(sites.count, chunk: 1024) { MapData.prints(sites[$0].properties, .point(sites[$0].at)) })
        }
    }

    /// Starts making the sites on a thread of their own.
    public func makeAhead() {
        _ = BackgroundTask { [made] in _ = made.value }
    }

    var value: [(properties: JSONObject, at: Coordinate)] { made.value.sites }
    var prints: [MapPayload.Prints] { made.value.prints }
}
