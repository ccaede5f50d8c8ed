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
    /// and the area in m² by its hectares, so that a planner reads the table without formulas;
    /// then the household and speed columns when those were measured. Column names follow the
    /// report's language; text cells never start a formula (OWASP); numbers follow the dialect.
    public func csv(dialect: CSVDialect) -> [UInt8] { csvText(dialect: dialect, copy: nil).text }

    /// report.csv's text and where each village's row lies; the rows `copy` holds are copied.
    public func csvText(dialect: CSVDialect, copy: CopyPlan?) -> (text: [UInt8], pieces: [Range<Int>]) {
        var text: [UInt8] = []
        let pieces = csvText(dialect: dialect, copy: copy) { text += $0 }
        return (text, pieces)
    }

    /// `csvText(dialect:copy:)` handed to `write` in pieces of about `drainEvery` bytes (a national
    /// table is never whole in memory); returns where each village's row lies.
    public func csvText(dialect: CSVDialect, copy: CopyPlan?, into write: ([UInt8]) throws -> Void) rethrows -> [Range<Int>] {
        var header = ["id", "name", "commune", "district", "households", "area_m2", "area_ha"]
        for name in CoverageClass.allCases.map(\.rawValue) + result.operators { header += [name, "\(name)_pct"] }
        header += ["mobile_status", "fixed_status", "fibre_distance_m", "center_lon", "center_lat"]
        header += measureColumns()
        let vi = dialect == .excelVI
        let text = CSVWriter.formulaSafe
        var w = CSVWriter(header: header.map { text(csvName($0)) }, separator: vi ? 0x3B : 0x2C, byteOrderMark: true)
        func number(_ text: String) -> String { vi ? text.replacingOccurrences(of: ".", with: ",") : text }
        func fraction(_ f: Double) -> [String] { [number(jsonNumberText(round6(f))), number(fixed(f * 100, 2))] }
        var pieces: [Range<Int>] = []
        pieces.reserveCapacity(input.villages.count)
        for (i, (v, r)) in villages.enumerated() {
            if w.bytes.count >= Self.drainEvery {
                try w.drain(write)
                copy?.written(before: i)
            }
            if let copied = copy?.text(i) { pieces.append(w.appendRaw(copied)); continue }
            var row = [text(v.id), text(v.name), text(v.commune ?? ""), text(v.district ?? ""), v.households.map(jsonNumberText) ?? "",
                       number(jsonNumberText(round2(r.areaM2))), number(fixed(r.areaM2 / 10_000, 4))]
            for f in r.fractions + r.operatorFractions { row += fraction(f) }
            row += [r.mobileStatus.rawValue, r.fixed?.status.rawValue ?? "", r.fixed.map { number(jsonNumberText(round2($0.distanceM))) } ?? "",
                    number(fixed(r.centre.x, precision)), number(fixed(r.centre.y, precision))]
            row += measureFields(i).map { Double($0) != nil ? number($0) : $0 }
            pieces.append(w.append(row))
        }
        try w.drain(write)
        return pieces
    }

    /// A column's name in the report's language: operator names as they are, `X_pct` as X's name
    /// with "(%)" in Vietnamese.
    func csvName(_ key: String) -> String {
        guard language != .en, !result.operators.contains(key) else { return key }
        if key == "area_ha" { return "diện tích (ha)" }
        if key.hasSuffix("_pct") {
            let base = String(key.dropLast(4))
            if result.operators.contains(base) { return base + " (%)" }
            if CoverageClass(rawValue: base) != nil { return Self.csvColumn(base, language) + " (%)" }
        }
        return Self.csvColumn(key, language)
    }
}
