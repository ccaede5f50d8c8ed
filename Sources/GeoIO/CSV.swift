import FileCommit
import Foundation

/// One data row of a CSV table.
public struct CSVRow: Hashable, Sendable {
    /// The row number a spreadsheet shows: the header is row 1, the first data row is row 2.
    /// Blank lines count (a spreadsheet shows them as empty rows) but produce no `CSVRow`.
    public let number: Int
    /// The line in the file where the record starts (1-based). It runs ahead of `number` once a
    /// quoted field has contained a line break.
    public let line: Int
    /// The fields, in column order; as many as the header has.
    public let fields: [String]
    let columns: [String: Int]

    /// The field in the column named `column`, or nil when the table has no such column.
    public subscript(column: String) -> String? {
        columns[column].map { fields[$0] }
    }

    /// The field in column `index` (0-based).
    public subscript(index: Int) -> String { fields[index] }

    /// "row 7", or "row 7 (line 9)" when the record starts on a different line of the file.
    public var location: String {
        number == line ? "row \(number)" : "row \(number) (line \(line))"
    }
}

/// A CSV file: a header row and data rows that all have its number of fields.
public struct CSVTable: Hashable, Sendable {
    /// The file's path as given (or the name given for in-memory bytes).
    public var source: String
    /// The column names, trimmed of surrounding whitespace, in file order.
    public var header: [String]
    public var rows: [CSVRow]

    public init(source: String, header: [String], rows: [CSVRow]) {
        self.source = source
        self.header = header
        self.rows = rows
    }

    /// Whether a column is named `name` (exactly, after trimming).
    public func hasColumn(_ name: String) -> Bool { header.contains(name) }

    /// An error about `row` (and `field`), phrased like the reader's own:
    /// `error(row, field: "lat", "138.2 is outside -90…90")` → "sites.csv row 18, field lat: 138.2 is outside -90…90".
    public func error(_ row: CSVRow, field: String? = nil, _ message: String) -> InputError {
        InputError(file: source, location: row.location, field: field, message: message)
    }
}

/// Reads CSV files (RFC 4180, as spreadsheets write them).
///
/// - Fields may be quoted; in a quoted field `""` is a quote and commas and line breaks are text.
/// - Lines end in CRLF, LF or CR; a UTF-8 BOM is skipped; blank lines and the final line break are
///   ignored.
/// - The first record is the header; its names are trimmed (of whitespace and stray byte-order
///   marks) and must be unique. Every other record
///   must have as many fields as the header ("sites.csv row 7: 9 fields, the header has 8").
/// - The separator is a comma, unless the header line has no comma but semicolons (as Excel
///   writes in locales with a decimal comma) or tabs.
/// - The bytes must be UTF-8 (see `TextEncoding`); all text comes back in NFC. Fields are not
///   trimmed: that is the caller's choice per column.
public enum CSVReader {
    private static let headerTrimmed = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}"))

    public static func read(path: String) throws -> CSVTable {
        try read(bytes: try InputFile.read(path), source: path)
    }

    public static func read(bytes: [UInt8], source: String) throws -> CSVTable {
        try bytes.withUnsafeBufferPointer { try read($0, source: source) }
    }

    public static func read(_ buffer: UnsafeBufferPointer<UInt8>, source: String) throws -> CSVTable {
        let start = try TextEncoding.checkUTF8(buffer, source: source)
        var parser = CSVParser(bytes: buffer, i: start, source: source)
        parser.delimiter = parser.guessDelimiter()

        var headerRecord: CSVParser.Record?
        while let r = try parser.next() {
            if r.isBlank { continue }
            headerRecord = r
            break
        }
        guard let headerRecord else {
            throw InputError(file: source, message: "the file is empty; it needs a header row naming the columns")
        }
        // U+FEFF too: a byte-order mark left inside by joining files would otherwise hide in a name.
        let header = headerRecord.fields.map { $0.trimmingCharacters(in: headerTrimmed) }
        var columns: [String: Int] = [:]
        for (k, name) in header.enumerated() where !name.isEmpty {
            if let first = columns[name] {
                throw InputError(file: source, location: "row \(headerRecord.number)",
                                 message: "column \"\(name)\" appears twice (columns \(first + 1) and \(k + 1))")
            }
            columns[name] = k
        }

        var rows: [CSVRow] = []
        parser.expectedFields = header.count
        while let r = try parser.next() {
            if r.isBlank { continue }
            let row = CSVRow(number: r.number, line: r.line, fields: r.fields, columns: columns)
            guard r.fields.count == header.count else {
                let n = r.fields.count
                if n < header.count {
                    throw InputError(file: source, location: row.location, field: header[n].isEmpty ? "column \(n + 1)" : header[n],
                                     message: "missing: the row has \(n) field\(n == 1 ? "" : "s"), the header has \(header.count)")
                }
                let separator = parser.delimiter == 0x3B ? "semicolon" : parser.delimiter == 0x09 ? "tab" : "comma"
                throw InputError(file: source, location: row.location,
                                 message: "the row has \(n) fields, the header has \(header.count) (a \(separator) inside a field needs the field in double quotes)")
            }
            rows.append(row)
        }
        return CSVTable(source: source, header: header, rows: rows)
    }
}

