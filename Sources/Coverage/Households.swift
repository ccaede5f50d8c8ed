import Foundation
import Geo
import GeoIO

/// A household location (or a group of households at one point).
public struct HouseholdPoint: Sendable {
    /// lon/lat.
    public var location: Coordinate
    /// Households at the point (default 1).
    public var count: Double

    public init(location: Coordinate, count: Double = 1) {
        self.location = location; self.count = count
    }
}

/// Households at one village's points, and how many get mobile signal and fixed broadband.
public struct VillageHouseholds: Sendable, Equatable {
    public var total = 0.0, mobile = 0.0
    /// nil without a fibre layer.
    public var fixed: Double?

    public init(total: Double = 0, mobile: Double = 0, fixed: Double? = nil) {
        self.total = total; self.mobile = mobile; self.fixed = fixed
    }

    public var mobilePct: Double? { total > 0 ? 100 * mobile / total : nil }
    public var fixedPct: Double? { total > 0 ? fixed.map { 100 * $0 / total } : nil }
}

/// Mobile signal and fixed broadband where households live, from household points.
public struct HouseholdAccess: Sendable {
    /// Every point's households, counted once.
    public var all: VillageHouseholds
    /// Per village, input order.
    public var villages: [VillageHouseholds]
    /// Households at points inside no village (still in `all`).
    public var outside = 0.0
}
