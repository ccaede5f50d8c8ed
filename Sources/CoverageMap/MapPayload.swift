import Geo
import GeoIO

/// The compact map payload (docs/map-payload.md): coordinates on a grid of `step` degrees, every
/// ring and line cut into arcs so that a border villages (or a village and its gap area) share is
/// stored once, arcs thinned for drawing, integers written as text in a variable-length code, and
/// properties as columns rather than one object per feature.
enum MapPayload {
    /// Grid step in degrees: about 2.2 m, under half the drawing tolerance.
    static let step = 0.00002
    /// Arcs are thinned to about 5 m (`MapData.drawingTolerance`), in grid units.
    static let thinning = MapData.drawingTolerance / step

    /// One layer: properties as columns and geometry as arc references and points.
    struct Layer {
        var properties: [JSONObject]
        var shapes: [Shape?]
        /// What a shape is drawn as (its outline), when not as it is.
        var outline: (@Sendable (Shape) -> Shape)? = nil
    }

    /// The parts of a shape: polygons (rings), lines and points.
    struct Parts {
        var polygons: [[[Coordinate]]] = []
        var lines: [[Coordinate]] = []
        var points: [Coordinate] = []

        init(_ shape: Shape?) { if let shape { add(shape) } }

        mutating func add(_ shape: Shape) {
            switch shape {
            case .point(let c): points.append(c)
            case .multiPoint(let cs): points += cs
            case .lineString(let cs): lines.append(cs)
            case .multiLineString(let ls): lines += ls
            case .polygon(let rs): polygons.append(rs)
            case .multiPolygon(let ps): polygons += ps
            case .geometryCollection(let gs): gs.forEach { add($0) }
            }
        }
    }

    static func grid(_ c: Coordinate) -> GridPoint {
        GridPoint(Int32((c.x / step).rounded()), Int32((c.y / step).rounded()))
    }

    /// Grid points without consecutive repeats (and without a ring's closing point).
    static func gridPath(_ cs: [Coordinate], ring: Bool) -> [GridPoint] {
        var out: [GridPoint] = []
        out.reserveCapacity(cs.count)
        for c in cs {
            let g = grid(c)
            if out.last != g { out.append(g) }
        }
        if ring, out.count > 1, out.first == out.last { out.removeLast() }
        return out
    }

