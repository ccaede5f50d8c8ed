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
/// footprint of any technology covers it, and fixed broadband when fibre lies within reach.
public struct PointAccess {
    let sectors: [Sector]
    let footprints: [ProjectedFootprint]
    let index: BoundsIndex
    let fibre: SpatialIndex?
    let reach: Double
    let crs: String

    /// Builds the footprints of `input`'s sectors in the working CRS `crs`, as the overlay does.
    public init(input: AnalysisInput, parameters: AnalysisParameters, crs: String) throws {
        sectors = input.sectors
        let projection = try Projection.cached(from: "EPSG:4326", to: crs)
        footprints = try sectors.map { s in
            let ring = Footprint.ring(of: s, radius: parameters.radius(for: s), arcStep: parameters.arcStep)
            return ProjectedFootprint(s, ring: try projection.transformed(ring), radius: parameters.radius(for: s))
        }
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

    /// Whether a footprint of a technology `tech` accepts (any, by default) covers the point (working CRS).
    public func covered(_ xy: Coordinate, tech: (Tech) -> Bool = { _ in true }) throws -> Bool {
        let point = try Geometry.point(xy)
        let box = Bounds(minX: xy.x, minY: xy.y, maxX: xy.x, maxY: xy.y)
        for f in index.query(box) where tech(sectors[f].tech) && footprints[f].bounds.contains(box) {
            if try footprints[f].geometry().covers(point) { return true }
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
