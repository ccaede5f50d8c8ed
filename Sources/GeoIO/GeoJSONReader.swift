import Geo

/// Reads GeoJSON FeatureCollections (RFC 7946, plus the legacy `crs` member).
///
/// Coordinates are parsed straight into `[Coordinate]` arrays, with no intermediate JSON tree, so a
/// file needs little more memory than its bytes plus 16 bytes per position. Z and M values are
/// accepted and dropped. Rings must be closed and have at least 4 positions, LineStrings at least
/// 2. Features are numbered from 0 in messages ("feature 3"), and so are rings and parts.
/// Property strings (and keys) come back in NFC.
public enum GeoJSONReader {
    /// Reads the FeatureCollection in the file at `path`; errors name `path` as given.
    public static func read(path: String) throws -> FeatureCollection {
        try read(bytes: try InputFile.read(path), source: path)
    }

    /// Reads a FeatureCollection from `bytes`; `source` names them in errors.
    public static func read(bytes: [UInt8], source: String) throws -> FeatureCollection {
        try bytes.withUnsafeBufferPointer { try read($0, source: source) }
    }

    /// Reads a FeatureCollection from raw memory (for example a memory-mapped file).
    public static func read(_ raw: UnsafeRawBufferPointer, source: String) throws -> FeatureCollection {
        try read(raw.bindMemory(to: UInt8.self), source: source)
    }

    /// Reads a FeatureCollection from a buffer; `source` names it in errors.
    public static func read(_ buffer: UnsafeBufferPointer<UInt8>, source: String) throws -> FeatureCollection {
        try read(buffer, source: source, jobs: defaultJobs)
    }

    /// Reads a FeatureCollection with its features parsed on `jobs` threads once the features
    /// array holds at least `parallelBytes` bytes: the same features, and the same first error,
    /// as one thread reading them in order.
    static func read(_ buffer: UnsafeBufferPointer<UInt8>, source: String, jobs: Int,
                     parallelBytes: Int = GeoJSONParser.parallelBytes) throws -> FeatureCollection {
        let start = try TextEncoding.checkUTF8(buffer, source: source)
        var parser = GeoJSONParser(scanner: JSONScanner(buffer, start: start, source: source))
        parser.jobs = jobs
        parser.parallelBytes = parallelBytes
        return try parser.featureCollection()
    }
}

/// Nested coordinate arrays as found, before the geometry's type says what they must be.
public enum CoordinateTree {
    case empty
    case position(Coordinate)
    case list1([Coordinate])
    case list2([[Coordinate]])
    case list3([[[Coordinate]]])

    var depthDescription: String {
        switch self {
        case .empty: return "an empty array"
        case .position: return "a single position"
        case .list1: return "an array of positions"
        case .list2: return "an array of arrays of positions"
        case .list3: return "arrays of positions nested three deep"
        }
    }
}

public struct GeoJSONParser {
    var s: JSONScanner
    /// The feature being read, for messages.
    var feature = -1
    /// Threads for the features array, and the size from which it is split between them (below
    /// a few megabytes one thread is quicker).
    var jobs = 1
    var parallelBytes = GeoJSONParser.parallelBytes
    static let parallelBytes = 4 << 20

    init(scanner: JSONScanner) { s = scanner }

    // MARK: Errors

    func fail(_ message: String, field: String? = "geometry") -> InputError {
        InputError(file: s.source, location: feature >= 0 ? "feature \(feature)" : nil, field: field, message: message)
    }

    /// What kind of JSON value starts at the cursor, for messages.
    func kindAhead() -> String {
        switch s.peek() {
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        default: return s.found()
        }
    }

    // MARK: Collection

