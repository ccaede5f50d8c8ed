import Foundation
import Geo
import GeoIO

/// Turns parsed files into the model, checking every field. Errors name the file, the feature or
/// row, and the field; things that can be fixed (an azimuth of 370°) are fixed and reported as warnings.
public struct InputLoader {
    /// The CRS the inputs' coordinates are in when a file does not say (`--input-crs`); nil means WGS 84.
    public var inputCRS: String?
    public private(set) var warnings: [String] = []
    /// How many sectors took a default since the last `reportDefaults` (see Defaults.swift).
    var defaults = DefaultCounts()

    public init(inputCRS: String? = nil) {
        self.inputCRS = inputCRS
    }

    // MARK: Villages

    public mutating func villages(_ fc: FeatureCollection, file: String) throws -> [Village] {
        // The file's CRS is checked once here (an error names the file); each thread that makes
        // villages takes its own transformation below (a projection is used by one thread at a time).
        let crs = try lonLatTransform(fc, file: file) == nil ? nil : lonLatCRS(fc)
        // Ids are checked in order first (each must be new); the features before the first bad id
        // are then checked and made on all cores, and the first failure in file order is reported.
        var seen: [String: Int] = [:]
        var ids: [String] = []
        ids.reserveCapacity(fc.features.count)
        var badID: InputError?
        for f in fc.features {
            let fail = Self.failure(file, f)
            guard let idValue = f.properties["id"] ?? f.id, let id = Self.text(idValue), !id.isEmpty else {
                badID = fail("id", "missing; every village needs a unique id")
                break
            }
            if let first = seen[id] {
                badID = fail("id", "\"\(id)\" is used again (first by feature \(first)); village ids must be unique")
                break
            }
            seen[id] = f.index
            ids.append(id)
        }
        let features = fc.features
        let out = try parallelMap(ids.count, jobs: defaultJobs, chunk: 64) { k -> Village in
            let f = features[k]
            let fail = Self.failure(file, f)
            guard let nameValue = f.properties["name"], let name = Self.text(nameValue) else {
                throw fail("name", "missing; every village needs a name")
            }
            guard let shape = f.geometry else {
                throw fail("geometry", "null; a village needs a Polygon or MultiPolygon")
            }
            switch shape {
            case .polygon, .multiPolygon: break
            default: throw fail("geometry", "a \(shape.typeName); a village must be a Polygon or MultiPolygon")
            }
            let projection: Projection?
            do { projection = try crs.map { try Projection.cached(from: $0, to: "EPSG:4326") } } catch { throw fail("geometry", "\(error)") }
            let lonLat = try checked(shape, projection, fail)
            try InputLimits.checkMeasurable(lonLat, fail)
            return try village(f, id: ids[k], name: name, shape: lonLat, toLonLat: projection, fail)
        }
        if let badID { throw badID }
        return out
    }

    private func village(_ f: Feature, id: String, name: String, shape: Shape, toLonLat: Projection?,
                         _ fail: (String?, String) -> InputError) throws -> Village {
        let p = f.properties
        var centre: Coordinate?
        if let c = p["center"], !c.isNull {
            guard let a = c.arrayValue ?? c.stringValue.flatMap(Self.numberList), a.count >= 2, let x = a[0].doubleValue, let y = a[1].doubleValue else {
                throw fail("center", "must be [lon, lat]")
            }
            var xy = Coordinate(x, y)
            if let toLonLat { xy = try toLonLat.transform(xy) }
            try Self.checkLonLat(xy, fail, field: "center")
            centre = xy
        }
        let commune = try optionalText(p, "commune", fail), district = try optionalText(p, "district", fail)
        let province = try optionalText(p, "province", fail)
        for (field, value) in [("id", id), ("name", name), ("commune", commune), ("district", district), ("province", province)] {
            try InputLimits.checkPlainText(value) { fail(field, $0) }
        }
        return Village(id: id, name: name,
                       commune: commune, district: district,
                       province: province,
                       population: try count(p, "population", fail), households: try count(p, "households", fail),
                       center: centre, shape: shape)
    }

