import Foundation
import Geo

/// Commune, ward and town centres: priority places of category `commune_centre`, where the plan
/// wants mobile signal and fixed broadband (5G is not asked of them).
public enum CommuneCentres {
    /// The category that marks a place as a commune, ward or town centre.
    public static let category = "commune_centre"

    /// Mobile signal and fixed broadband at every centre among `places`, in the places' order. A
    /// centre given as a polygon is judged at its point-on-surface.
    public static func assess(_ places: [PriorityPlace], access: PointAccess) throws -> [CentreAccess] {
        try places.enumerated().filter { $0.1.category == category }.map { i, p in
            let xy: Coordinate
            if case .point(let c) = p.shape {
                xy = try access.project(c)
            } else {
                xy = try Geometry(try Projection.cached(from: "EPSG:4326", to: access.crs).transform(p.shape)).pointOnSurface().pointCoordinate()
            }
            let d = try access.fibreDistance(xy)
            return CentreAccess(placeIndex: i, id: p.id, name: p.name, mobileCovered: try access.covered(xy),
                                fixedAvailable: d.map { $0 <= access.reach }, fibreDistanceM: d)
        }
    }
}

/// Mobile signal and fixed broadband at one commune centre.
public struct CentreAccess: Sendable {
    /// The centre's index among the priority places.
    public var placeIndex: Int
    public var id: String
    public var name: String
    /// A sector footprint of any technology covers the centre.
    public var mobileCovered: Bool
    /// Fibre within reach of the centre; nil without a fibre layer.
    public var fixedAvailable: Bool?
    /// Distance to the nearest fibre feature, metres; nil without a fibre layer.
    public var fibreDistanceM: Double?
}

/// The province's figures over its commune centres (`summary.commune_centres`).
public struct CentreFigures: Sendable {
    public var total = 0, mobileCovered = 0, fixedAvailable = 0
    public var hasFixed = false

    public init(_ centres: [CentreAccess], hasFixed: Bool) {
        total = centres.count
        mobileCovered = centres.filter(\.mobileCovered).count
        fixedAvailable = centres.filter { $0.fixedAvailable == true }.count
        self.hasFixed = hasFixed
    }

    /// Shares are null when there is no centre to count (no data, rather than 0 %).
    public var mobilePct: Double? { total == 0 ? nil : percent(mobileCovered, total) }
    public var fixedPct: Double? { total == 0 || !hasFixed ? nil : percent(fixedAvailable, total) }
}