    mutating func featureCollection() throws -> FeatureCollection {
        s.skipWhitespace()
        if s.i >= s.count {
            throw InputError(file: s.source, message: "the file is empty; it must hold a GeoJSON FeatureCollection")
        }
        guard s.peek() == UInt8(ascii: "{") else {
            // Syntax errors first (a file that is not JSON at all), then what it is.
            let kind = kindAhead()
            do {
                try s.skipValue()
                try s.expectEnd()
            } catch var e as InputError {
                e.message = "the file is not JSON (\(e.message)); a GeoJSON FeatureCollection starts with '{'"
                throw e
            }
            throw InputError(file: s.source, message: "expected a GeoJSON FeatureCollection, found \(kind == "an array" ? "a JSON array" : kind)")
        }
        var type: String?
        var features: [Feature]?
        var crsName: String?
        var seen = Set<String>()
        if try s.beginObject() {
            repeat {
                let key = try s.key()
                try once(key, ["type", "features", "crs"], &seen)
                s.skipWhitespace()
                if s.equals(key, "type") {
                    guard s.peek() == UInt8(ascii: "\"") else {
                        throw fail("\"type\" must be a string, found \(kindAhead())", field: "type")
                    }
                    type = s.string(try s.rawString())
                } else if s.equals(key, "features") && s.peek() == UInt8(ascii: "[") {
                    features = try featureArray()
                } else if s.equals(key, "crs") {
                    let crs = try s.value()
                    crsName = crs["properties"]?["name"]?.stringValue
                } else {
                    try s.skipValue()
                }
            } while try s.nextMember()
        }
        try s.expectEnd()
        guard type == "FeatureCollection" else {
            let found: String
            switch type {
            case nil: found = "a JSON object with no \"type\" member"
            case "Feature": found = "a Feature"
            case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
                found = "a \(type!) geometry"
            case .some(let t): found = "an object of type \"\(t)\""
            }
            throw InputError(file: s.source, message: "expected a GeoJSON FeatureCollection, found \(found)")
        }
        guard let features else {
            throw InputError(file: s.source, message: "the FeatureCollection has no \"features\" array")
        }
        return FeatureCollection(features: features, crsName: crsName)
    }

    /// Refuses a second `type`, `geometry`, `coordinates`… in one object: which one a reader
    /// takes is not defined, and QGIS and covgap could then see different data.
    func once(_ key: JSONScanner.RawString, _ names: [StaticString], _ seen: inout Set<String>) throws {
        guard let name = names.first(where: { s.equals(key, $0) }).map({ "\($0)" }) else { return }
        guard seen.insert(name).inserted else { throw s.duplicateMember(name) }
    }

    mutating func featureArray() throws -> [Feature] {
        var features: [Feature] = []
        guard try s.beginArray() else { return features }
        if jobs > 1, s.count - s.i >= parallelBytes {
            s.skipWhitespace()
            if let (parsed, end) = piecesRead(from: pieceStarts(8 * jobs)) {
                s.i = end
                s.depth -= 1
                return parsed
            }
            if let split = featureStarts(), split.starts.count > 1, let parsed = try parallelFeatures(split.starts) {
                s.i = split.end
                s.depth -= 1
                return parsed
            }
        }
        repeat {
            feature = features.count
            features.append(try readFeature())
        } while try s.nextElement()
        feature = -1
        return features
    }

    /// Where `pieces` stretches of the features array at the cursor may start, for `piecesRead`:
    /// the cursor, then from each of the offsets that cut the rest of the file into as many equal
    /// parts, the first `{` after a `}` and a `,` (whitespace between), as consecutive features
    /// are written. A guess taken without reading what comes before: a `},{` inside a feature (a
    /// GeometryCollection, a string) is one that `piecesRead` finds wrong.
    func pieceStarts(_ pieces: Int) -> [Int] {
        let base = s.base, count = s.count
        var starts = [s.i]
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        for k in 1..<max(1, pieces) {
            var i = max(starts[starts.count - 1] + 1, s.i + (count - s.i) / pieces * k)
            search: while i < count {
                guard base[i] == UInt8(ascii: "}") else { i += 1; continue }
                var j = i + 1
                while j < count, isSpace(base[j]) { j += 1 }
                guard j < count, base[j] == UInt8(ascii: ",") else { i += 1; continue }
                j += 1
                while j < count, isSpace(base[j]) { j += 1 }
                if j < count, base[j] == UInt8(ascii: "{") { starts.append(j); break search }
                i += 1
            }
        }
        return starts
    }