    // MARK: Sites

    /// Sectors from a sites table: covgap's own columns, or an OpenCelliD export (recognised by its header).
    public mutating func sectors(_ table: CSVTable) throws -> [Sector] {
        defaults = DefaultCounts()
        if OpenCelliD.recognises(table.header) {
            let sectors = try OpenCelliD.sectors(table, loader: &self)
            reportDefaults(sectors, file: table.source)
            return sectors
        }
        let required = ["site_id", "operator", "lat", "lon", "tech"]
        let missing = required.filter { !table.hasColumn($0) }
        if !missing.isEmpty {
            let renames = missing.compactMap { name in
                table.header.first { Self.columnAliases[name, default: []].contains($0.lowercased()) }.map { "\($0) → \(name)" }
            }
            let hint = renames.isEmpty ? "" : " (rename \(renames.joined(separator: ", ")))"
            throw InputError(file: table.source, location: "row 1", field: missing.joined(separator: ", "),
                             message: "missing column\(missing.count > 1 ? "s" : "")\(hint); the header has \(table.header.joined(separator: ","))")
        }
        // Rows are read on all cores, a few thousand at a time, each block by a loader of its own;
        // warnings and defaults are then taken in row order, and the first bad row in file order fails.
        // The sectors are made in their places in the array returned (joining the blocks' arrays
        // would copy a national table's 350,000 sectors once more).
        struct Block { var loader: InputLoader; var techNames: [String: TechName] = [:]; var columns: ColumnsInOrder }
        let rows = table.rows, inputCRS = inputCRS
        let (sectors, blocks) = try parallelMap(rows.count, jobs: defaultJobs, chunk: 4096, state: {
            Block(loader: InputLoader(inputCRS: inputCRS), columns: ColumnsInOrder(header: table.header))
        }) { b, i in
            let row = rows[i]
            b.columns.startRow()
            return try b.loader.sector(field: { name in b.columns.column(name).map { row[$0] } ?? "" },
                                       where: "\(table.source) \(row.location)", techNames: &b.techNames) { table.error(row, field: $0, $1) }
        }
        for b in blocks {
            warnings += b.loader.warnings
            defaults.beamwidth += b.loader.defaults.beamwidth
        }
        reportDefaults(sectors, file: table.source)
        return sectors
    }

    /// Other spellings of the required columns, lowercased, for the hint in a missing-column error.
    static let columnAliases: [String: [String]] = [
        "site_id": ["site_id", "siteid", "site", "id", "ma_tram", "site id", "site_name"],
        "operator": ["operator", "carrier", "network", "nha_mang", "mno"],
        "lat": ["lat", "latitude", "y", "vi_do", "vido"],
        "lon": ["lon", "longitude", "lng", "long", "x", "kinh_do", "kinhdo"],
        "tech": ["tech", "technology", "radio", "rat", "cong_nghe"],
    ]

    /// Sites given as GeoJSON points with the CSV's columns as properties.
    public mutating func sectors(_ fc: FeatureCollection, file: String) throws -> [Sector] {
        let toLonLat = try lonLatTransform(fc, file: file)
        defaults = DefaultCounts()
        var techNames: [String: TechName] = [:]
        let sectors = try fc.features.map { f in
            let fail = Self.failure(file, f)
            guard case .point(var c) = f.geometry else {
                throw fail("geometry", "\(f.geometry?.typeName ?? "null"); a site must be a Point")
            }
            if let toLonLat { c = try toLonLat.transform(c) }
            try Self.checkLonLat(c, fail, field: "geometry")
            let position = c
            return try sector(field: { key in
                switch key {
                case "lat": return String(position.y)
                case "lon": return String(position.x)
                default: return f.properties[key].flatMap(Self.text) ?? ""
                }
            }, where: "\(file) feature \(f.index)", techNames: &techNames, fail)
        }
        reportDefaults(sectors, file: file)
        return sectors
    }