    /// The payload's layers and arcs, written into `w` as members of the current object:
    /// "grid", "arcs" and one member per layer.
    static func write(layers: [(name: String, layer: Layer)], into w: inout JSONWriter, thinning: Double = Self.thinning) {
        // Every ring and line of every layer, in order, for shared-border extraction; per feature,
        // rings per polygon, then the number of lines (to read the references back).
        let traced = layers.map { l in
            concurrentMap(l.layer.shapes.count, chunk: 256) { i -> (paths: [SharedBorders.Path], outline: (rings: [Int], lines: Int, points: [Coordinate])) in
                let shape = l.layer.shapes[i]
                let p = Parts(l.layer.outline.flatMap { outline in shape.map(outline) } ?? shape)
                var shapePaths: [SharedBorders.Path] = []
                var rings: [Int] = []
                for polygon in p.polygons {
                    let rs = polygon.map { gridPath($0, ring: true) }.filter { $0.count >= 3 }
                    guard let first = polygon.first, rs.first == gridPath(first, ring: true) else { continue }  // exterior collapsed
                    rings.append(rs.count)
                    shapePaths += rs.map { .init(points: $0, isRing: true) }
                }
                let ls = p.lines.map { gridPath($0, ring: false) }.filter { $0.count >= 2 }
                shapePaths += ls.map { .init(points: $0, isRing: false) }
                return (shapePaths, (rings, ls.count, p.points))
            }
        }
        let paths = traced.flatMap { $0.map(\.paths) }
        let outline = traced.map { $0.map(\.outline) }
        // The property columns do not depend on the borders: encoded beside them (compact JSON
        // written apart reads the same as written in place).
        let ((borders, refs), columns) = concurrentPair({ SharedBorders.build(paths) }, {
            layers.map { l -> [UInt8] in
                var c = JSONWriter(style: w.style)
                writeColumns(l.layer.properties, into: &c)
                return c.bytes
            }
        })
        // Arcs of rings with fewer than three arcs keep a middle point, so that no ring collapses.
        var minimum = [Int](repeating: 2, count: borders.arcs.count)
        for shape in refs { for path in shape where path.count < 3 { for r in path { minimum[r >= 0 ? r : ~r] = 3 } } }
        // The arcs, thinned, and each layer's references to them, encoded side by side.
        var firstShape: [Int] = [], start = 0
        for l in layers { firstShape.append(start); start += l.layer.shapes.count }
        let (arcCode, shapeCodes) = concurrentPair({ () -> [UInt8] in
            let arcs = borders.thinned(tolerance: thinning, minimumOpen: minimum)
            // An arc's first point is written from the first point of the arc before: each run of
            // arcs starts from the arc before its first.
            return inRuns(arcs.count) { run in
                var code = VarCode()
                var previous = run.lowerBound == 0 ? GridPoint(0, 0) : arcs[run.lowerBound - 1][0]
                for i in run {
                    let arc = arcs[i]
                    code.unsigned(arc.count * 2 + (borders.closed[i] ? 1 : 0))
                    code.signed(Int(arc[0].x) - Int(previous.x)); code.signed(Int(arc[0].y) - Int(previous.y))
                    previous = arc[0]
                    var dx = 0, dy = 0
                    for k in 1..<max(1, arc.count) {
                        let nx = Int(arc[k].x) - Int(arc[k - 1].x), ny = Int(arc[k].y) - Int(arc[k - 1].y)
                        code.signed(nx - dx); code.signed(ny - dy)  // second differences: smooth outlines give small numbers
                        dx = nx; dy = ny
                    }
                }
                return code.bytes
            }
        }, {
            layers.indices.map { li in shapeCode(outline[li], refs: refs[firstShape[li]...]) }
        })

        // The payload's bulk, and an eighth more for what follows it (the labels): the writer's
        // buffer grows once instead of doubling up to tens of megabytes.
        let bulk = arcCode.count + shapeCodes.reduce(0) { $0 + $1.count } + columns.reduce(0) { $0 + $1.count }
        w.reserveCapacity(adding: bulk + bulk / 8 + (1 << 16))
        w.key("grid"); w.number(step)
        w.key("arcs"); w.string(utf8: arcCode)
        for (li, l) in layers.enumerated() {
            w.key(l.name)
            w.beginObject()
            w.key("count"); w.number(l.layer.shapes.count)
            w.key("properties"); w.raw(columns[li])
            w.key("shapes"); w.string(utf8: shapeCodes[li])
            w.endObject()
        }
    }

    /// Arcs or shapes encoded on all cores, this many to a run.
    static let codeRun = 4096

    /// Items `0..<count` encoded a run of `codeRun` at a time on all cores (`encode` makes one
    /// run's bytes), the runs' bytes joined in order (`VarCode` text: ASCII).
    private static func inRuns(_ count: Int, _ encode: (Range<Int>) -> [UInt8]) -> [UInt8] {
        oneRun(concurrentMap((count + codeRun - 1) / codeRun, chunk: 1) { r in encode((r * codeRun)..<min(count, (r + 1) * codeRun)) })
    }

    /// One layer's shapes as arc references (and points), `refs` starting with its first shape's.
    /// A shape's references are written from the last arc referenced before it, its points from
    /// the last point before it: a first pass finds both at the start of each run of shapes.
    private static func shapeCode(_ outline: [(rings: [Int], lines: Int, points: [Coordinate])], refs: ArraySlice<[[SharedBorders.Ref]]>) -> [UInt8] {
        var starts: [(last: Int, point: GridPoint)] = []
        var last = -1, point = GridPoint(0, 0)
        for (s, o) in outline.enumerated() {
            if s % codeRun == 0 { starts.append((last, point)) }
            if let ref = refs[refs.startIndex + s].last(where: { !$0.isEmpty })?.last { last = ref >= 0 ? ref : ~ref }
            if let c = o.points.last { point = grid(c) }
        }
        return inRuns(outline.count) { run in
            let start = starts[run.lowerBound / codeRun]
            return shapeCode(outline[run], refs: refs.dropFirst(run.lowerBound), last: start.last, point: start.point)
        }
    }