    /// The features array read in stretches on `jobs` threads, each from one of `starts` (the
    /// first at the array's first feature) feature after feature until it reaches the next start
    /// exactly: each stretch then ends where the next begins, and every start is where a feature
    /// begins. With the features numbered in order and the offset after the array's `]`; nil when
    /// a stretch fails or does not land on the next start (a start guessed wrong), and the array
    /// is then read another way, which also says what is wrong.
    func piecesRead(from starts: [Int]) -> (features: [Feature], end: Int)? {
        guard starts.count > 1 else { return nil }
        let read = concurrentMap(starts.count, jobs: jobs, chunk: 1) { c -> (features: [Feature], end: Int)? in
            var p = self
            p.s.i = starts[c]
            let last = c == starts.count - 1
            var features: [Feature] = []
            do {
                while true {
                    p.feature = features.count
                    features.append(try p.readFeature())
                    guard try p.s.nextElement() else { return last ? (features, p.s.i) : nil }
                    p.s.skipWhitespace()
                    if !last {
                        if p.s.i == starts[c + 1] { return (features, p.s.i) }
                        if p.s.i > starts[c + 1] { return nil }
                    }
                }
            } catch {
                return nil
            }
        }
        var features: [Feature] = []
        features.reserveCapacity(read.reduce(0) { $0 + ($1?.features.count ?? 0) })
        for piece in read {
            guard let piece else { return nil }
            let offset = features.count
            features += piece.features
            for k in offset..<features.count { features[k].index += offset }
        }
        return (features, read[read.count - 1]!.end)
    }

