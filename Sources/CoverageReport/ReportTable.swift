import Coverage
import Foundation
import GeoIO

/// How report.csv is written for the spreadsheet that opens it.
public enum CSVDialect: String, CaseIterable, Sendable {
    /// Commas between fields, decimal points; UTF-8 with a byte-order mark so that Excel reads the
    /// Vietnamese names right.
    case standard
    /// Excel on a Windows set to Vietnamese: semicolons between fields and decimal commas (BOM too).
    case excelVI = "excel-vi"
}

extension Report {
    /// report.csv: one row per village, each fraction followed by its percentage (two decimals)
    /// and the area in m² by its hectares, so that a planner reads the table without formulas.
    public func csv(dialect: CSVDialect) -> [UInt8] {
        var header = ["id", "name", "commune", "district", "households", "area_m2", "area_ha"]
        for name in CoverageClass.allCases.map(\.rawValue) + result.operators { header += [name, "\(name)_pct"] }
        header += ["mobile_status", "fixed_status", "fibre_distance_m", "center_lon", "center_lat"]
        let vi = dialect == .excelVI
        var w = CSVWriter(header: header, separator: vi ? 0x3B : 0x2C, byteOrderMark: true)
        func number(_ text: String) -> String { vi ? text.replacingOccurrences(of: ".", with: ",") : text }
        func fraction(_ f: Double) -> [String] { [number(jsonNumberText(round6(f))), number(fixed(f * 100, 2))] }
        for (v, r) in villages {
            var row = [v.id, v.name, v.commune ?? "", v.district ?? "", v.households.map(jsonNumberText) ?? "",
                       number(jsonNumberText(round2(r.areaM2))), number(fixed(r.areaM2 / 10_000, 4))]
            for f in r.fractions + r.operatorFractions { row += fraction(f) }
            row += [r.mobileStatus.rawValue, r.fixed?.status.rawValue ?? "", r.fixed.map { number(jsonNumberText(round2($0.distanceM))) } ?? "",
                    number(fixed(r.centre.x, precision)), number(fixed(r.centre.y, precision))]
            w.append(row)
        }
        return w.bytes
    }
}
