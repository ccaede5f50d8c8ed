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

extension HouseholdAccess {
    /// Each point checked for mobile signal and fixed broadband, and counted in the village that holds it.
    /// - Parameter locator: the villages' locator when the caller has one already.
    public static func measure(_ points: [HouseholdPoint], villages: [Village], result: AnalysisResult,
                               access: PointAccess, locator: VillageLocator? = nil) throws -> HouseholdAccess {
        let locator = try locator ?? VillageLocator(villages: villages, result: result)
        let jobs = max(1, result.parameters.jobs ?? defaultJobs)
        let judged = try parallelMap(points.count, jobs: jobs, chunk: 512) { i -> (village: Int?, mobile: Bool, fixed: Bool?) in
            let xy = try access.project(points[i].location)
            return (locator.village(containing: xy), try access.covered(xy), try access.fixedAvailable(xy))
        }
        let hasFixed = access.fibre != nil
        let empty = VillageHouseholds(fixed: hasFixed ? 0 : nil)
        var all = empty, outside = 0.0
        var perVillage = Array(repeating: empty, count: villages.count)
        // Summed in the points' order, so the figures do not depend on the thread count.
        for (p, j) in zip(points, judged) {
            func add(_ h: inout VillageHouseholds) {
                h.total += p.count
                if j.mobile { h.mobile += p.count }
                if j.fixed == true { h.fixed! += p.count }
            }
            add(&all)
            if let v = j.village { add(&perVillage[v]) } else { outside += p.count }
        }
        return HouseholdAccess(all: all, villages: perVillage, outside: outside)
    }

    /// With `--status-by households`: a village's mobile status from the share of its households
    /// with signal (the same thresholds as the area share); villages without household points keep
    /// the status of their area.
    public func applyStatus(to result: inout AnalysisResult) {
        for i in result.villages.indices {
            guard let share = villages[i].mobilePct else { continue }
            result.villages[i].mobileStatus = result.parameters.mobileStatus(share / 100)
        }
    }
}

extension InputLoader {
    /// Household points from GeoJSON: Point features, with an optional `count` property (default 1).
    public mutating func households(_ fc: FeatureCollection, file: String) throws -> [HouseholdPoint] {
        let toLonLat = try lonLatTransform(fc, file: file)
        return try fc.features.map { f in
            let fail = Self.failure(file, f)
            guard case .point(var c)? = f.geometry else {
                throw fail("geometry", "\(f.geometry?.typeName ?? "null"); a household is a Point")
            }
            if let toLonLat { c = try toLonLat.transform(c) }
            try Self.checkLonLat(c, fail, field: "geometry")
            let count: Double
            switch f.properties["count"] {
            case nil, .null?: count = 1
            case .number(let n)?: count = n
            case .string(let s)?:
                guard let n = Self.number(s) else { throw fail("count", Self.notANumber(s)) }
                count = n
            default: throw fail("count", "must be a number")
            }
            if !(count >= 0) || !count.isFinite { throw fail("count", "\(Self.format(count)) must be a non-negative number of households") }
            return HouseholdPoint(location: c, count: count)
        }
    }

    /// Household points from CSV: `lat`, `lon` (WGS 84 degrees) and an optional `count` (default 1).
    public mutating func households(_ table: CSVTable) throws -> [HouseholdPoint] {
        let missing = ["lat", "lon"].filter { !table.hasColumn($0) }
        if !missing.isEmpty {
            throw InputError(file: table.source, location: "row 1", field: missing.joined(separator: ", "),
                             message: "missing column\(missing.count > 1 ? "s" : ""); a households table needs lat and lon (and optionally count); the header has \(table.header.joined(separator: ","))")
        }
        return try table.rows.map { row in
            let fail: (String, String) -> InputError = { table.error(row, field: $0, $1) }
            let location = try siteLocation(lat: row["lat"] ?? "", lon: row["lon"] ?? "", fail)
            let count = try optionalNumber(row["count"], field: "count", fail) ?? 1
            if count < 0 { throw fail("count", "\(Self.format(count)) must be a non-negative number of households") }
            return HouseholdPoint(location: location, count: count)
        }
    }
}

extension InputSet {
    /// A household file: GeoJSON points when the name ends in .geojson or .json, else CSV; the points and the file's bytes.
    public static func households(at path: String, inputCRS: String? = nil) throws -> (points: [HouseholdPoint], bytes: [UInt8]) {
        let read = try readPoints(at: path, inputCRS: inputCRS, geojson: { try $0.households($1, file: path) },
                                  csv: { try $0.households($1) })
        return (read.value, read.bytes)
    }
}