    /// One sector from its named fields (a CSV row or a GeoJSON point's properties).
    /// `techNames` keeps the technologies read so far by their text (a table names a handful).
    private mutating func sector(field: (String) -> String, where place: @autoclosure () -> String, techNames: inout [String: TechName],
                                 _ fail: (String, String) -> InputError) throws -> Sector {
        let siteID = field("site_id").trimmedSpaces
        if siteID.isEmpty { throw fail("site_id", "empty") }
        let op = field("operator").trimmedSpaces
        if op.isEmpty { throw fail("operator", "empty") }
        try InputLimits.checkPlainText(siteID) { fail("site_id", $0) }
        try InputLimits.checkPlainText(op) { fail("operator", $0) }
        let techText = field("tech")
        let techName: TechName
        if let known = techNames[techText] {
            techName = known
        } else {
            guard let read = TechName(techText) else {
                throw fail("tech", "\"\(field("tech"))\" is not a known technology (2G, 3G, 4G, 5G, GSM, UMTS, LTE, NR, with or without a band: GSM900, LTE1800, 5G NR…)")
            }
            techNames[techText] = read
            techName = read
        }
        let tech = techName.tech
        let location = try siteLocation(lat: field("lat"), lon: field("lon"), fail)
        var azimuth = try optionalNumber(field("azimuth"), field: "azimuth", fail)
        if let a = azimuth, !(0...360).contains(a) {
            let normalised = a.truncatingRemainder(dividingBy: 360) + (a < 0 ? 360 : 0)
            warnings.append("\(place()), field azimuth: \(Self.format(a))° is outside 0–360; read as \(Self.format(normalised))°")
            azimuth = normalised
        }
        let givenBeamwidth = try optionalNumber(field("beamwidth"), field: "beamwidth", fail)
        if givenBeamwidth == nil && azimuth != nil { defaults.beamwidth += 1 }
        var beamwidth = givenBeamwidth ?? (azimuth == nil ? 360 : 120)
        if beamwidth <= 0 { throw fail("beamwidth", "\(Self.format(beamwidth))° must be greater than 0° (leave azimuth and beamwidth empty for an omnidirectional antenna)") }
        if beamwidth > 360 { beamwidth = 360 }
        let radius = try optionalNumber(field("radius_m"), field: "radius_m", fail)
        if let r = radius, r <= 0 { throw fail("radius_m", "\(Self.format(r)) must be greater than 0 metres") }
        if let r = radius, r > InputLimits.maxRadius {
            throw fail("radius_m", "\(Self.format(r)) is more than \(Self.format(InputLimits.maxRadius)) metres, beyond any real cell")
        }
        var sector = Sector(siteID: siteID, operator: op, tech: tech, location: location,
                            azimuth: azimuth, beamwidth: beamwidth, radius: radius)
        try radioColumns(of: &sector, field: field, fail)
        // The band a technology name gives ("LTE1800"), when the row has no frequency_mhz.
        if sector.frequencyMHz == nil { sector.frequencyMHz = techName.frequencyMHz }
        return sector
    }

    func siteLocation(lat: String, lon: String, _ fail: (String, String) -> InputError) throws -> Coordinate {
        guard let y = Self.number(lat) else { throw fail("lat", Self.notANumber(lat)) }
        guard let x = Self.number(lon) else { throw fail("lon", Self.notANumber(lon)) }
        let swapped = (-90...90).contains(x) && (-180...180).contains(y)
        // Projected metres in lat/lon columns: a CSV's lat/lon are WGS 84 whatever --input-crs says.
        let projected = abs(x) > 360 || abs(y) > 360 ? " (lat and lon are WGS 84 degrees, also with --input-crs; give projected sites as GeoJSON points)" : ""
        if !(-90...90).contains(y) {
            throw fail("lat", "\(Self.format(y)) is outside −90…90\(swapped ? " (lat and lon swapped?)" : projected)")
        }
        if !(-180...180).contains(x) { throw fail("lon", "\(Self.format(x)) is outside −180…180\(projected)") }
        return Coordinate(x, y)
    }

    // MARK: Fibre and places