    /// Where each feature of the array at the cursor starts, and the offset after its `]`, by a
    /// quick scan that only follows strings and brackets; nil for anything but an array of objects
    /// (the parser then reads it in order and says what is wrong).
    func featureStarts() -> (starts: [Int], end: Int)? {
        var q = s  // a copy of the scanner: only its cursor moves
        let base = q.base, count = q.count
        var starts: [Int] = []
        while true {
            q.skipWhitespace()
            guard q.peek() == UInt8(ascii: "{") else { return nil }
            starts.append(q.i)
            var depth = 0
            repeat {
                guard q.i < count else { return nil }
                switch base[q.i] {
                case 0x22:
                    q.i += 1
                    while q.i < count, base[q.i] != 0x22 { q.i += base[q.i] == 0x5C ? 2 : 1 }
                    guard q.i < count else { return nil }
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                q.i += 1
            } while depth > 0
            q.skipWhitespace()
            switch q.peek() {
            case UInt8(ascii: "]"): return (starts, q.i + 1)
            case UInt8(ascii: ","): q.i += 1
            default: return nil
            }
        }
    }

    /// The features starting at `starts`, parsed in pieces on `jobs` threads, each from its start
    /// as found by `featureStarts`. A feature that fails throws what reading in order would have
    /// thrown (every feature before it was read and ended where the next one starts); nil when a
    /// feature does not end where the scan put the next one, and the array is then read in order.
    func parallelFeatures(_ starts: [Int]) throws -> [Feature]? {
        enum Piece { case read([Feature]), failed(Error), misread }
        let n = starts.count, pieces = min(n, 8 * jobs), size = (n + pieces - 1) / pieces
        let read = try parallelMap((n + size - 1) / size, jobs: jobs, chunk: 1) { c -> Piece in
            var p = self
            var features: [Feature] = []
            features.reserveCapacity(size)
            p.s.i = starts[c * size]
            let end = min(n, (c + 1) * size)
            for k in c * size..<end {
                guard p.s.i == starts[k] else { return .misread }
                p.feature = k
                do {
                    features.append(try p.readFeature())
                    if try p.s.nextElement() { p.s.skipWhitespace() } else if k != n - 1 { return .misread }
                } catch {
                    return .failed(error)
                }
            }
            // The next piece starts where this one ends.
            if end < n, p.s.i != starts[end] { return .misread }
            return .read(features)
        }
        var features: [Feature] = []
        features.reserveCapacity(n)
        for piece in read {
            switch piece {
            case .read(let f): features += f
            case .failed(let error): throw error
            case .misread: return nil
            }
        }
        return features
    }

    // MARK: Feature

    mutating func readFeature() throws -> Feature {
        do {
            s.skipWhitespace()
            guard s.peek() == UInt8(ascii: "{") else { throw fail("a feature must be a JSON object, found \(kindAhead())", field: nil) }
            var type: String?
            var id: JSONValue?
            var properties = JSONObject()
            var geometry: Shape?
            var seen = Set<String>()
            if try s.beginObject() {
                repeat {
                    let key = try s.key()
                    try once(key, ["type", "geometry", "properties", "id"], &seen)
                    s.skipWhitespace()
                    if s.equals(key, "type") {
                        guard s.peek() == UInt8(ascii: "\"") else {
                            throw fail("\"type\" must be a string, found \(kindAhead())", field: "type")
                        }
                        type = s.string(try s.rawString())
                    } else if s.equals(key, "geometry") {
                        if s.peek() == UInt8(ascii: "n") { try s.literal("null"); geometry = nil } else { geometry = try readGeometry() }
                    } else if s.equals(key, "properties") {
                        switch try s.value() {
                        case .object(let o): properties = o
                        case .null: properties = JSONObject()
                        case let other: throw fail("\"properties\" must be an object or null, found \(other.kindDescription)", field: "properties")
                        }
                    } else if s.equals(key, "id") {
                        id = try s.value()
                    } else {
                        try s.skipValue()
                    }
                } while try s.nextMember()
            }
            guard type == "Feature" else {
                throw fail(type.map { "expected a Feature, found an object of type \"\($0)\"" }
                           ?? "expected a Feature, found an object with no \"type\" member", field: nil)
            }
            return Feature(index: feature, id: id, properties: properties, geometry: geometry)
        } catch var e as InputError where e.location?.hasPrefix("line ") == true {
            e.location = "feature \(feature), " + e.location!   // syntax errors: say which feature too
            throw e
        }
    }

    // MARK: Geometry

    mutating func readGeometry() throws -> Shape {
        guard s.peek() == UInt8(ascii: "{") else {
            throw fail("\"geometry\" must be a geometry object or null, found \(kindAhead())")
        }
        var type: String?
        var tree: CoordinateTree?
        var members: [Shape]?
        var seen = Set<String>()
        if try s.beginObject() {
            repeat {
                let key = try s.key()
                try once(key, ["type", "coordinates", "geometries"], &seen)
                s.skipWhitespace()
                if s.equals(key, "type") {
                    guard s.peek() == UInt8(ascii: "\"") else { throw fail("\"type\" must be a string, found \(kindAhead())") }
                    type = s.string(try s.rawString(), normalize: false)
                } else if s.equals(key, "coordinates") {
                    guard s.peek() == UInt8(ascii: "[") else { throw fail("\"coordinates\" must be an array, found \(kindAhead())") }
                    tree = try coordinates()
                } else if s.equals(key, "geometries") {
                    guard s.peek() == UInt8(ascii: "[") else { throw fail("\"geometries\" must be an array, found \(kindAhead())") }
                    var list: [Shape] = []
                    if try s.beginArray() {
                        repeat {
                            s.skipWhitespace()
                            list.append(try readGeometry())
                        } while try s.nextElement()
                    }
                    members = list
                } else {
                    try s.skipValue()
                }
            } while try s.nextMember()
        }
        guard let type else { throw fail("the geometry has no \"type\" member") }
        if type == "GeometryCollection" {
            guard let members else { throw fail("the GeometryCollection has no \"geometries\" array") }
            return .geometryCollection(members)
        }
        guard let tree else { throw fail("the \(type) has no \"coordinates\" array") }
        func mismatch(_ needs: String) -> InputError {
            fail("a \(type) needs \(needs), found \(tree.depthDescription)")
        }
        switch type {
        case "Point":
            guard case .position(let c) = tree else { throw mismatch("one position [x, y]") }
            return .point(c)
        case "MultiPoint":
            switch tree {
            case .empty: return .multiPoint([])
            case .list1(let cs): return .multiPoint(cs)
            default: throw mismatch("an array of positions")
            }
        case "LineString":
            switch tree {
            case .empty: return .lineString([])
            case .list1(let cs):
                try checkLine(cs, "the LineString")
                return .lineString(cs)
            default: throw mismatch("an array of positions")
            }
        case "MultiLineString":
            switch tree {
            case .empty: return .multiLineString([])
            case .list2(let ls):
                for (k, l) in ls.enumerated() { try checkLine(l, "line \(k) of the MultiLineString") }
                return .multiLineString(ls)
            default: throw mismatch("an array of lines (arrays of positions)")
            }
        case "Polygon":
            switch tree {
            case .empty: return .polygon([])
            case .list2(let rings):
                for (k, r) in rings.enumerated() { try checkRing(r, "ring \(k) of the Polygon") }
                return .polygon(rings)
            default: throw mismatch("an array of rings (arrays of positions)")
            }
        case "MultiPolygon":
            switch tree {
            case .empty: return .multiPolygon([])
            case .list3(let polygons):
                for (p, rings) in polygons.enumerated() {
                    for (k, r) in rings.enumerated() { try checkRing(r, "ring \(k) of polygon \(p) of the MultiPolygon") }
                }
                return .multiPolygon(polygons)
            default: throw mismatch("an array of polygons (arrays of rings)")
            }
        default:
            throw fail("unknown geometry type \"\(type)\" (GeoJSON has Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon and GeometryCollection)")
        }
    }

    func checkLine(_ line: [Coordinate], _ what: String) throws {
        if line.count == 1 { throw fail("\(what) has 1 position; a line needs at least 2") }
    }

    func checkRing(_ ring: [Coordinate], _ what: String) throws {
        if ring.count < 4 {
            throw fail("\(what) has \(ring.count) position\(ring.count == 1 ? "" : "s"); a ring needs at least 4, the first repeated at the end")
        }
        if ring.first != ring.last {
            throw fail("\(what) is not closed: it starts at \(describe(ring.first!)) and ends at \(describe(ring.last!))")
        }
    }

    func describe(_ c: Coordinate) -> String { "[\(jsonNumberText(c.x)), \(jsonNumberText(c.y))]" }

    // MARK: Coordinates

    /// Reads nested coordinate arrays (cursor on `[`), building `[Coordinate]` arrays directly.
    mutating func coordinates() throws -> CoordinateTree {
        s.i += 1
        s.skipWhitespace()
        let b = s.peek()
        if b == UInt8(ascii: "]") { s.i += 1; return .empty }
        if b != UInt8(ascii: "[") { return .position(try positionBody()) }
        let first = try coordinates()
        switch first {
        case .position(let c):
            var list = [c]
            while try nextElement() {
                s.skipWhitespace()
                guard s.peek() == UInt8(ascii: "[") else {
                    throw fail("expected a position [x, y] in the coordinates, found \(kindAhead())")
                }
                s.i += 1
                s.skipWhitespace()
                if s.peek() == UInt8(ascii: "[") || s.peek() == UInt8(ascii: "]") {
                    throw fail("positions in the coordinates are nested at different depths")
                }
                list.append(try positionBody())
            }
            return .list1(list)
        case .list3:
            throw fail("coordinates are nested too deep for any GeoJSON geometry")
        case .empty, .list1, .list2:
            var children = [first]
            while try nextElement() {
                s.skipWhitespace()
                guard s.peek() == UInt8(ascii: "[") else {
                    throw fail("expected an array in the coordinates, found \(kindAhead())")
                }
                children.append(try coordinates())
            }
            return try combine(children)
        }
    }

    /// Arrays of the same depth (empty ones fit any) become one level deeper.
    func combine(_ children: [CoordinateTree]) throws -> CoordinateTree {
        var depth = 0
        for c in children {
            let d: Int
            switch c {
            case .empty: continue
            case .list1: d = 1
            case .list2: d = 2
            case .position, .list3: d = 9
            }
            if depth != 0 && d != depth || d == 9 { throw fail("positions in the coordinates are nested at different depths") }
            depth = d
        }
        if depth == 2 {
            return .list3(children.map { if case .list2(let l) = $0 { return l } else { return [] } })
        }
        return .list2(children.map { if case .list1(let l) = $0 { return l } else { return [] } })
    }

    @inline(__always) mutating func nextElement() throws -> Bool {
        s.skipWhitespace()
        guard s.i < s.count else { throw s.error("expected ',' or ']' in the coordinates, found the end of the file") }
        switch s.base[s.i] {
        case UInt8(ascii: ","): s.i += 1; return true
        case UInt8(ascii: "]"): s.i += 1; return false
        default: throw s.error("expected ',' or ']' in the coordinates, found \(s.found())")
        }
    }

    /// The numbers of a position after its `[`, through its `]`; x and y kept, the rest dropped.
    @inline(__always) mutating func positionBody() throws -> Coordinate {
        let x = try coordinateNumber("x")
        s.skipWhitespace()
        guard s.peek() == UInt8(ascii: ",") else {
            if s.peek() == UInt8(ascii: "]") { throw fail("a position needs at least two numbers [x, y], found one") }
            throw s.error("expected ',' in a position, found \(s.found())")
        }
        s.i += 1
        let y = try coordinateNumber("y")
        while true {
            s.skipWhitespace()
            guard s.i < s.count else { throw s.error("expected ',' or ']' in a position, found the end of the file") }
            if s.base[s.i] == UInt8(ascii: "]") { s.i += 1; break }
            guard s.base[s.i] == UInt8(ascii: ",") else { throw s.error("expected ',' or ']' in a position, found \(s.found())") }
            s.i += 1
            _ = try coordinateNumber("z")
        }
        return Coordinate(x, y)
    }

    /// "NaN", "Infinity" or "-Infinity" at the cursor, as JavaScript and Python's json module write
    /// non-finite numbers; nil for anything else.
    func nonFiniteAhead() -> String? {
        var end = s.i
        if end < s.count && s.base[end] == UInt8(ascii: "-") { end += 1 }
        while end < s.count, end - s.i < 12, (s.base[end] | 0x20) >= UInt8(ascii: "a"), (s.base[end] | 0x20) <= UInt8(ascii: "z") { end += 1 }
        let word = String(decoding: UnsafeBufferPointer(start: s.base + s.i, count: end - s.i), as: UTF8.self)
        return ["nan", "infinity", "-infinity", "inf", "-inf"].contains(word.lowercased()) ? word : nil
    }

    /// Coordinates this large fit no CRS on Earth (metres, feet or degrees): a broken export.
    static let coordinateLimit = 1e10

    @inline(__always) mutating func coordinateNumber(_ axis: String) throws -> Double {
        s.skipWhitespace()
        let b = s.peek()
        guard b == UInt8(ascii: "-") || (b >= 0x30 && b <= 0x39) else {
            if let word = nonFiniteAhead() {
                throw fail("coordinate \(axis) is \(word), which JSON does not allow; every coordinate must be a finite number")
            }
            throw fail("coordinate \(axis) must be a number, found \(kindAhead())")
        }
        if s.i + 1 < s.count && s.base[s.i + 1] == UInt8(ascii: "I"), let word = nonFiniteAhead() {
            throw fail("coordinate \(axis) is \(word), which JSON does not allow; every coordinate must be a finite number")
        }
        let start = s.i
        let v: Double
        do { v = try s.number() } catch let e as InputError {
            throw fail("coordinate \(axis): \(e.message)")
        }
        if abs(v) > Self.coordinateLimit {
            let text = String(decoding: UnsafeBufferPointer(start: s.base + start, count: s.i - start), as: UTF8.self)
            throw fail("coordinate \(axis) = \(text) is too large for any coordinate reference system")
        }
        return v
    }
}
