import CGDAL
import Foundation

/// A cell of a spreadsheet that OGR would read silently but wrongly: a formula (OGR takes the value
/// last saved, which may be stale or absent) or merged cells (OGR gives the value to the first
/// cell only, the others read empty).
public struct SheetProblem: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A formula, with its text.
        case formula(String)
        /// Merged cells, as the sheet names the range ("B5:C5").
        case merged(String)
    }

    /// Row number as the spreadsheet shows it (1-based).
    public var row: Int
    /// Column letters ("C").
    public var column: String
    public var kind: Kind
}

/// Looks into an XLSX workbook (a zip of XML parts, read through GDAL's /vsizip/) for cells OGR
/// cannot read faithfully. Other formats have nothing to look at and pass.
public enum SheetCells {
    /// The first formula or merged range of `sheet` in the workbook at `path`, nil when there is none.
    public static func firstProblem(_ path: String, sheet: String) throws -> SheetProblem? {
        guard path.lowercased().hasSuffix(".xlsx") else { return nil }
        let root = "/vsizip/" + path
        let workbook = try text(root + "/xl/workbook.xml")
        let relations = try text(root + "/xl/_rels/workbook.xml.rels")
        // <sheet name="Trạm" sheetId="1" r:id="rId2"/> → rId2 → worksheets/sheet1.xml
        var id: String?
        for element in elements("sheet", in: workbook) where attribute("name", of: element).map(unescape) == sheet {
            id = attribute("r:id", of: element)
        }
        guard let id else { return nil }
        var target: String?
        for element in elements("Relationship", in: relations) where attribute("Id", of: element) == id {
            target = attribute("Target", of: element)
        }
        guard let target else { return nil }
        let part = target.hasPrefix("/") ? root + target : root + "/xl/" + target
        let xml = try text(part)

        var first: SheetProblem?
        func keep(_ p: SheetProblem) {
            if first == nil || (p.row, p.column.count, p.column) < (first!.row, first!.column.count, first!.column) { first = p }
        }
        for element in elements("mergeCell", in: xml) {
            guard let range = attribute("ref", of: element), let cell = range.split(separator: ":").first,
                  let (column, row) = split(String(cell)) else { continue }
            keep(SheetProblem(row: row, column: column, kind: .merged(range)))
        }
        // A cell with a formula: <c r="C7" …><f>B7*2</f><v>…</v></c> (or a shared <f …/>).
        var rest = xml[...]
        while let start = rest.range(of: "<c ") {
            let after = rest[start.upperBound...]
            guard let close = after.range(of: ">") else { break }
            let head = after[..<close.lowerBound]
            var body = Substring("")
            var next = after[close.upperBound...]
            if !head.hasSuffix("/"), let end = next.range(of: "</c>") {
                body = next[..<end.lowerBound]
                next = next[end.upperBound...]
            }
            if let f = body.range(of: "<f"), let cell = attribute("r", of: " " + head), let (column, row) = split(cell) {
                var formula = ""
                let fAfter = body[f.upperBound...]
                if let gt = fAfter.range(of: ">"), !fAfter[..<gt.lowerBound].hasSuffix("/"), let endF = fAfter.range(of: "</f>") {
                    formula = unescape(String(fAfter[gt.upperBound..<endF.lowerBound]))
                }
                keep(SheetProblem(row: row, column: column, kind: .formula(formula)))
            }
            rest = next
        }
        return first
    }

    /// The whole of a file GDAL's virtual file system can open, as UTF-8 text.
    private static func text(_ path: String) throws -> String {
        try GDALLibrary.ready()
        guard let file = VSIFOpenL(path, "rb") else { throw GeoError.gdal("cannot open \(path)") }
        defer { _ = VSIFCloseL(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { VSIFReadL($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The opening tags `<name …>` in `xml`, attributes included.
    private static func elements(_ name: String, in xml: String) -> [String] {
        var out: [String] = []
        var rest = xml[...]
        while let r = rest.range(of: "<" + name) {
            let after = rest[r.upperBound...]
            guard let first = after.first, first == " " || first == "/" || first == ">" || first == "\n" || first == "\t" else {
                rest = after
                continue
            }
            guard let end = after.range(of: ">") else { break }
            out.append(String(after[..<end.lowerBound]))
            rest = after[end.upperBound...]
        }
        return out
    }

    private static func attribute(_ name: String, of element: String) -> String? {
        for quote in ["\"", "'"] {
            guard let r = element.range(of: " " + name + "=" + quote) ?? element.range(of: "\n" + name + "=" + quote) else { continue }
            let after = element[r.upperBound...]
            guard let end = after.range(of: quote) else { return nil }
            return String(after[..<end.lowerBound])
        }
        return nil
    }

    private static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// "C17" → ("C", 17).
    private static func split(_ cell: String) -> (String, Int)? {
        let letters = String(cell.prefix { $0.isLetter })
        guard !letters.isEmpty, let row = Int(cell.dropFirst(letters.count)) else { return nil }
        return (letters, row)
    }
}