    /// Shapes `outline` encoded from the last arc referenced and the last point before them.
    private static func shapeCode(_ outline: ArraySlice<(rings: [Int], lines: Int, points: [Coordinate])>, refs: ArraySlice<[[SharedBorders.Ref]]>,
                                  last: Int, point: GridPoint) -> [UInt8] {
        var g = VarCode(), last = last
        var point = point
        var shapeIndex = refs.startIndex
        for o in outline {
            let r = refs[shapeIndex]; shapeIndex += 1
            var k = 0
            func arcRefs(_ path: [SharedBorders.Ref]) {
                g.unsigned(path.count)
                for ref in path {
                    let index = ref >= 0 ? ref : ~ref
                    g.unsigned(zigzag(index - (last + 1)) * 2 + (ref >= 0 ? 0 : 1))
                    last = index
                }
            }
            g.unsigned(o.rings.count)
            for n in o.rings { g.unsigned(n); for _ in 0..<n { arcRefs(r[k]); k += 1 } }
            g.unsigned(o.lines)
            for _ in 0..<o.lines { arcRefs(r[k]); k += 1 }
            g.unsigned(o.points.count)
            for c in o.points {
                let q = grid(c)
                g.signed(Int(q.x) - Int(point.x)); g.signed(Int(q.y) - Int(point.y))
                point = q
            }
        }
        return g.bytes
    }

    // MARK: Columns

    /// Properties as columns, one per key (in the order keys are first met): numbers as scaled
    /// integers ({"n": code, "d": decimals}), other values through a dictionary ({"k": values,
    /// "n": code of index differences}), objects as columns of their own ({"o": columns, "n": code}).
    /// Code 0 means the key is absent.
    static func writeColumns(_ rows: [JSONObject?], into w: inout JSONWriter) {
        // The keys in the order first met, and each row's layout: the column of each of its
        // members. Rows mostly have the keys of the row before, in the same order, and share its
        // layout without looking their keys up. `memberOf[layout]` gives, per column, the first
        // member of that key (what `JSONObject`'s subscript finds), or -1.
        var keys: [String] = [], column: [String: Int] = [:]
        var layouts: [(keys: [String], columns: [Int])] = []
        var layoutOfRow = [Int32](repeating: -1, count: rows.count)
        for (r, row) in rows.enumerated() {
            guard let members = row?.members else { continue }
            if let last = layouts.last, last.keys.count == members.count,
               zip(last.keys, members).allSatisfy({ $0 == $1.key }) {
                layoutOfRow[r] = Int32(layouts.count - 1)
                continue
            }
            let columns = members.map { m -> Int in
                if let c = column[m.key] { return c }
                column[m.key] = keys.count
                keys.append(m.key)
                return keys.count - 1
            }
            layouts.append((members.map(\.key), columns))
            layoutOfRow[r] = Int32(layouts.count - 1)
        }
        let memberOf = layouts.map { layout -> [Int] in
            var member = [Int](repeating: -1, count: keys.count)
            for (m, c) in layout.columns.enumerated().reversed() { member[c] = m }
            return member
        }
        // The columns are independent: encoded on all cores, each apart (compact JSON written apart
        // reads the same as written in place), then put together in order.
        let columns = concurrentMap(keys.count, chunk: 1) { i -> [UInt8] in
            var c = JSONWriter(style: w.style)
            writeColumn(rows.indices.map { r -> JSONValue? in
                let layout = Int(layoutOfRow[r])
                guard layout >= 0, case let m = memberOf[layout][i], m >= 0 else { return nil }
                return rows[r]!.members[m].value
            }, into: &c)
            return c.bytes
        }
        w.beginObject()
        for (key, column) in zip(keys, columns) {
            w.key(key)
            w.raw(column)
        }
        w.endObject()
    }

