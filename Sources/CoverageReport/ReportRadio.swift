import Foundation
import Geo
import GeoIO
import Coverage

/// The radio model's part of report.json: written only when a model other than `fixed` ran, so
/// that `fixed` reports stay as they were.
extension Report {
    static func radioJSON(_ r: RadioParameters) -> JSONObject {
        func perTech(_ value: (Tech) -> Double) -> JSONValue {
            var o = JSONObject()
            for t in Tech.allCases { o.append(t.rawValue, .number(value(t))) }
            return .object(o)
        }
        var o: JSONObject = [
            "model": .string(r.mode.rawValue),
            "basic_loss": .string(r.mode == .los ? "none (line of sight only)" : "Okumura–Hata 150–1500 MHz, COST-231 Hata above (extrapolated beyond 2000 MHz)"),
            "diffraction": .string(r.mode == .terrain ? "Bullington equivalent knife edge, ITU-R P.526 J(ν), minus the smooth-earth value" : "none"),
            "earth_radius_m": .number(r.earthRadius),
            "environment_default": .string(r.environment.rawValue),
            "rx_height_m": .number(r.rxHeight),
            "threshold_dbm": perTech { r.threshold[$0] ?? $0.defaultThreshold },
            "antenna_height_m_default": .number(Tech.defaultAntennaHeight),
            "frequency_mhz_default": perTech(\.defaultFrequency),
            "eirp_dbm_default": perTech(\.defaultEIRP),
            "sampling": .string(r.dem == nil ? "none" : "radials every arc_step_deg, samples at the DEM cell size, heights bilinear"),
        ]
        if let dem = r.dem {
            o.append("dem", [
                "path": .string(dem.path),
                "sha256": r.demSHA256.map(JSONValue.string) ?? .null,
                "crs": .string(dem.crsCode ?? "WKT"),
                "width": .number(Double(dem.width)), "height": .number(Double(dem.height)),
                "cell_size": [.number(dem.cellSize.x), .number(dem.cellSize.y)],
                "nodata_cells": .number(Double(dem.noDataCount)),
            ])
        } else {
            o.append("dem", .null)
        }
        return o
    }

    func bestLinkJSON(_ b: BestLink?) -> JSONValue {
        guard let b else { return .null }
        let l = b.link
        return [
            "site_id": .string(b.siteID), "operator": .string(b.operator), "tech": .string(b.tech.rawValue),
            "distance_m": .number(round2(l.distance)),
            "path_loss_db": l.pathLoss.map { .number(round2($0)) } ?? .null,
            "diffraction_db": .number(round2(l.diffraction)),
            "mapl_db": .number(round2(l.mapl)),
            "obstruction": l.obstruction.map { o in
                ["lon": .number(round6(o.location.x)), "lat": .number(round6(o.location.y)), "elevation_m": .number(round2(o.elevation))]
            } ?? .null,
        ]
    }
}
