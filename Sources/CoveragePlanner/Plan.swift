import Coverage
import Foundation
import Geo

/// What `covgap plan` is asked for, with its defaults.
public struct PlanOptions: Sendable {
    /// How many new sites to propose at most.
    public var newSites = 1
    /// Technology of the proposed sites (omnidirectional).
    public var tech: Tech = .g4
    /// Coverage radius of a proposed site in metres; nil means the tech's radius in force.
    public var radius: Double?
    /// The operator written in the proposed sites.csv rows.
    public var operatorName = "Proposed"
    /// Where a site may go, lon/lat; nil means points generated inside the mobile gaps.
    public var candidates: [Coordinate]?
    /// Spacing of the candidate grid over each gap, as a share of the radius.
    public var gridSpacingShare = 0.2
    /// Roads, power lines… a fibre extension may follow, lon/lat lines; nil means straight extensions only.
    public var corridors: [[Coordinate]]?
    /// Corridor ends closer than this to another corridor are joined to it, metres.
    public var snapTolerance = 5.0
    /// Cost of building fibre, VND per km. An assumption (aerial cable on existing poles, materials and
    /// labour); replace it with the operator's own figure.
    public var fibreCostPerKm = 150_000_000.0

    public init() {}

    public func radius(_ parameters: AnalysisParameters) -> Double { radius ?? parameters.radius[tech] ?? tech.defaultRadius }
}

/// A village whose mobile coverage a proposed site raises.
public struct VillageGain: Sendable {
    /// Index in the input's villages.
    public var index: Int
    public var before: Double
    public var after: Double
    public var statusBefore: MobileStatus
    public var statusAfter: MobileStatus

    public var newlyCovered: Bool { statusBefore != .covered && statusAfter == .covered }
}

/// A site the plan proposes, with what it brings.
public struct ProposedSite: Sendable {
    /// One omnidirectional sector, as it would appear in sites.csv.
    public var sector: Sector
    public var radius: Double
    /// The footprint as the analysis builds it, lon/lat.
    public var footprint: Shape
    /// Villages whose mobile fraction rises, in input order.
    public var villages: [VillageGain]
    /// Households in villages newly brought to covered status (villages with households known).
    public var householdsCovered: Double
    public var villagesCovered: Int
    /// Gap area newly covered, m² in the working CRS.
    public var areaCoveredM2: Double
}

/// The cheapest way found to bring fibre to a village without fixed broadband.
public struct FibreExtensionPlan: Sendable {
    /// Index in the input's villages.
    public var index: Int
    /// Straight from the nearest point of the network to the village centre (the analysis' distance).
    public var straightM: Double
    /// Along the corridors, when a route was found.
    public var routedM: Double?
    /// The line to build, lon/lat: from the network to the village centre.
    public var path: [Coordinate]
    public var costVND: Double
    public var households: Double?

    /// The length costed: routed when there is a route, else straight.
    public var lengthM: Double { routedM ?? straightM }
    /// Cost per household; nil when the village's households are unknown or zero.
    public var costPerHousehold: Double? { households.flatMap { $0 > 0 ? costVND / $0 : nil } }
}

/// An existing 4G site that could carry 5G to a priority place.
public struct UpgradeOption: Sendable {
    public var siteID: String
    public var `operator`: String
    public var location: Coordinate
    /// Geodesic distance from the place, metres.
    public var distanceM: Double
}

/// The nearest upgradable site of each operator for one priority place without 5G.
public struct PlaceUpgrade: Sendable {
    /// Index in the input's places.
    public var index: Int
    /// The point the distances are measured from, lon/lat (the place, or a point on its surface).
    public var location: Coordinate
    /// One per operator, nearest first.
    public var options: [UpgradeOption]
}

/// Where to build, how much fibre, what to upgrade.
public struct Plan: Sendable {
    public var input: AnalysisInput
    public var result: AnalysisResult
    public var options: PlanOptions
    public var sites: [ProposedSite]
    /// Villages without fixed broadband, cheapest per household first; villages without households last, by cost.
    public var fibre: [FibreExtensionPlan]
    /// Priority places without 5G, in input order.
    public var upgrades: [PlaceUpgrade]
    /// Candidate locations the site search weighed.
    public var candidateCount: Int
}

/// Builds a plan from a finished analysis: proposed sites (greedy maximal covering), fibre extensions
/// (straight, or routed along corridors) and 5G upgrades.
public struct GapPlanner {
    public let input: AnalysisInput
    public let result: AnalysisResult
    public let options: PlanOptions

    public init(input: AnalysisInput, result: AnalysisResult, options: PlanOptions = PlanOptions()) {
        self.input = input
        self.result = result
        self.options = options
    }

    public func run() throws -> Plan {
        // The planner measures in one working CRS; villages in several UTM zones need one plan per zone.
        if !result.crsZones.isEmpty { throw PlanAcrossZones(zones: result.crsZones) }
        let (sites, candidateCount) = try SitePlanner(input: input, result: result, options: options).run()
        let fibre = try FibrePlanner(input: input, result: result, options: options).run()
        let upgrades = try upgradePlan()
        return Plan(input: input, result: result, options: options, sites: sites, fibre: fibre,
                    upgrades: upgrades, candidateCount: candidateCount)
    }

    /// For each place without 5G, the nearest site with a 4G sector of each operator.
    func upgradePlan() throws -> [PlaceUpgrade] {
        guard let places = input.places else { return [] }
        var seen = Set<[String]>()
        var sites4G: [(id: String, op: String, location: Coordinate)] = []
        for s in input.sectors where s.tech == .g4 && seen.insert([s.operator, s.siteID]).inserted {
            sites4G.append((s.siteID, s.operator, s.location))
        }
        let p = try Projection.cached(from: "EPSG:4326", to: result.crs)
        var out: [PlaceUpgrade] = []
        for (i, place) in places.enumerated() where !result.places[i].has5G {
            let location: Coordinate
            if case .point(let c) = place.shape {
                location = c
            } else {
                let g = try Geometry(try p.transform(place.shape))
                location = try p.transform(try g.pointOnSurface().pointCoordinate(), inverse: true)
            }
            var best: [String: UpgradeOption] = [:]
            for s in sites4G {
                let d = Geodesic.wgs84.distance(from: location, to: s.location)
                if let b = best[s.op], (b.distanceM, b.siteID) <= (d, s.id) { continue }
                best[s.op] = UpgradeOption(siteID: s.id, operator: s.op, location: s.location, distanceM: d)
            }
            let options = best.values.sorted { ($0.distanceM, $0.operator) < ($1.distanceM, $1.operator) }
            out.append(PlaceUpgrade(index: i, location: location, options: options))
        }
        return out
    }
}

/// The villages span UTM zones, and a plan is made in one working CRS.
public struct PlanAcrossZones: Error, CustomStringConvertible, Sendable {
    public var zones: [String]
    public var description: String {
        "the villages lie in \(zones.count) UTM zones (\(zones.joined(separator: ", "))) and a plan is made in one; "
            + "plan each zone's villages on their own"
    }
}