public struct CSVParser {
    struct Record {
        var fields: [String]
        var number: Int
        var line: Int
        var isBlank: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var i: Int
    let source: String
    var delimiter: UInt8 = UInt8(ascii: ",")
    var line = 1
    var number = 0
    /// The fields a record is expected to have (the header's, once read): each record's array is
    /// made that large at once instead of growing four times.
    var expectedFields = 0

    init(bytes: UnsafeBufferPointer<UInt8>, i: Int, source: String) {
        self.bytes = bytes
        self.i = i
        self.source = source
    }

    /// Comma, unless the first line has none outside quotes but has semicolons or tabs.
    func guessDelimiter() -> UInt8 {
        var commas = 0, semicolons = 0, tabs = 0
        var quoted = false
        var k = i
        while k < bytes.count {
            let b = bytes[k]
            if b == 0x22 { quoted.toggle() } else if !quoted {
                if b == 0x0A || b == 0x0D { break }
                if b == 0x2C { commas += 1 } else if b == 0x3B { semicolons += 1 } else if b == 0x09 { tabs += 1 }
            }
            k += 1
        }
        if commas == 0 && semicolons > 0 { return 0x3B }
        if commas == 0 && tabs > 0 { return 0x09 }
        return 0x2C
    }

    private func text(_ start: Int, _ end: Int, ascii: Bool) -> String {
        let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        return ascii ? s : nfc(s)
    }

    /// Steps over a line ending at `i` (CRLF, LF or CR), counting the line.
    private mutating func skipLineEnd() {
        if bytes[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 2 } else { i += 1 }
        line += 1
    }

    /// The next record, or nil at the end of the file.
    mutating func next() throws -> Record? {
        let n = bytes.count
        guard i < n else { return nil }
        number += 1
        let startLine = line
        var fields: [String] = []
        fields.reserveCapacity(expectedFields)
        var buffer: [UInt8] = []
        var quotedAny = false
        while true {
            // One field.
            if i < n && bytes[i] == 0x22 {
                let openLine = line
                quotedAny = true
                i += 1
                buffer.removeAll(keepingCapacity: true)
                var ascii = true
                while true {
                    guard i < n else {
                        throw InputError(file: source, location: number == startLine ? "row \(number)" : "row \(number) (line \(startLine))",
                                         message: "a quoted field opened on line \(openLine) is never closed")
                    }
                    let b = bytes[i]
                    if b == 0x22 {
                        if i + 1 < n && bytes[i + 1] == 0x22 { buffer.append(0x22); i += 2; continue }
                        i += 1
                        break
                    }
                    if b == 0x0A || (b == 0x0D && !(i + 1 < n && bytes[i + 1] == 0x0A)) { line += 1 }
                    if b >= 0x80 { ascii = false }
                    buffer.append(b)
                    i += 1
                }
                if i < n && bytes[i] != delimiter && bytes[i] != 0x0A && bytes[i] != 0x0D {
                    let (l, c) = TextEncoding.lineAndColumn(bytes, offset: i)
                    throw InputError(file: source, location: "row \(number) (line \(l), column \(c))",
                                     message: "unexpected text after the closing quote of a field; a quote inside a quoted field is written twice (\"\")")
                }
                let s = String(decoding: buffer, as: UTF8.self)
                fields.append(ascii ? s : nfc(s))
            } else {
                let start = i
                var high: UInt8 = 0
                while i < n {
                    let b = bytes[i]
                    if b == delimiter || b == 0x0A || b == 0x0D { break }
                    high |= b
                    i += 1
                }
                fields.append(text(start, i, ascii: high < 0x80))
            }
            // After a field: separator, line end or end of file.
            if i >= n { break }
            if bytes[i] == delimiter { i += 1; continue }
            skipLineEnd()
            break
        }
        // An empty line is blank; a line holding only "" is a record with one empty field.
        let blank = fields.count == 1 && fields[0].isEmpty && !quotedAny
        return Record(fields: fields, number: number, line: startLine, isBlank: blank)
    }
}

/// Writes CSV text: UTF-8 without a BOM, LF line endings (what every tool and `git diff` read
/// well; spreadsheets accept it), a field quoted only when it holds a comma, a semicolon, a tab, a
/// quote, a line break, or leading/trailing whitespace that must survive a spreadsheet.
public struct CSVWriter: Sendable {
    /// The text written so far (UTF-8), or since the last `drain`.
    public private(set) var bytes: [UInt8] = []
    /// Bytes handed out by `drain` before those in `bytes`: the ranges `append` and `appendRaw`
    /// return count from the text's start.
    public private(set) var drained = 0
    /// The number of fields every row must have: the header's.
    public let columnCount: Int
    /// The byte between fields: a comma, or a semicolon for spreadsheets in decimal-comma locales.
    public let separator: UInt8

