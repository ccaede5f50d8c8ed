import Foundation
import Geo

/// Inputs in any format GDAL reads (see `VectorSource`), handed on as the same values the GeoJSON
/// and CSV readers give: a layer with geometry as a `FeatureCollection` (features numbered by
/// their FID), a sheet without geometry as a `CSVTable` (rows numbered as the spreadsheet shows
/// them). Errors are `InputError`s naming `file:layer`, as the user would pick the layer.
public enum VectorInput {
    /// A source as given on the command line: a path or a `PG:` connection string, and after a
    /// last `:` the layer to read (`villages.gpkg:thon`, `PG:dbname=gis:villages`).
    public struct Source: Hashable, Sendable {
        public var path: String
        public var layer: String?

        public init(_ spec: String) {
            path = spec
            layer = nil
            let isDatabase = spec.uppercased().hasPrefix("PG:")
            guard let colon = spec.lastIndex(of: ":") else { return }
            let tail = String(spec[spec.index(after: colon)...])
            let head = String(spec[..<colon])
            if isDatabase {
                // A connection string's own parts are `key=value`; a tail without `=` is a layer.
                guard head.count > 3, !tail.isEmpty, !tail.contains("="), !tail.contains(" ") else { return }
            } else {
                guard !tail.isEmpty, !tail.contains("/"), !FileManager.default.fileExists(atPath: spec),
                      FileManager.default.fileExists(atPath: head) else { return }
            }
            path = head
            layer = tail
        }

        /// `spec` as reports and messages show it: a connection string's password replaced by `***`.
        public static func shown(_ spec: String) -> String {
            guard spec.uppercased().hasPrefix("PG:"), let r = spec.range(of: "password=", options: .caseInsensitive) else { return spec }
            let rest = spec[r.upperBound...]
            let end = rest.firstIndex(where: { $0 == " " || $0 == ":" }) ?? rest.endIndex
            return String(spec[..<r.upperBound]) + "***" + String(rest[end...])
        }

        /// Whether this is a database connection rather than a file.
        public var isDatabase: Bool { path.uppercased().hasPrefix("PG:") }
    }

    /// Whether a path is read by GDAL rather than by covgap's own GeoJSON and CSV readers.
    public static func readsThroughGDAL(_ spec: String) -> Bool {
        let lower = spec.lowercased()
        if lower.hasPrefix("pg:") { return true }
        return ![".geojson", ".json", ".csv", ".txt", ".tsv"].contains { lower.hasSuffix($0) }
    }

    /// The layers of `source` as read; `display` is the name errors use. Sheets (.xlsx, .ods) are
    /// opened with their first row as the header.
    public static func read(_ source: Source, display: String, assumedCRS: String?) throws -> [VectorLayerData] {
        do {
            let layers = try VectorSource.read(source.path, layers: source.layer.map { [$0] }, assumedCRS: assumedCRS,
                                               sheetHeaders: isSheet(source.path))
            if isSheet(source.path) {
                for layer in layers { try checkCells(source.path, sheet: layer.name, fields: layer.fields, display: name(display, layer)) }
            }
            return layers
        } catch let e as VectorReadError {
            throw inputError(e, display: display, source: source)
        }
    }

    /// The layer names of `source`.
    public static func layerNames(_ source: Source, display: String) throws -> [String] {
        do {
            return try VectorSource.layerNames(source.path)
        } catch let e as VectorReadError {
            throw inputError(e, display: display, source: source)
        }
    }

    /// Refuses a sheet with a formula or merged cells (see `SheetCells`), naming the cell.
    static func checkCells(_ path: String, sheet: String, fields: [String], display: String) throws {
        let problem: SheetProblem?
        do { problem = try SheetCells.firstProblem(path, sheet: sheet) } catch {
            throw InputError(file: display, message: "cannot look into the workbook: \(error)")
        }
        guard let p = problem else { return }
        let message: String
        switch p.kind {
        case .formula(let f):
            message = "cell \(p.column)\(p.row) holds a formula\(f.isEmpty ? "" : " (=\(f))"); covgap reads values only: copy the sheet and paste it as values"
        case .merged(let range):
            message = "cells \(range) are merged; unmerge them and give every row its own value"
        }
        // The header names the column when the table starts in column A, as OGR reads it.
        let index = p.column.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 } - 1
        let field = fields.indices.contains(index) ? nfc(fields[index]) : "column \(p.column)"
        throw InputError(file: display, location: "row \(p.row)", field: field, message: message)
    }

    static func isSheet(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".xlsx") || lower.hasSuffix(".ods")
    }

    static func inputError(_ e: VectorReadError, display: String, source: Source) -> InputError {
        // A connection string may hold a password: errors name only what the user chose to show.
        let file = e.layer.map { "\(display):\($0)" } ?? display
        return InputError(file: file, location: e.feature.map { "feature \($0)" }, message: e.message)
    }

    /// The name errors give a layer of a source: `display:layer`.
    public static func name(_ display: String, _ layer: VectorLayerData) -> String { "\(display):\(layer.name)" }

    /// A layer as GeoJSON would give it: properties in field order (numbers as numbers, NFC text),
    /// each feature's index its FID.
    public static func featureCollection(_ layer: VectorLayerData) -> FeatureCollection {
        FeatureCollection(features: layer.features.map { f in
            Feature(index: f.number, properties: JSONObject(f.attributes.map { JSONObject.Member(key: nfc($0.name), value: json($0.value)) }),
                    geometry: f.geometry)
        })
    }

    /// A sheet as a CSV table: the field names as the header, every value as text, rows numbered
    /// as the spreadsheet shows them (OGR gives a sheet's rows their row numbers as FIDs). An empty
    /// row is an error: sorting or filtering has usually left the rows below it out of place.
    public static func table(_ layer: VectorLayerData, display: String) throws -> CSVTable {
        let source = name(display, layer)
        let header = layer.fields.map(nfc)
        var columns: [String: Int] = [:]
        for (k, h) in header.enumerated() where columns[h] == nil { columns[h] = k }
        var rows: [CSVRow] = []
        rows.reserveCapacity(layer.features.count)
        for f in layer.features {
            let fields = f.attributes.map { text($0.value) }
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw InputError(file: source, location: "row \(f.number)",
                                 message: "the row is empty; remove it (a sites sheet is one sector per row, with no gaps)")
            }
            rows.append(CSVRow(number: f.number, line: f.number, fields: fields, columns: columns))
        }
        return CSVTable(source: source, header: header, rows: rows)
    }

    static func json(_ v: VectorValue) -> JSONValue {
        switch v {
        case .null: return .null
        case .integer(let i): return .number(Double(i))
        case .real(let d): return d.isFinite ? .number(d) : .null
        case .reals(let ds): return .array(ds.map { $0.isFinite ? .number($0) : .null })
        case .text(let s): return .string(nfc(s))
        }
    }

    static func text(_ v: VectorValue) -> String {
        switch v {
        case .null: return ""
        case .integer(let i): return String(i)
        case .real(let d): return plainNumber(d)
        case .reals(let ds): return ds.map { text(.real($0)) }.joined(separator: ",")
        case .text(let s): return nfc(s)
        }
    }
}
