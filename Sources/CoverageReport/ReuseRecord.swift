import Coverage
import FileCommit
import Foundation
import GeoIO

extension Report {
    /// The fingerprint `--since` compares: SHA-256 of the model parameters exactly as report.json
    /// records them (with the CRS as asked for; the working CRS each village was measured in is
    /// compared village by village). A parameter added to report.json's `parameters` is covered
    /// without further work.
    public static func parametersFingerprint(_ p: AnalysisParameters, precision: Int) -> String {
        let record = parametersJSON(p, crs: p.crs ?? "", crsZones: [], precision: precision)
        return SHA256.hex(JSONValue.object(record).encoded(style: .compact))
    }
}
