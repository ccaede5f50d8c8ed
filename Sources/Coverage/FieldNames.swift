import Foundation
import GeoIO

/// The names covgap's fields go by in the offices' own files: Vietnamese and English headers,
/// matched without regard to case, diacritics, spaces, `_` or `-` ("Mã trạm", "MA_TRAM" and
/// "matram" are one name), and the user's own choices (`--field site_id=MaTram`), which win.
public struct FieldNames: Sendable {
    /// covgap's field → the file's column or property, from `--field`.
    public var chosen: [String: String]

    public init(chosen: [String: String] = [:]) {
        self.chosen = chosen
    }

    /// The fields `--field` may name.
    public static let known = ["site_id", "operator", "lat", "lon", "tech", "azimuth", "beamwidth", "radius_m", "frequency_mhz",
                               "height_m", "eirp_dbm", "environment",
                               "id", "name", "commune", "district", "province", "population", "households", "category"]

    /// Built-in spellings, as `key` gives them (the field's own name is always one of them).
    static let builtIn: [String: [String]] = [
        "site_id": ["siteid", "site", "matram", "tentram", "sitename", "sitecode"],
        "operator": ["operator", "carrier", "network", "nhamang", "mno", "nhacungcap"],
        "lat": ["lat", "latitude", "vido"],
        "lon": ["lon", "lng", "long", "longitude", "kinhdo"],
        "tech": ["tech", "technology", "radio", "rat", "congnghe"],
        "azimuth": ["azimuth", "azi", "az", "gocphuongvi", "huong"],
        "beamwidth": ["beamwidth", "hbw", "dorongbupsong", "dorongbup", "bupsong"],
        "radius_m": ["radiusm", "radius", "bankinh", "bankinhm", "bankinhphusong"],
        "frequency_mhz": ["frequencymhz", "frequency", "freq", "bangtan", "tanso", "tansomhz", "bangtanmhz"],
        "height_m": ["heightm", "height", "antennaheight", "docao", "docaoanten", "docaoangten"],
        "eirp_dbm": ["eirpdbm", "eirp", "congsuatphat", "congsuatbucxa"],
        "environment": ["environment", "clutter", "moitruong", "khuvuc"],
        "id": ["id", "mathon", "ma"],
        "name": ["name", "ten", "tenthon"],
        "commune": ["commune", "xa", "phuongxa"],
        "district": ["district", "huyen", "quanhuyen"],
        "province": ["province", "tinh", "tinhthanh"],
        "population": ["population", "danso"],
        "households": ["households", "soho", "hodan"],
        "category": ["category", "loai", "loaihinh", "phanloai", "loaidiem"],
    ]

    /// A name reduced for matching: lowercase, no diacritics, letters and digits only.
    public static func key(_ name: String) -> String {
        String(searchKey(name).unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// For a file's names (in order), which to read as which of covgap's fields: file name → field.
    /// A field the file already spells exactly is left alone; `wanted` limits the fields considered.
    public func renames(_ names: [String], wanted: [String]) -> [String: String] {
        var out: [String: String] = [:]
        var taken = Set(names.filter { wanted.contains($0) })
        for field in wanted {
            if let choice = chosen[field] {
                // The user's choice: exact, else by key.
                if let match = names.first(where: { $0 == choice }) ?? names.first(where: { Self.key($0) == Self.key(choice) }), match != field {
                    out[match] = field
                    taken.insert(field)
                }
                continue
            }
            if names.contains(field) { continue }
            let keys = Set([Self.key(field)] + (Self.builtIn[field] ?? []))
            if let match = names.first(where: { out[$0] == nil && !taken.contains($0) && keys.contains(Self.key($0)) }) {
                out[match] = field
                taken.insert(field)
            }
        }
        return out
    }

    /// Choices that name no column or property of the file: a typo the user should hear about.
    public func unmatched(_ names: [String], wanted: [String]) -> [String] {
        chosen.filter { wanted.contains($0.key) }.compactMap { field, choice in
            names.contains(choice) || names.contains(where: { Self.key($0) == Self.key(choice) }) ? nil : "\(field)=\(choice)"
        }.sorted()
    }

    /// The table with its columns renamed to covgap's fields.
    public func applied(to table: CSVTable, wanted: [String]) throws -> CSVTable {
        try check(table.header, wanted: wanted, file: table.source)
        let renames = renames(table.header, wanted: wanted)
        return renames.isEmpty ? table : table.renamingColumns(renames)
    }

    /// The features with their properties renamed to covgap's fields.
    public func applied(to fc: FeatureCollection, wanted: [String], file: String) throws -> FeatureCollection {
        var names: [String] = []
        var seen = Set<String>()
        for f in fc.features {
            for m in f.properties where seen.insert(m.key).inserted { names.append(m.key) }
        }
        try check(names, wanted: wanted, file: file)
        let renames = renames(names, wanted: wanted)
        if renames.isEmpty { return fc }
        var out = fc
        for k in out.features.indices {
            out.features[k].properties = JSONObject(out.features[k].properties.map { m in
                JSONObject.Member(key: renames[m.key] ?? m.key, value: m.value)
            })
        }
        return out
    }

    private func check(_ names: [String], wanted: [String], file: String) throws {
        let missing = unmatched(names, wanted: wanted)
        if !missing.isEmpty {
            throw InputError(file: file, field: missing.map { String($0.prefix { $0 != "=" }) }.joined(separator: ", "),
                             message: "--field \(missing.joined(separator: ", ")) names no column; the file has \(names.joined(separator: ", "))")
        }
    }
}

extension CSVTable {
    /// A sites table from a Windows with a Vietnamese locale: `;` between fields and a decimal
    /// comma ("13,7737"). Read as such only when the whole file agrees: no number in `columns`
    /// has a point, every one is digits with at most one comma, and at least one has a comma.
    func withDecimalPoints(in columns: [String]) -> CSVTable {
        let present = columns.filter(hasColumn)
        var sawComma = false
        for row in rows {
            for c in present {
                let v = row[c]!.trimmingCharacters(in: .whitespaces)
                if v.isEmpty { continue }
                var commas = 0
                for (k, ch) in v.enumerated() {
                    if ch == "," { commas += 1; continue }
                    if (ch == "-" || ch == "+") && k == 0 { continue }
                    if !ch.isASCII || !ch.isNumber { return self }
                }
                if commas > 1 { return self }
                if commas == 1 { sawComma = true }
            }
        }
        guard sawComma else { return self }
        let indices = present.compactMap { header.firstIndex(of: $0) }
        return mappingFields { k, value in indices.contains(k) ? value.replacingOccurrences(of: ",", with: ".") : value }
    }
}