    /// Starts a table with its header row; `byteOrderMark` starts the text with U+FEFF, which
    /// Excel needs to read UTF-8 as UTF-8.
    public init(header: [String], separator: UInt8 = 0x2C, byteOrderMark: Bool = false) {
        columnCount = header.count
        self.separator = separator
        if byteOrderMark { bytes = [0xEF, 0xBB, 0xBF] }
        appendRecord(header)
    }

    /// Appends one row; it must have as many fields as the header (a programming error otherwise).
    /// Returns where the row's text (with its line ending) lies in the text.
    @discardableResult
    public mutating func append(_ fields: [String]) -> Range<Int> {
        precondition(fields.count == columnCount, "CSVWriter: \(fields.count) fields for \(columnCount) columns")
        let start = drained + bytes.count
        appendRecord(fields)
        return start..<(drained + bytes.count)
    }

    /// Appends a row's text as `append` wrote it (line ending included) in a table of the same
    /// columns and separator (the caller guarantees it); returns where it lies in the text.
    public mutating func appendRaw<Text: Collection<UInt8>>(_ row: Text) -> Range<Int> {
        let start = drained + bytes.count
        bytes.append(contentsOf: row)
        return start..<(drained + bytes.count)
    }

    /// Hands the text written since the last drain to `write` and empties `bytes`, keeping its
    /// memory: a long table goes out in pieces through one buffer.
    public mutating func drain(_ write: ([UInt8]) throws -> Void) rethrows {
        try write(bytes)
        drained += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    /// The text written so far as a String.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Writes the table to `path` atomically (see `AtomicFile`).
    public func write(to path: String) throws {
        try AtomicFile.write(bytes, to: path)
    }

    /// `field` as it appears in CSV: quoted (quotes doubled) when needed, else unchanged.
    public static func escape(_ field: String) -> String {
        // Semicolons and tabs too: a reader that guesses the separator (this one, Excel in
        // decimal-comma locales) would otherwise split a one-column header holding one.
        // An end that is a visible ASCII byte is no whitespace: the Unicode lookup only for the others.
        func visible(_ b: UInt8?) -> Bool { b.map { $0 > 0x20 && $0 < 0x7F } ?? true }
        let needsQuotes = field.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D || $0 == 0x3B || $0 == 0x09 }
            || (!visible(field.utf8.first) && field.first?.isWhitespace == true)
            || (!visible(field.utf8.last) && field.last?.isWhitespace == true)
        guard needsQuotes else { return field }
        // Byte by byte: a quote followed by a combining mark is one Character, which
        // String.replacingOccurrences would not see as a quote.
        var quoted: [UInt8] = [0x22]
        for b in field.utf8 {
            if b == 0x22 { quoted.append(0x22) }
            quoted.append(b)
        }
        quoted.append(0x22)
        return String(decoding: quoted, as: UTF8.self)
    }

    private mutating func appendRecord(_ fields: [String]) {
        // A lone empty field would be a blank line, which readers skip: write it quoted.
        if fields == [""] {
            bytes.append(contentsOf: [0x22, 0x22, 0x0A])
            return
        }
        for (k, f) in fields.enumerated() {
            if k > 0 { bytes.append(separator) }
            // With semicolons between fields a decimal comma needs no quotes (Excel would read "1,5" as text).
            if separator == 0x3B, !f.utf8.contains(where: { $0 == 0x3B || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }),
               f.first?.isWhitespace != true, f.last?.isWhitespace != true {
                bytes.append(contentsOf: f.utf8)
            } else {
                bytes.append(contentsOf: CSVWriter.escape(f).utf8)
            }
        }
        bytes.append(0x0A)
    }
}

extension CSVTable {
    /// The same table with columns renamed (old name → new name); rows keep their numbers.
    public func renamingColumns(_ renames: [String: String]) -> CSVTable {
        let newHeader = header.map { renames[$0] ?? $0 }
        var columns: [String: Int] = [:]
        for (k, name) in newHeader.enumerated() where !name.isEmpty && columns[name] == nil { columns[name] = k }
        return CSVTable(source: source, header: newHeader,
                        rows: rows.map { CSVRow(number: $0.number, line: $0.line, fields: $0.fields, columns: columns) })
    }

    /// The same table with every field passed through `transform(columnIndex, field)`.
    public func mappingFields(_ transform: (Int, String) -> String) -> CSVTable {
        CSVTable(source: source, header: header, rows: rows.map { row in
            CSVRow(number: row.number, line: row.line, fields: row.fields.enumerated().map { transform($0, $1) }, columns: row.columns)
        })
    }
}