    static func writeColumn(_ values: [JSONValue?], into w: inout JSONWriter) {
        // Numbers: the fewest decimals (up to 6) that keep every value exact.
        if values.allSatisfy({ $0 == nil || $0?.doubleValue != nil }), values.contains(where: { $0 != nil }) {
            let numbers = values.compactMap { $0?.doubleValue }
            if let d = (0...6).first(where: { d in
                let scale = pow10(d)
                return numbers.allSatisfy { v in abs(v * scale) < 1e15 && (v * scale).rounded() / scale == v }
            }) {
                let scale = pow10(d)
                var code = VarCode()
                for v in values {
                    if let x = v?.doubleValue { code.unsigned(zigzag(Int((x * scale).rounded())) + 1) } else { code.unsigned(0) }
                }
                w.beginObject(); w.key("d"); w.number(d); w.key("n"); w.string(utf8: code.bytes); w.endObject()
                return
            }
        }
        // Objects (and null): columns of their own.
        if values.allSatisfy({ v in v == nil || v?.objectValue != nil || v?.isNull == true }), values.contains(where: { $0?.objectValue != nil }) {
            var code = VarCode()
            for v in values { code.unsigned(v == nil ? 0 : v?.objectValue == nil ? 1 : 2) }
            w.beginObject(); w.key("o"); writeColumns(values.map { $0?.objectValue }, into: &w)
            w.key("n"); w.string(utf8: code.bytes); w.endObject()
            return
        }
        // Values are the same entry when their JSON texts are equal as Strings (canonically
        // equivalent Unicode is equal). Most are found by their bytes; a text not met before is
        // looked for as a String, once.
        var dictionary: [JSONValue] = [], index: [String: Int] = [:], indexOfBytes: [TextBytes: Int] = [:]
        var code = VarCode(), last = 0
        for v in values {
            guard let v else { code.unsigned(0); continue }
            let bytes = TextBytes(v.encoded())
            let i: Int
            if let known = indexOfBytes[bytes] {
                i = known
            } else {
                let text = String(decoding: bytes.bytes, as: UTF8.self)
                if let known = index[text] { i = known } else { i = dictionary.count; index[text] = i; dictionary.append(v) }
                indexOfBytes[bytes] = i
            }
            code.unsigned(zigzag(i - last) + 1)
            last = i
        }
        w.beginObject(); w.key("k"); w.value(.array(dictionary)); w.key("n"); w.string(utf8: code.bytes); w.endObject()
    }

    static func pow10(_ d: Int) -> Double { (0..<d).reduce(1.0) { r, _ in r * 10 } }

    /// Text as a dictionary key, hashed in one call over its bytes (an array of bytes is hashed
    /// byte by byte).
    struct TextBytes: Hashable {
        var bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
        static func == (a: TextBytes, b: TextBytes) -> Bool { a.bytes == b.bytes }
    }
}

func zigzag(_ v: Int) -> Int { v >= 0 ? 2 * v : -2 * v - 1 }

/// `pieces` one after another in one array, each copied once (`Array(pieces.joined())` copies
/// byte by byte).
func oneRun(_ pieces: [[UInt8]]) -> [UInt8] {
    var joined: [UInt8] = []
    joined.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
    for piece in pieces { joined += piece }
    return joined
}

/// Non-negative integers as printable ASCII (no `"`, `\` or `<`, so JSON strings need no escapes
/// and the text cannot close a script element): a value below 64 is one character of the first 64;
/// larger ones put (v - 64) mod 27 as one of the next 27 characters and continue with (v - 64) / 27.
struct VarCode {
    static let alphabet: [UInt8] = {
        var out: [UInt8] = []
        for b in UInt8(0x21)...UInt8(0x7E) where b != 0x22 && b != 0x5C && b != 0x3C { out.append(b) }
        return out
    }()
    static let terminal = 64, continuation = 27
    var bytes: [UInt8] = []

    mutating func unsigned(_ value: Int) {
        var v = value
        precondition(v >= 0)
        while v >= Self.terminal {
            bytes.append(Self.alphabet[Self.terminal + (v - Self.terminal) % Self.continuation])
            v = (v - Self.terminal) / Self.continuation
        }
        bytes.append(Self.alphabet[v])
    }

    mutating func signed(_ value: Int) { unsigned(zigzag(value)) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The integers `text` holds (for tests and tools).
    static func decode(_ text: String) -> [Int] {
        var table = [Int](repeating: -1, count: 128)
        for (i, b) in alphabet.enumerated() { table[Int(b)] = i }
        var out: [Int] = [], value = 0, scale = 1
        for b in text.utf8 {
            let d = table[Int(b)]
            if d < terminal { out.append(value + d * scale); value = 0; scale = 1 } else { value += (terminal + d - terminal) * scale; scale *= continuation }
        }
        return out
    }
}