    public mutating func fibre(_ fc: FeatureCollection, file: String) throws -> [FibreFeature] {
        let toLonLat = try lonLatTransform(fc, file: file)
        return try fc.features.map { f in
            let fail = Self.failure(file, f)
            guard let shape = f.geometry else { throw fail("geometry", "null; a fibre feature is a line (route) or a point (access node)") }
            switch shape {
            case .lineString, .multiLineString, .point, .multiPoint: break
            default: throw fail("geometry", "a \(shape.typeName); a fibre feature is a LineString, MultiLineString, Point or MultiPoint")
            }
            let id = (f.properties["id"] ?? f.id).flatMap(Self.text), op = try optionalText(f.properties, "operator", fail)
            try InputLimits.checkPlainText(id) { fail("id", $0) }
            try InputLimits.checkPlainText(op) { fail("operator", $0) }
            return FibreFeature(id: id,
                                operator: op,
                                shape: try checked(shape, toLonLat, fail))
        }
    }

    public mutating func places(_ fc: FeatureCollection, file: String) throws -> [PriorityPlace] {
        let toLonLat = try lonLatTransform(fc, file: file)
        return try fc.features.map { f in
            let fail = Self.failure(file, f)
            guard let shape = f.geometry else { throw fail("geometry", "null; a priority place is a Point or a Polygon") }
            switch shape {
            case .point, .multiPoint, .polygon, .multiPolygon: break
            default: throw fail("geometry", "a \(shape.typeName); a priority place is a Point or a Polygon")
            }
            let id = (f.properties["id"] ?? f.id).flatMap(Self.text) ?? String(f.index)
            let lonLat = try checked(shape, toLonLat, fail)
            try InputLimits.checkMeasurable(lonLat, fail)
            let name = try optionalText(f.properties, "name", fail) ?? id
            let category = try optionalText(f.properties, "category", fail) ?? "other"
            for (field, value) in [("id", id), ("name", name), ("category", category)] {
                try InputLimits.checkPlainText(value) { fail(field, $0) }
            }
            return PriorityPlace(id: id, name: name,
                                 category: category,
                                 shape: lonLat)
        }
    }

    // MARK: Field helpers

    /// The error for a field of one feature: "FILE feature N, field F: message".
    public static func failure(_ file: String, _ f: Feature) -> (String?, String) -> InputError {
        { field, message in InputError(file: file, location: "feature \(f.index)", field: field, message: message) }
    }

    /// The CRS a file's coordinates are in when it is not lon/lat: its legacy `crs` member (when
    /// covgap understands it), else `--input-crs`; nil for WGS 84.
    func lonLatCRS(_ fc: FeatureCollection) -> String? {
        let crs = fc.crsName.flatMap(Self.crsCode) ?? inputCRS
        guard let crs, !["EPSG:4326", "OGC:CRS84"].contains(crs) else { return nil }
        return crs
    }

    /// The transformation to lon/lat for a file: its legacy `crs` member, else `--input-crs`, else none.
    public func lonLatTransform(_ fc: FeatureCollection, file: String) throws -> Projection? {
        if let name = fc.crsName, Self.crsCode(name) == nil {
            throw InputError(file: file, location: nil, field: "crs", message: "\"\(name)\" is not a CRS name covgap understands (use EPSG:N)")
        }
        guard let crs = lonLatCRS(fc) else { return nil }
        do {
            return try Projection(from: crs, to: "EPSG:4326")
        } catch {
            throw InputError(file: file, location: nil, field: "crs", message: "\(error)")
        }
    }

    /// "urn:ogc:def:crs:EPSG::3405", "EPSG:3405", "urn:ogc:def:crs:OGC:1.3:CRS84" → "EPSG:3405" / "OGC:CRS84".
    static func crsCode(_ name: String) -> String? {
        let n = name.trimmingCharacters(in: .whitespaces)
        if n.uppercased().hasSuffix("CRS84") { return "OGC:CRS84" }
        let parts = n.split(separator: ":", omittingEmptySubsequences: true)
        if let i = parts.lastIndex(where: { $0.uppercased() == "EPSG" }), i + 1 < parts.count, let code = Int(parts[parts.count - 1]) {
            return "EPSG:\(code)"
        }
        return nil
    }

