import CoverageReport
import Geo
import GeoIO

/// Which report files an analysis writes, and how.
public struct ReportOutputs: Sendable {
    /// A kind of report file (`--outputs`).
    public enum Kind: String, CaseIterable, Sendable {
        case json, geojson, csv, gpkg, kmz
        /// report.html with report.svg and report.png.
        case html
    }

    /// The default: everything cheap, plus the map.
    public static let defaultKinds: Set<Kind> = [.json, .geojson, .csv, .html]

    public var kinds: Set<Kind>
    public var csvDialect: CSVDialect
    /// `PlanReport.geojsonFeatures()` for report.gpkg's proposed_sites, when a plan was made.
    public var plan: [(properties: JSONObject, geometry: Shape?)]?

    /// Whether a run draws the map: unless left out (`--no-map`), with report.html.
    public static func drawsMap(_ map: Bool, kinds: Set<Kind>) -> Bool { map && kinds.contains(.html) }

    public init(kinds: Set<Kind> = defaultKinds, csvDialect: CSVDialect = .standard, plan: [(properties: JSONObject, geometry: Shape?)]? = nil) {
        self.kinds = kinds
        self.csvDialect = csvDialect
        self.plan = plan
    }
}
