import Foundation
import GeoIO

/// OpenCelliD's cell export: `radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal`.
/// Each cell is read as an omnidirectional antenna at its tech's default radius; `range` is the
/// uncertainty of the tower's position, not a coverage radius, and is not used for coverage.
public enum OpenCelliD {
    static let columns = ["radio", "mcc", "net", "area", "cell", "lon", "lat", "range"]

    static func recognises(_ header: [String]) -> Bool {
        let h = Set(header.map { $0.lowercased() })
        return columns.allSatisfy(h.contains)
    }

    /// Vietnamese networks by MCC-MNC.
    static let operators: [String: String] = [
        "452-01": "MobiFone", "452-02": "VinaPhone", "452-04": "Viettel", "452-05": "Vietnamobile", "452-07": "Gmobile",
    ]

    static func operatorName(mcc: String, mnc: String) -> String {
        let key = "\(mcc)-\(mnc.count < 2 ? String(repeating: "0", count: 2 - mnc.count) + mnc : mnc)"
        return operators[key] ?? key
    }

    static func sectors(_ table: CSVTable, loader: inout InputLoader) throws -> [Sector] {
        let col = Dictionary(uniqueKeysWithValues: table.header.enumerated().map { ($1.lowercased(), $0) })
        var out: [Sector] = []
        out.reserveCapacity(table.rows.count)
        for row in table.rows {
            func field(_ name: String) -> String { row.fields[col[name]!].trimmingCharacters(in: .whitespaces) }
            func fail(_ f: String, _ m: String) -> InputError { table.error(row, field: f, m) }
            guard let tech = Tech(parsing: field("radio")) else {
                throw fail("radio", "\"\(field("radio"))\" is not a known radio (GSM, UMTS, LTE, NR)")
            }
            let location = try loader.siteLocation(lat: field("lat"), lon: field("lon"), fail)
            let op = operatorName(mcc: field("mcc"), mnc: field("net"))
            let id = "\(field("mcc"))-\(field("net"))-\(field("area"))-\(field("cell"))"
            out.append(Sector(siteID: id, operator: op, tech: tech, location: location, positionUncertainty: InputLoader.number(field("range"))))
        }
        return out
    }
}
