import Foundation
import Geo

/// A radio technology generation.
public enum Tech: String, CaseIterable, Comparable, Sendable {
    case g2 = "2G", g3 = "3G", g4 = "4G", g5 = "5G"

    /// Reads "2G"…"5G" and the standards' names (GSM, UMTS, LTE, NR), case-insensitively.
    public init?(parsing text: String) {
        switch text.trimmedSpaces.uppercased() {
        case "2G", "GSM": self = .g2
        case "3G", "UMTS", "WCDMA", "HSPA": self = .g3
        case "4G", "LTE": self = .g4
        case "5G", "NR": self = .g5
        default:
            guard let name = TechName(text) else { return nil }
            self = name.tech
        }
    }

    /// docs/model.md §2's default coverage radius in metres.
    public var defaultRadius: Double {
        switch self {
        case .g2: return 5000
        case .g3: return 3000
        case .g4: return 2500
        case .g5: return 800
        }
    }

    public static func < (a: Tech, b: Tech) -> Bool { a.rawValue < b.rawValue }
}

/// The classes coverage is reported for: any signal, broadband (3G and newer), and each generation.
public enum CoverageClass: String, CaseIterable, Sendable {
    case mobile, broadband, g2 = "2G", g3 = "3G", g4 = "4G", g5 = "5G"

    public func includes(_ tech: Tech) -> Bool {
        switch self {
        case .mobile: return true
        case .broadband: return tech != .g2
        case .g2: return tech == .g2
        case .g3: return tech == .g3
        case .g4: return tech == .g4
        case .g5: return tech == .g5
        }
    }
}

public enum MobileStatus: String, Sendable, Comparable {
    case covered, partial, uncovered

    /// Worse is larger: covered < partial < uncovered.
    var rank: Int { self == .covered ? 0 : self == .partial ? 1 : 2 }
    public static func < (a: MobileStatus, b: MobileStatus) -> Bool { a.rank < b.rank }
}

public enum FixedStatus: String, Sendable {
    case available, unavailable
}

/// A village (thôn, làng, tổ dân phố): the unit the plan counts.
public struct Village: Sendable {
    public var id: String
    public var name: String
    public var commune: String?
    public var district: String?
    public var province: String?
    public var population: Double?
    public var households: Double?
    /// Where fibre must arrive, lon/lat; nil means the point-on-surface of the polygon.
    public var center: Coordinate?
    /// Polygon or MultiPolygon, lon/lat.
    public var shape: Shape {
        get { kept?.shape ?? madeShape }
        set { madeShape = newValue; kept = nil }
    }
    /// The polygon's lon/lat box; nil when it has no positions. A polygon kept in a side file is
    /// not decoded for it.
    public var bounds: Bounds? { kept.map(\.bounds) ?? madeShape.bounds }

    private var madeShape: Shape
    /// The polygon as a side file keeps it, for a village a `--since` run takes from there: most
    /// of them are never measured or drawn again, so it is decoded only when asked for.
    private var kept: KeptShape?
    /// False while the polygon is one kept in a side file that nothing has asked for yet.
    var isShapeMade: Bool { kept?.isMade ?? true }

    public init(id: String, name: String, commune: String? = nil, district: String? = nil, province: String? = nil,
                population: Double? = nil, households: Double? = nil, center: Coordinate? = nil, shape: Shape) {
        self.id = id; self.name = name; self.commune = commune; self.district = district; self.province = province
        self.population = population; self.households = households; self.center = center; self.madeShape = shape
    }

    /// A village whose polygon is `kept`, decoded when first asked for.
    init(id: String, name: String, commune: String?, district: String?, province: String?,
         population: Double?, households: Double?, center: Coordinate?, kept: KeptShape) {
        self.init(id: id, name: name, commune: commune, district: district, province: province,
                  population: population, households: households, center: center, shape: .geometryCollection([]))
        self.kept = kept
    }
}

