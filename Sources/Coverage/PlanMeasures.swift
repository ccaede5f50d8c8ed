import Foundation
import Geo
import GeoIO

/// What the plan asks beyond village coverage: commune centres, households where they live, and
/// download speeds from measurements. Computed after the overlay, from the same footprints' model.
public struct PlanMeasures: Sendable {
    /// One per commune centre (places of category `commune_centre`), in the places' order.
    public var centres: [CentreAccess] = []
    /// Whether the places file was given (so that zero centres means "none in the file").
    public var hasPlaces = false
    /// From household points when given.
    public var households: HouseholdAccess?
    /// Per village (input order), per class with measurements; empty without speed tests.
    public var quality: [[SpeedClass: VillageQuality]] = []
    /// The floors the quality was judged against; nil without speed tests.
    public var speed: SpeedParameters?
    /// Villages where the measurements disagree with the model.
    public var disagreements: [ModelDisagreement] = []

    public init() {}

    /// No measures at all: nothing to add to the reports.
    public static let none = PlanMeasures()
}

/// Whether points get mobile signal and fixed broadband: a point has mobile signal when a sector
/// footprint of any technology covers it (under a propagation model, when the link from a sector
/// within reach closes at the point, as `best_link` judges a village's centre), and fixed
/// broadband when fibre lies within reach.
public struct PointAccess: Sendable {
    let sectors: [Sector]
    let footprints: [ProjectedFootprint]
    let index: BoundsIndex
    /// The sectors by reach under a propagation model; nil for flat wedges.
    let links: ReachIndex?
    let fibre: SpatialIndex?
    let reach: Double
    let crs: String

    /// Builds the footprints of `input`'s sectors in the working CRS `crs`, as the overlay does.
    public init(input: AnalysisInput, parameters: AnalysisParameters, crs: String) throws {
        sectors = input.sectors
        let projection = try Projection.cached(from: "EPSG:4326", to: crs)
        let flat = parameters.radio.mode == .fixed
        links = flat ? nil : ReachIndex(sectors: sectors, parameters: parameters)
        footprints = try (flat ? sectors : []).map { try ProjectedFootprint.of($0, parameters: parameters, crs: crs).projected }
        index = BoundsIndex(footprints.map(\.bounds))
        fibre = try input.fibre.map { features in
            try SpatialIndex(try features.map { try Geometry(try projection.transform($0.shape)) })
        }
        reach = parameters.fibreReach
        self.crs = crs
    }

    /// The point in the working CRS.
    public func project(_ lonLat: Coordinate) throws -> Coordinate {
        try Projection.cached(from: "EPSG:4326", to: crs).transform(lonLat)
    }

    /// Whether a sector footprint of any technology covers the point (working CRS), its edge included.
    public func covered(_ xy: Coordinate) throws -> Bool {
        if let links {
            return try links.covers(try Projection.cached(from: "EPSG:4326", to: crs).transform(xy, inverse: true))
        }
        let box = Bounds(minX: xy.x, minY: xy.y, maxX: xy.x, maxY: xy.y)
        var point: Geometry?
        for f in index.query(box) where footprints[f].bounds.contains(box) {
            let fp = footprints[f]
            // Convex footprints answer by their edges; the others (wider than 180°) through GEOS.
            if fp.convex {
                if fp.window.holdsAll([xy]) { return true }
                continue
            }
            if point == nil { point = try Geometry.point(xy) }
            if try fp.geometry().covers(point!) { return true }
        }
        return false
    }

    /// The distance from the point (working CRS) to the nearest fibre feature; nil without fibre.
    public func fibreDistance(_ xy: Coordinate) throws -> Double? {
        guard let fibre else { return nil }
        let point = try Geometry.point(xy)
        guard let n = try fibre.nearest(to: point) else { return .infinity }
        return try fibre.geometries[n].distance(to: point)
    }

    /// Whether fibre lies within reach of the point: nil without a fibre layer.
    public func fixedAvailable(_ xy: Coordinate) throws -> Bool? {
        try fibreDistance(xy).map { $0 <= reach }
    }
}

extension PlanMeasures {
    /// Commune centres (from the places), household points and speed tests, judged with the
    /// analysis's model and working CRS.
    public static func measure(input: AnalysisInput, result: AnalysisResult, households: [HouseholdPoint]? = nil,
                               speedTests: SpeedTestSet? = nil, speed: SpeedParameters = SpeedParameters()) throws -> PlanMeasures {
        var m = PlanMeasures()
        m.hasPlaces = input.places != nil
        let needsPoints = (input.places ?? []).contains { $0.category == CommuneCentres.category } || households != nil
        let access = needsPoints ? try PointAccess(input: input, parameters: result.parameters, crs: result.crs) : nil
        if let access, let places = input.places {
            m.centres = try CommuneCentres.assess(places, access: access)
        }
        // Which village holds a point: one locator for households and speed tests alike.
        let locator = households != nil || speedTests != nil ? try VillageLocator(villages: input.villages, result: result) : nil
        if let access, let households {
            m.households = try HouseholdAccess.measure(households, villages: input.villages, result: result, access: access, locator: locator)
        }
        if let speedTests {
            m.speed = speed
            m.quality = try speedTests.quality(villages: input.villages, result: result, speed: speed, locator: locator)
            m.disagreements = ModelDisagreement.find(quality: m.quality, result: result, speed: speed)
        }
        return m
    }
}

/// Which village a point lies in: an index over the villages' boxes, then the even-odd rule over
/// the rings of the candidates (the polygons as analysed, repaired where they had to be).
public struct VillageLocator: Sendable {
    /// The villages in the working CRS.
    let shapes: [Shape]
    let rings: [[[Coordinate]]]
    let index: BoundsIndex

    public init(villages: [Village], result: AnalysisResult) throws {
        let projection = try Projection.cached(from: "EPSG:4326", to: result.crs)
        shapes = try zip(villages, result.villages).map { v, r in try projection.transform(r.repairedShape ?? v.shape) }
        rings = shapes.map(VillageOverlay.polygonRings)
        index = BoundsIndex(rings.map { Bounds(of: $0.flatMap { $0 }) })
    }

    /// The first village (in input order) whose polygon holds the point (working CRS); nil for none.
    public func village(containing p: Coordinate) -> Int? {
        index.query(Bounds(minX: p.x, minY: p.y, maxX: p.x, maxY: p.y)).sorted().first { evenOddContains(rings[$0], p) }
    }
}
