import Foundation
import Geo
import GeoIO

/// The classes speed floors apply to.
public enum SpeedClass: String, CaseIterable, Sendable, Comparable {
    case g4 = "4G", g5 = "5G", fixed

    public static func < (a: SpeedClass, b: SpeedClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Whether a village's measurements reach the floor.
public enum QualityStatus: String, Sendable {
    case meets, below
    /// Fewer tests than `--min-tests`.
    case noData = "no_data"
}

/// The speed floors and the least number of tests a village needs for a verdict.
public struct SpeedParameters: Sendable, Equatable {
    public var floor4G = 40.0, floor5G = 100.0, floorFixed = 200.0
    public var minTests = 10.0

    public init() {}

    public func floor(_ c: SpeedClass) -> Double {
        switch c {
        case .g4: return floor4G
        case .g5: return floor5G
        case .fixed: return floorFixed
        }
    }
}

/// A village's measured download speed in one class.
public struct VillageQuality: Sendable, Equatable {
    /// Tests-weighted mean download, Mb/s.
    public var meanMbps: Double
    /// Tests counted (a tile shared by villages gives each its share of the tests).
    public var tests: Double
    /// Share of tests at or above the floor, 0–1.
    public var shareAtFloor: Double
    /// Share of tests below 1 Mb/s, 0–1.
    public var shareBelow1: Double
    public var status: QualityStatus
}

/// A village where measurements and the model disagree.
public struct ModelDisagreement: Sendable {
    public enum Kind: String, Sendable {
        /// Mobile tests were made there, but the model says uncovered.
        case testsWhereUncovered = "tests_where_uncovered"
        /// The model says covered, and enough tests were all below 1 Mb/s.
        case coveredButSlow = "covered_but_slow"
    }

    public var village: Int
    public var kind: Kind
    public var tests: Double
    public var meanMbps: Double
}