/// One sector of a base station: a row of the sites table.
public struct Sector: Sendable {
    public var siteID: String
    public var `operator`: String
    public var tech: Tech
    /// The antenna's position, lon/lat.
    public var location: Coordinate
    /// Degrees clockwise from true north; nil for an omnidirectional antenna.
    public var azimuth: Double?
    /// Horizontal beamwidth in degrees; ≥ 360 means omnidirectional.
    public var beamwidth: Double
    /// Coverage radius in metres; nil means the tech's radius in force.
    public var radius: Double?
    /// How far the recorded position may be from the real one (OpenCelliD's `range`), metres.
    public var positionUncertainty: Double?
    /// The radio columns (height_m, frequency_mhz, eirp_dbm, environment); nil means the default.
    public var heightM: Double?, frequencyMHz: Double?, eirpDBm: Double?, environment: Environment?

    public init(siteID: String, operator op: String, tech: Tech, location: Coordinate,
                azimuth: Double? = nil, beamwidth: Double = 360, radius: Double? = nil, positionUncertainty: Double? = nil) {
        self.siteID = siteID; self.operator = op; self.tech = tech; self.location = location
        self.azimuth = azimuth; self.beamwidth = beamwidth; self.radius = radius
        self.positionUncertainty = positionUncertainty
    }

    public var isOmnidirectional: Bool { azimuth == nil || beamwidth >= 360 }
}

/// A fibre route (line) or access node (point), lon/lat.
public struct FibreFeature: Sendable {
    public var id: String?
    public var `operator`: String?
    public var shape: Shape

    public init(id: String? = nil, operator op: String? = nil, shape: Shape) {
        self.id = id; self.operator = op; self.shape = shape
    }
}

/// A place the plan wants 5G at: district centre, industrial park, hospital, school, station, seaport, airport…
public struct PriorityPlace: Sendable {
    public var id: String
    public var name: String
    public var category: String
    /// Point or polygon, lon/lat.
    public var shape: Shape

    public init(id: String, name: String, category: String, shape: Shape) {
        self.id = id; self.name = name; self.category = category; self.shape = shape
    }
}

/// Everything the analysis reads.
public struct AnalysisInput: Sendable {
    public var villages: [Village]
    public var sectors: [Sector]
    public var fibre: [FibreFeature]?
    public var places: [PriorityPlace]?
    /// The file each role was read from ("villages" → "villages.geojson"), for errors that the
    /// analysis finds (a site no projection reaches); empty for inputs made in code.
    public var sources: [String: String] = [:]

    public init(villages: [Village], sectors: [Sector], fibre: [FibreFeature]? = nil, places: [PriorityPlace]? = nil) {
        self.villages = villages; self.sectors = sectors; self.fibre = fibre; self.places = places
    }
}

/// Every parameter of the model (docs/model.md §3), with its default.
public struct AnalysisParameters: Sendable {
    /// The metric CRS lengths and areas are computed in; nil means the UTM zone of the villages' centre.
    public var crs: String?
    /// Degrees between arc vertices of a footprint.
    public var arcStep: Double = 2
    /// Coverage radius per tech when a sector gives none.
    public var radius: [Tech: Double] = Dictionary(uniqueKeysWithValues: Tech.allCases.map { ($0, $0.defaultRadius) })
    public var fibreReach: Double = 1000
    public var coveredMin: Double = 0.95
    public var uncoveredMax: Double = 0.05
    /// Mobile gap polygons smaller than this (m²) are not reported.
    public var minGapArea: Double = 10_000
    /// A priority polygon has 5G when at least this share of it is covered.
    public var placeCoveredMin: Double = 0.95
    /// Worker threads; nil means all cores.
    public var jobs: Int?
    /// The "what if" the input was filtered by (operators counted, technologies left out).
    public var scenario = Scenario()
    /// The propagation model and link budget (`fixed` draws the radius wedges).
    public var radio = RadioParameters()

    public init() {}

    public func radius(for sector: Sector) -> Double { sector.radius ?? radius[sector.tech] ?? sector.tech.defaultRadius }

    public func mobileStatus(_ fraction: Double) -> MobileStatus {
        if fraction >= coveredMin { return .covered }
        if fraction < uncoveredMax { return .uncovered }
        return .partial
    }
}
