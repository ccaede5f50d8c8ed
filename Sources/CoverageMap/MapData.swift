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
    public var villages: [(properties: JSONObject, shape: Shape)]
    public var gaps: [(properties: JSONObject, shape: Shape)]
    public var extensions: [(properties: JSONObject, shape: Shape)]
    public var fibre: [(properties: JSONObject, shape: Shape)]
    public var sites: [(properties: JSONObject, at: Coordinate)]
    public var places: [(properties: JSONObject, at: Coordinate, has5G: Bool)]
    public var districtLabels: [(name: String, at: Coordinate)]
    public var communeLabels: [(name: String, district: String?, at: Coordinate)]
    /// The outlines of `villages`, `gaps`, `extensions` and `fibre` before thinning, for the page,
    /// which cuts them into shared arcs first and thins the arcs.
    var outlines: (villages: [Shape], gaps: [Shape], extensions: [Shape], fibre: [Shape]) = ([], [], [], [])
    /// The run's mobile-status thresholds (report.json's parameters), for the legends.
    public var thresholds: Palette.Thresholds

    /// Map coordinates need about a metre: 5 decimals keep the page small.
    static let decimals = 5
    /// Outlines are thinned to about 5 m (in degrees) for drawing: invisible at any zoom the page
    /// offers, and a page a fraction of the size for villages digitised with many vertices.
    static let drawingTolerance = 0.00005

    /// - Parameters:
    ///   - report: report.json, parsed.
    ///   - features: report.geojson's features (villages, mobile gaps, fibre extensions).
    public init(report: JSONValue, features: [Feature], sectors: [Sector], fibre: [FibreFeature]?,
                places: [PriorityPlace]?) throws {
        let summary = report["summary"]?.objectValue ?? JSONObject()
        let defaults = AnalysisParameters()
        thresholds = Palette.Thresholds(
            coveredMin: report["parameters"]?["covered_min"]?.doubleValue ?? defaults.coveredMin,
            uncoveredMax: report["parameters"]?["uncovered_max"]?.doubleValue ?? defaults.uncoveredMax)
        var withTargets = summary
        withTargets.append("targets", [
            "mobile_covered_pct": .number(PlanTargets.mobileCoveredPct),
            "fixed_available_pct": .number(PlanTargets.fixedAvailablePct),
            "places_5g_pct": .number(PlanTargets.places5GPct),
        ])
        self.summary = withTargets
        let villageRecords = report["villages"]?.arrayValue ?? []
        operators = villageRecords.first?["operators"]?.objectValue?.keys ?? []
        var recordByID: [String: JSONObject] = [:]
        for v in villageRecords {
            if let o = v.objectValue, let id = o["id"]?.stringValue { recordByID[id] = o }
        }

        villages = []; gaps = []; extensions = []
        // Oriented as report.geojson stores them, so a map drawn from the files is the same.
        let oriented = concurrentMap(features.count, chunk: 256) { features[$0].geometry?.rightHandOriented }
        let shapes = concurrentMap(features.count, chunk: 256) { oriented[$0]?.thinned(tolerance: Self.drawingTolerance) }
        for (f, (shape, outline)) in zip(features, zip(shapes, oriented)) {
            guard let shape, let outline else { continue }
            switch f.properties["kind"]?.stringValue {
            case "village":
                guard let id = f.properties["id"]?.stringValue, let r = recordByID[id] else { continue }
                var p: JSONObject = [
                    "id": .string(id), "name": r["name"] ?? .null, "commune": r["commune"] ?? .null,
                    "district": r["district"] ?? .null, "households": r["households"] ?? .null,
                    "area_m2": r["area_m2"] ?? .null, "mobile_status": r["mobile_status"] ?? .null,
                    "coverage": r["coverage"] ?? .null, "operators": r["operators"] ?? .null,
                ]
                p.append("fixed_status", r["fixed"]?["status"] ?? .null)
                p.append("fibre_distance_m", r["fixed"]?["distance_m"] ?? .null)
                villages.append((p, shape))
                outlines.villages.append(outline)
            case "mobile_gap":
                gaps.append((["village_id": f.properties["village_id"] ?? .null, "area_m2": f.properties["area_m2"] ?? .null], shape))
                outlines.gaps.append(outline)
            case "fibre_extension":
                extensions.append((["village_id": f.properties["village_id"] ?? .null, "length_m": f.properties["length_m"] ?? .null], shape))
                outlines.extensions.append(outline)
            default: continue
            }
        }

        self.fibre = (fibre ?? []).map { f in
            (["id": f.id.map(JSONValue.string) ?? .null, "operator": f.operator.map(JSONValue.string) ?? .null],
             f.shape.thinned(tolerance: Self.drawingTolerance))
        }
        outlines.fibre = (fibre ?? []).map(\.shape)

        // One dot per site position and operator, with the techs it carries.
        var siteOrder: [String] = []
        var siteTechs: [String: (op: String, at: Coordinate, techs: Set<Tech>)] = [:]
        for s in sectors {
            let key = "\(s.operator)\u{0}\(s.siteID)"
            if siteTechs[key] == nil { siteOrder.append(key); siteTechs[key] = (s.operator, s.location, []) }
            siteTechs[key]!.techs.insert(s.tech)
        }
        sites = siteOrder.map { key in
            let s = siteTechs[key]!
            return (["site_id": .string(String(key.split(separator: "\u{0}", maxSplits: 1).last ?? "")),
                     "operator": .string(s.op), "techs": .array(s.techs.sorted().map { .string($0.rawValue) })], s.at)
        }

        let placeRecords = report["priority_places"]?.arrayValue ?? []
        self.places = try zip(places ?? [], placeRecords).map { place, record in
            let has5G = record["has_5g"]?.boolValue ?? false
            let at: Coordinate
            if case .point(let c) = place.shape { at = c } else { at = try Geometry(place.shape).pointOnSurface().pointCoordinate() }
            return (["id": .string(place.id), "name": .string(place.name), "category": .string(place.category),
                     "has_5g": .bool(has5G)], at, has5G)
        }

        // Labels at the mean of the village centres of each district and commune.
        var districtSums: [String: (Coordinate, Int)] = [:], districtOrder: [String] = []
        var communeSums: [String: (String?, Coordinate, Int)] = [:], communeOrder: [String] = []
        for v in villageRecords {
            guard let c = v["center"]?.arrayValue, c.count == 2, let x = c[0].doubleValue, let y = c[1].doubleValue else { continue }
            if let d = v["district"]?.stringValue {
                if districtSums[d] == nil { districtOrder.append(d) }
                let s = districtSums[d] ?? (Coordinate(0, 0), 0)
                districtSums[d] = (Coordinate(s.0.x + x, s.0.y + y), s.1 + 1)
            }
            if let name = v["commune"]?.stringValue {
                let district = v["district"]?.stringValue
                let key = "\(district ?? "")\u{0}\(name)"
                if communeSums[key] == nil { communeOrder.append(key) }
                let s = communeSums[key] ?? (district, Coordinate(0, 0), 0)
                communeSums[key] = (district, Coordinate(s.1.x + x, s.1.y + y), s.2 + 1)
            }
        }
        districtLabels = districtOrder.map { d in
            let s = districtSums[d]!
            return (d, Coordinate(s.0.x / Double(s.1), s.0.y / Double(s.1)))
        }
        communeLabels = communeOrder.map { key in
            let s = communeSums[key]!
            return (String(key.split(separator: "\u{0}", omittingEmptySubsequences: false).last!), s.0,
                    Coordinate(s.1.x / Double(s.2), s.1.y / Double(s.2)))
        }
        let n = villageRecords.count
        title = districtLabels.count > 0
            ? "Mobile and fixed broadband coverage — \(n) villages in \(districtLabels.count) districts"
            : "Mobile and fixed broadband coverage — \(n) villages"
        if let scenario = report["parameters"]?["scenario"]?["title"]?.stringValue { title += " — scenario: \(scenario)" }
    }

    /// The payload `MapPage` embeds: the compact form of docs/map-payload.md (shared borders
    /// stored once, coordinates on a grid, properties in columns).
    public func payloadJSON() -> String {
        var w = JSONWriter(style: .compact)
        w.beginObject()
        w.key("title"); w.string(title)
        w.key("summary"); w.value(.object(summary))
        w.key("operators"); w.value(.array(operators.map(JSONValue.string)))
        MapPayload.write(layers: [
            ("villages", .init(properties: villages.map(\.properties), shapes: outlines.villages.count == villages.count ? outlines.villages : villages.map(\.shape))),
            ("gaps", .init(properties: gaps.map(\.properties), shapes: outlines.gaps.count == gaps.count ? outlines.gaps : gaps.map(\.shape))),
            ("fibre", .init(properties: fibre.map(\.properties), shapes: outlines.fibre.count == fibre.count ? outlines.fibre : fibre.map(\.shape))),
            ("extensions", .init(properties: extensions.map(\.properties), shapes: outlines.extensions.count == extensions.count ? outlines.extensions : extensions.map(\.shape))),
            ("sites", .init(properties: sites.map(\.properties), shapes: sites.map { .point($0.at) })),
            ("places", .init(properties: places.map(\.properties), shapes: places.map { .point($0.at) })),
        ], into: &w)
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
        return w.text
    }

    public func html() -> String { MapPage.html(payloadJSON: payloadJSON(), thresholds: thresholds) }

    /// The static picture for reports and slides.
    public func svg() -> String {
        let mobile = summary["mobile"]
        let fixed = summary["fixed"]
        var subtitle = "Mobile signal \(pct(mobile?["covered_pct"]?.doubleValue ?? 0)) of villages"
        if let f = fixed?["available_pct"]?.doubleValue { subtitle += " · fixed broadband \(pct(f))" }
        if let p = summary["places"]?["5g_pct"]?.doubleValue { subtitle += " · 5G at \(pct(p)) of priority places" }
        // A picture 1600 px wide needs no detail below half a pixel.
        let width = 1600
        let extent = villages.reduce(nil as Bounds?) { b, v in v.shape.bounds.map { b?.union($0) ?? $0 } ?? b }
        let tolerance = extent.map { max($0.width, $0.height) / Double(2 * width) } ?? 0
        func thin(_ s: Shape) -> Shape { s.thinned(tolerance: tolerance) }
        let input = MapPictureInput(
            title: title, subtitle: subtitle,
            villages: villages.map { .init(shape: thin($0.shape), status: $0.properties["mobile_status"]?.stringValue ?? "") },
            gaps: gaps.map { thin($0.shape) }, fibre: fibre.map { thin($0.shape) }, extensions: extensions.map(\.shape),
            sites: sites.map(\.at), places: places.map { .init(at: $0.at, name: $0.properties["name"]?.stringValue ?? "", has5G: $0.has5G) },
            thresholds: thresholds)
        return MapPicture.svg(input, width: width)
    }
}

private func round5(_ x: Double) -> Double { (x * 100_000).rounded() / 100_000 }