    /// The shape in lon/lat, every coordinate finite and in range.
    public func checked(_ shape: Shape, _ toLonLat: Projection?, _ fail: (String?, String) -> InputError) throws -> Shape {
        var s = shape
        if let toLonLat {
            do { s = try toLonLat.transform(shape) } catch { throw fail("geometry", "\(error)") }
        }
        try s.forEachCoordinate { try Self.checkLonLat($0, fail, field: "geometry") }
        return s
    }

    /// Whether `c` is a longitude/latitude position (NaN and infinities are not).
    static func isLonLat(_ c: Coordinate) -> Bool { (-180...180).contains(c.x) && (-90...90).contains(c.y) }

    static func checkLonLat(_ c: Coordinate, _ fail: (String?, String) -> InputError, field: String) throws {
        guard !isLonLat(c) else { return }
        guard c.x.isFinite, c.y.isFinite else { throw fail(field, "a coordinate is not a finite number") }
        let swapped = (-90...90).contains(c.x) && (-180...180).contains(c.y)
        throw fail(field, "[\(format(c.x)), \(format(c.y))] is not a [lon, lat] position\(swapped ? " (latitude and longitude swapped? GeoJSON puts longitude first)" : " (is the file in another CRS? use --input-crs)")")
    }

    private func optionalText(_ p: JSONObject, _ key: String, _ fail: (String?, String) -> InputError) throws -> String? {
        guard let v = p[key], !v.isNull else { return nil }
        guard let s = Self.text(v) else { throw fail(key, "must be text") }
        return s
    }

    private func count(_ p: JSONObject, _ key: String, _ fail: (String?, String) -> InputError) throws -> Double? {
        guard let v = p[key], !v.isNull else { return nil }
        let n: Double?
        switch v {
        case .number(let d): n = d
        case .string(let s): n = s.trimmingCharacters(in: .whitespaces).isEmpty ? nil : Self.number(s)
            if n == nil && !s.trimmingCharacters(in: .whitespaces).isEmpty { throw fail(key, "\"\(s)\" is not a number") }
        default: throw fail(key, "must be a number")
        }
        if let n, n < 0 || !n.isFinite { throw fail(key, "\(Self.format(n)) must be a non-negative number") }
        if let n, n > InputLimits.maxCount { throw fail(key, "\(Self.format(n)) is more than \(Self.format(InputLimits.maxCount)), the most one village can hold") }
        return n
    }

    /// A number field that may be empty: nil when it is, else the number, or the error naming `field`.
    func optionalNumber(_ text: String?, field: String, _ fail: (String, String) -> InputError) throws -> Double? {
        guard let t = text?.trimmedSpaces, !t.isEmpty else { return nil }
        guard let n = Self.number(t) else { throw fail(field, Self.notANumber(t)) }
        return n
    }

    /// A list of numbers written as text, as formats without arrays keep one: GeoPackage's JSON
    /// "[108.9,14.6]" or OGR's "(2:108.9,14.6)"; nil when any part is not a number.
    static func numberList(_ text: String) -> [JSONValue]? {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        if t.hasPrefix("("), let colon = t.firstIndex(of: ":") { t = t[t.index(after: colon)...] }
        let parts = t.split { "[](), ".contains($0) }
        let numbers = parts.compactMap { number(String($0)) }
        return numbers.count == parts.count && !numbers.isEmpty ? numbers.map(JSONValue.number) : nil
    }

    /// Why `text` is not accepted as a number: "\"inf\" is not a finite number", "\"12,5\" is not a number".
    static func notANumber(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = Double(t), !d.isFinite { return "\"\(t)\" is not a finite number" }
        if t.isEmpty { return "empty; a number is required" }
        if t.contains(","), number(t.replacingOccurrences(of: ",", with: ".")) != nil {
            return "\"\(t)\" is not a number (use a decimal point, not a comma)"
        }
        return "\"\(t)\" is not a number"
    }

