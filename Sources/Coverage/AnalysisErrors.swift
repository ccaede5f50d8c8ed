import Foundation
import Geo
import GeoIO

/// Failures found during the analysis (a projection that does not reach a site, a polygon GEOS
/// cannot handle), attributed to the file, the feature or row, and the field they come from.
extension AnalysisInput {
    func villageError(_ i: Int, field: String, _ error: Error) -> InputError {
        if let e = error as? InputError { return e }
        return InputError(file: sources["villages"] ?? "villages", location: "feature \(i)", field: field,
                          message: "\(error) (village id \(villages[i].id))")
    }

    func placeError(_ i: Int, field: String, _ error: Error) -> InputError {
        if let e = error as? InputError { return e }
        return InputError(file: sources["places"] ?? "places", location: "feature \(i)", field: field, message: "\(error)")
    }

    func fibreError(_ i: Int, field: String, _ error: Error) -> InputError {
        if let e = error as? InputError { return e }
        return InputError(file: sources["fibre"] ?? "fibre", location: "feature \(i)", field: field, message: "\(error)")
    }

    /// A sector's error: sites files hold one sector per CSV row (the header is row 1) or per GeoJSON feature.
    func sectorError(_ i: Int, field: String, _ error: Error) -> InputError {
        if let e = error as? InputError { return e }
        let file = sources["sites"] ?? "sites"
        let geojson = InputSet.namesGeoJSON(file)
        let s = sectors[i]
        return InputError(file: file, location: geojson ? "feature \(i)" : "row \(i + 2)", field: field,
                          message: "the footprint of site \(s.siteID) at [\(s.location.x), \(s.location.y)] cannot be measured: \(error)")
    }
}