    /// A finite decimal number ("nan", "inf" and hex are not numbers here).
    public static func number(_ s: String) -> Double? {
        let t = s.trimmedSpaces
        // Plain decimals ("13.774567", "-120") are most of a table's numbers: read in one pass.
        if let d = plainDecimal(t) { return d }
        // Digits, signs, a point and an exponent only (bytes: the fields of a table are many).
        guard !t.isEmpty, t.utf8.allSatisfy({ b in (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2D || b == 0x2E || b == 0x45 || b == 0x65 }),
              let d = Double(t), d.isFinite else { return nil }
        return d
    }

    /// An optional sign, digits and an optional point with digits after it ("-120", "13.774567",
    /// "5.", ".5"), when at most 15 digits in all: their value as a whole number is exact in a
    /// Double, and so is the power of ten it is divided by (at most 10^15), so the one division is
    /// correctly rounded, the Double the standard library's conversion gives (Clinger's fast
    /// path). Nil for anything else, which the standard library then reads.
    static func plainDecimal(_ text: String) -> Double? {
        if let read = text.utf8.withContiguousStorageIfAvailable({ plainDecimal($0) }) { return read }
        return Array(text.utf8).withUnsafeBufferPointer { plainDecimal($0) }
    }

    /// `plainDecimal` of UTF-8 bytes (read in place: a table has millions of numbers).
    static func plainDecimal(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        var mantissa: UInt64 = 0, digits = 0, decimals = 0
        var negative = false, point = false, first = true
        for b in text {
            if first && (b == 0x2D || b == 0x2B) { negative = b == 0x2D; first = false; continue }
            first = false
            if b == 0x2E {
                if point { return nil }
                point = true
                continue
            }
            let d = b &- 0x30
            guard d < 10 else { return nil }
            digits += 1
            guard digits <= 15 else { return nil }
            mantissa = mantissa * 10 + UInt64(d)
            if point { decimals += 1 }
        }
        guard digits > 0 else { return nil }
        let v = Double(mantissa) / JSONScanner.powerOfTen(decimals)
        return negative ? -v : v
    }

    /// Text of a string or number property, NFC-normalised.
    static func text(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return nfc(s.trimmed(.whitespacesAndNewlines))
        case .number(let d): return plainNumber(d)
        default: return nil
        }
    }

    static func format(_ d: Double) -> String { plainNumber(d) }

    mutating func warn(_ line: String) { warnings.append(line) }
}

extension String {
    /// The string without leading and trailing whitespace. Fields read from files rarely have any,
    /// and checking the two ends first spares the Foundation call (the slowest step of reading sites)
    /// and even the making of the character set.
    var trimmedSpaces: String { trimmed(.whitespaces) }

    /// The string without leading and trailing characters of `set` (a whitespace set).
    func trimmed(_ set: @autoclosure () -> CharacterSet) -> String {
        func plain(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }
        // The ends read in place (the UTF-8 view's last byte is found by stepping back a character).
        let plainEnds = utf8.withContiguousStorageIfAvailable { b in b.isEmpty || (plain(b[0]) && plain(b[b.count - 1])) }
            ?? (utf8.isEmpty || (plain(utf8.first!) && plain(utf8.last!)))
        if plainEnds { return self }
        return trimmingCharacters(in: set())
    }
}

/// The columns of a table's rows by name, for rows that are all asked for the same names in the
/// same order (the sites reader asks each row for site_id, operator, tech, lat, lon…): each name
/// is looked up in the header once, and a row's lookups then follow the first row's order,
/// comparing names (the same string literals, equal at once) instead of hashing them.
struct ColumnsInOrder {
    let header: [String]
    private var asked: [(name: String, column: Int?)] = []
    private var next = 0

    init(header: [String]) { self.header = header }

    mutating func startRow() { next = 0 }

    /// The first column named `name` (as `CSVRow`'s subscript finds it), or nil.
    mutating func column(_ name: String) -> Int? {
        defer { next += 1 }
        if next < asked.count && asked[next].name == name { return asked[next].column }
        let column = header.firstIndex(of: name)
        if next == asked.count { asked.append((name, column)) }
        return column
    }
}
