import Coverage
import CoverageReport
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

    /// What a feature's shape is drawn as: `make` makes it (its outline), `box` makes the box of
    /// the outline from the box of the shape, and `id` says what `make` does (for chunks' keys:
    /// the same shapes drawn by other outlines are other chunks).
    struct Outline: Sendable {
        var make: @Sendable (Shape) -> Shape
        var box: @Sendable (Bounds) -> Bounds
        var id: Int
    }

    /// A feature's prints: of its outline and of its properties (`MapData.prints(_:_:)`).
    typealias Prints = (shape: Fingerprint, properties: Fingerprint)

    /// One layer: properties as columns and geometry as arc references and points. Its features'
    /// properties and shapes are asked for as the chunks need them: a chunk copied from a previous
    /// page needs only the prints and boxes of its features.
    struct Layer {
        var count: Int
        /// Feature `i`'s properties, its shape and the box of its shape (called on all cores).
        var properties: (Int) -> JSONObject
        var shape: (Int) -> Shape?
        var bounds: (Int) -> Bounds?
        /// What a shape is drawn as, when not as it is.
        var outline: Outline? = nil
        /// Per feature, the prints of what it is drawn as (its outline) and of its properties, which
        /// the chunks' keys take instead of hashing the shape and the properties.
        var prints: [Prints]? = nil

        init(count: Int, properties: @escaping (Int) -> JSONObject, shape: @escaping (Int) -> Shape?,
             bounds: @escaping (Int) -> Bounds?, outline: Outline? = nil, prints: [Prints]? = nil) {
            self.count = count; self.properties = properties; self.shape = shape; self.bounds = bounds
            self.outline = outline; self.prints = prints
        }

        init(properties: [JSONObject], shapes: [Shape?], outline: Outline? = nil, prints: [Prints]? = nil) {
            self.init(count: shapes.count, properties: { properties[$0] }, shape: { shapes[$0] }, bounds: { shapes[$0]?.bounds },
                      outline: outline, prints: prints)
        }

        /// What a chunk's key takes of feature `i`'s shape.
        func addShape(_ i: Int, to f: inout Fingerprint) {
            if let prints { f.add(1); f.add(prints[i].shape) } else if let shape = shape(i) { f.add(1); f.add(shape) } else { f.add(0) }
        }

        /// Feature `i` on the grid.
        func traced(_ i: Int) -> Traced {
            let shape = shape(i)
            let p = Parts(outline.flatMap { outline in shape.map(outline.make) } ?? shape)
            var paths: [SharedBorders.Path] = []
            var rings: [Int] = []
            for polygon in p.polygons {
                let rs = polygon.map { gridPath($0, ring: true) }.filter { $0.count >= 3 }
                guard let first = polygon.first, rs.first == gridPath(first, ring: true) else { continue }  // exterior collapsed
                rings.append(rs.count)
                paths += rs.map { .init(points: $0, isRing: true) }
            }
            let ls = p.lines.map { gridPath($0, ring: false) }.filter { $0.count >= 2 }
            paths += ls.map { .init(points: $0, isRing: false) }
            return Traced(paths: paths, rings: rings, lines: ls.count, points: p.points)
        }

        /// The box of feature `i`'s outline on the grid (that of its traced points, as rounding keeps
        /// the order of coordinates), from its shape's box.
        func gridBox(_ i: Int) -> GridBox? {
            guard let b = bounds(i) else { return nil }
            let o = outline?.box(b) ?? b
            let low = grid(Coordinate(o.minX, o.minY)), high = grid(Coordinate(o.maxX, o.maxY))
            return GridBox(minX: Int64(low.x), minY: Int64(low.y), maxX: Int64(high.x), maxY: Int64(high.y))
        }
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

    /// A feature on the grid: its rings and lines as paths for shared-border extraction, and how
    /// many rings each polygon has, how many lines and which points, to write its references.
    struct Traced: Sendable {
        var paths: [SharedBorders.Path]
        var rings: [Int]
        var lines: Int
        var points: [Coordinate]
    }

    /// `layer`'s features on the grid, made on `jobs` threads.
    static func trace(_ layer: Layer, jobs: Int = defaultJobs) -> [Traced] {
        concurrentMap(layer.count, jobs: jobs, chunk: 256) { layer.traced($0) }
    }

    /// The side of a chunk's tile in degrees (about 27 km): a national map of 100,000 villages is
    /// about a thousand chunks of about a hundred villages, a province a dozen or so. A `--since`
    /// run encodes again only the chunks of what changed: the smaller the tiles, the fewer villages
    /// with them (half a degree gave a quarter as many chunks, each four times as long to encode
    /// again, and a page 3 % smaller).
    static let tile = 0.25
    /// The tile's side in grid units.
    static let tileUnits = Int64((tile / step).rounded())

    /// Layers whose features share arcs, written as chunks (docs/map-payload.md). A tiled group's
    /// features are cut into chunks by the tile that holds the centre of their box on the grid (a
    /// feature `owners` names takes the tile of that feature of the group's first layer: a gap area
    /// its village's); an untiled group is one chunk.
    struct Group {
        var layers: [(name: String, layer: Layer)]
        var tiled: Bool
        /// Per layer (nil for none), per feature: the feature of the first layer whose tile it takes.
        var owners: [[Int?]?] = []
    }

    /// A chunk: per layer of its group, the indices of its features, in order.
    private struct ChunkPlan {
        var group: Int
        /// The tile whose features the chunk holds (nil for an untiled group's).
        var tile: TileKey?
        var members: [[Int]]
    }

    /// A box on the grid.
    struct GridBox {
        var minX: Int64, minY: Int64, maxX: Int64, maxY: Int64
        func intersects(_ o: GridBox) -> Bool { minX <= o.maxX && o.minX <= maxX && minY <= o.maxY && o.minY <= maxY }
        /// The tile that holds the box's centre.
        var tile: TileKey { TileKey(x: floorDiv((minX + maxX) >> 1, tileUnits), y: floorDiv((minY + maxY) >> 1, tileUnits)) }
        /// The tiles the box overlaps.
        var tiles: [TileKey] {
            var out: [TileKey] = []
            forEachTile { out.append($0) }
            return out
        }

        /// `body` for each tile the box overlaps, row by row.
        func forEachTile(_ body: (TileKey) -> Void) {
            for ty in floorDiv(minY, tileUnits)...floorDiv(maxY, tileUnits) {
                for tx in floorDiv(minX, tileUnits)...floorDiv(maxX, tileUnits) { body(TileKey(x: tx, y: ty)) }
            }
        }
    }

    struct TileKey: Hashable { var x: Int64, y: Int64 }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// The payload's groups as "grid" and "chunks", written into `w` as members of the current
    /// object. Each chunk is encoded on its own (its arcs, references and property columns its own),
    /// the chunks side by side on all cores; the text does not depend on how many. A chunk whose key
    /// `previous` holds takes its text from there, where it lies: it is not copied into `w` but
    /// placed there (`JSONWriter.rawElsewhere`), and `elsewhere` says where each such text goes in
    /// `w`'s bytes (valid while `previous` is; one per copied chunk). Returns each chunk's key and
    /// where its text lies in `w`'s text.
    @discardableResult
    static func write(groups: [Group], into w: inout JSONWriter, thinning: Double = Self.thinning, previous: PreviousPage? = nil)
        -> (chunks: [(key: Fingerprint, range: Range<Int>)], elsewhere: [(at: Int, text: UnsafeBufferPointer<UInt8>)]) {
        // Each feature's box in a tiled group, and the chunks: a feature's tile, in the order tiles
        // are first met.
        let boxes = groups.map { g in g.tiled ? g.layers.map { l in concurrentMap(l.layer.count, chunk: 1024) { l.layer.gridBox($0) } } : [] }
        var plans: [ChunkPlan] = []
        var chunkOf: [[[Int32]]] = []
        for (gi, group) in groups.enumerated() {
            // A tile's chunk; nil: the chunk of the features without a tile (an untiled group's).
            var byTile: [TileKey?: Int] = [:]
            var of: [[Int32]] = []
            for (li, l) in group.layers.enumerated() {
                let owners = li < group.owners.count ? group.owners[li] : nil
                var layerOf = [Int32](repeating: -1, count: l.layer.count)
                for i in 0..<l.layer.count {
                    var tile: TileKey?
                    if group.tiled {
                        if li > 0, let o = owners?[i] ?? nil, o >= 0, o < boxes[gi][0].count { tile = boxes[gi][0][o]?.tile }
                        if tile == nil { tile = boxes[gi][li][i]?.tile }
                    }
                    let c = byTile[tile] ?? plans.count
                    if c == plans.count {
                        plans.append(ChunkPlan(group: gi, tile: tile, members: group.layers.map { _ in [] }))
                        byTile[tile] = c
                    }
                    plans[c].members[li].append(i)
                    layerOf[i] = Int32(c)
                }
                of.append(layerOf)
            }
            chunkOf.append(of)
        }
        // Per tiled group, the features whose box overlaps each tile, and apart those of them in
        // another tile's chunk: a chunk's context is found among those of the tiles its features'
        // boxes overlap, and in its own tile among the others only (most there are its own).
        var chunkOfTile = [[TileKey: Int]](repeating: [:], count: groups.count)
        for (c, plan) in plans.enumerated() { if let t = plan.tile { chunkOfTile[plan.group][t] = c } }
        let overlapping = groups.indices.map { gi -> (all: [TileKey: [(layer: Int, index: Int)]], foreign: [TileKey: [(layer: Int, index: Int)]]) in
            guard groups[gi].tiled else { return ([:], [:]) }
            var all: [TileKey: [(layer: Int, index: Int)]] = [:], foreign = all
            for (li, layer) in boxes[gi].enumerated() {
                for (i, box) in layer.enumerated() {
                    guard let box else { continue }
                    for t in box.tiles {
                        all[t, default: []].append((li, i))
                        if chunkOfTile[gi][t] != Int(chunkOf[gi][li][i]) { foreign[t, default: []].append((li, i)) }
                    }
                }
            }
            return (all, foreign)
        }
        // Every feature on the grid at once when every chunk is to be encoded; with a previous page,
        // only those of the chunks encoded (and their context), as each chunk needs them.
        let traced: [[[Traced]]]? = previous == nil ? groups.map { g in g.layers.map { trace($0.layer) } } : nil
        func feature(_ gi: Int, _ li: Int, _ i: Int) -> Traced { traced?[gi][li][i] ?? groups[gi].layers[li].layer.traced(i) }
        // The chunks encoded on all cores, the largest first (the fibre routes are one large chunk).
        let size = plans.map { $0.members.reduce(0) { $0 + $1.count } }
        let order = plans.indices.sorted { size[$0] != size[$1] ? size[$0] > size[$1] : $0 < $1 }
        // A copied chunk's text stays where the previous page lies.
        enum Text { case made([UInt8]), copied(UnsafeBufferPointer<UInt8>) }
        let encoded = concurrentMap(order.count, chunk: 1) { k -> (key: Fingerprint, text: Text) in
            let c = order[k], plan = plans[c], gi = plan.group, group = groups[gi]
            // The features of other chunks whose boxes meet a box of this chunk's, in order.
            let context = group.tiled
                ? Self.context(of: plan.members, chunk: Int32(c), tile: plan.tile, boxes: boxes[gi], chunkOf: chunkOf[gi], near: overlapping[gi])
                : []
            let key = chunkKey(group, members: plan.members, context: context, thinning: thinning)
            if let text = previous?.chunk(key) { return (key, .copied(text)) }
            let layers = plan.members.enumerated().compactMap { li, members -> (name: String, properties: [JSONObject?], traced: ArraySlice<Traced>)? in
                guard !members.isEmpty else { return nil }
                let l = group.layers[li]
                return (l.name, members.map { l.layer.properties($0) }, ArraySlice(members.map { feature(gi, li, $0) }))
            }
            let paths = context.flatMap { feature(gi, $0.layer, $0.index).paths }
            var chunk = JSONWriter(style: w.style)
            chunk.beginObject()
            writeChunk(layers, context: paths.isEmpty ? [] : [paths], thinning: thinning, jobs: 1, into: &chunk)
            chunk.endObject()
            return (key, .made(chunk.bytes))
        }
        var made = [(key: Fingerprint, text: Text)](repeating: (Fingerprint(), .made([])), count: plans.count)
        for (k, c) in order.enumerated() { made[c] = encoded[k] }
        func length(_ t: Text) -> Int { switch t { case .made(let b): b.count; case .copied: 0 } }
        w.reserveCapacity(adding: made.reduce(0) { $0 + length($1.text) + 1 } + (1 << 16))
        w.key("grid"); w.number(step)
        w.key("chunks")
        w.beginArray()
        var elsewhere: [(at: Int, text: UnsafeBufferPointer<UInt8>)] = []
        let chunks = made.map { m -> (key: Fingerprint, range: Range<Int>) in
            switch m.text {
            case .made(let bytes): return (m.key, w.rawRange(bytes))
            case .copied(let bytes):
                let placed = w.rawElsewhere(count: bytes.count)
                elsewhere.append((placed.at, bytes))
                return (m.key, placed.range)
            }
        }
        w.endArray()
        return (chunks, elsewhere)
    }

    /// The features of other chunks than `chunk` (its features `members`, per layer, in the tile
    /// `tile`) whose boxes meet a box of one of its features, by layer and index. `near` lists per
    /// tile the features whose box overlaps it (`all`), and apart those in another chunk than the
    /// tile's (`foreign`): a feature whose box meets a member's overlaps a tile the member's box
    /// overlaps, so those are the only ones looked at, each once, against the members' boxes in
    /// the cells of a grid over them that its box overlaps.
    static func context(of members: [[Int]], chunk: Int32, tile: TileKey?, boxes: [[GridBox?]], chunkOf: [[Int32]],
                        near: (all: [TileKey: [(layer: Int, index: Int)]], foreign: [TileKey: [(layer: Int, index: Int)]]))
        -> [(layer: Int, index: Int)] {
        var own: [GridBox] = []
        var tiles: [TileKey] = []
        for (li, m) in members.enumerated() {
            for i in m {
                guard let box = boxes[li][i] else { continue }
                own.append(box)
                box.forEachTile { tiles.append($0) }
            }
        }
        guard let first = own.first else { return [] }
        tiles.sort { ($0.y, $0.x) < ($1.y, $1.x) }
        // Each feature of another chunk near a member's tile, once (layer and index in one number).
        var candidates: [Int] = []
        for (k, t) in tiles.enumerated() where k == 0 || tiles[k - 1] != t {
            for f in (t == tile ? near.foreign : near.all)[t] ?? [] where chunkOf[f.layer][f.index] != chunk {
                candidates.append(f.layer << 40 | f.index)
            }
        }
        candidates.sort()
        let grid = BoxGrid(own, around: own.reduce(first) { GridBox(minX: min($0.minX, $1.minX), minY: min($0.minY, $1.minY),
                                                                      maxX: max($0.maxX, $1.maxX), maxY: max($0.maxY, $1.maxY)) })
        var out: [(layer: Int, index: Int)] = []
        for (k, code) in candidates.enumerated() where k == 0 || candidates[k - 1] != code {
            let f = (layer: code >> 40, index: code & ((1 << 40) - 1))
            if grid.meets(boxes[f.layer][f.index]!) { out.append(f) }
        }
        return out
    }

    /// Boxes filed by the cells of a grid of at most 32 × 32 over `around` (which holds them all)
    /// that each overlaps, to tell whether a box meets any of them.
    struct BoxGrid {
        let boxes: [GridBox]
        let around: GridBox
        let cellW: Int64, cellH: Int64, columns: Int
        /// Per cell (row by row), from `start[cell]` to `start[cell + 1]` in `filed`, the boxes overlapping it.
        let start: [Int32], filed: [Int32]

        init(_ boxes: [GridBox], around: GridBox) {
            let cellW = max(1, (around.maxX - around.minX) / 32 + 1), cellH = max(1, (around.maxY - around.minY) / 32 + 1)
            let columns = Int((around.maxX - around.minX) / cellW) + 1, rows = Int((around.maxY - around.minY) / cellH) + 1
            let cells = boxes.map { Self.cells(of: $0, around: around, cellW: cellW, cellH: cellH) }
            var start = [Int32](repeating: 0, count: columns * rows + 1)
            for c in cells { for y in c.rows { for x in c.columns { start[y * columns + x + 1] += 1 } } }
            for c in 0..<(columns * rows) { start[c + 1] += start[c] }
            var next = start
            var filed = [Int32](repeating: 0, count: Int(start[columns * rows]))
            for (k, c) in cells.enumerated() {
                for y in c.rows { for x in c.columns { filed[Int(next[y * columns + x])] = Int32(k); next[y * columns + x] += 1 } }
            }
            self.boxes = boxes; self.around = around
            self.cellW = cellW; self.cellH = cellH; self.columns = columns
            self.start = start; self.filed = filed
        }

        /// The columns and rows of the cells `b` overlaps (it must meet `around`).
        static func cells(of b: GridBox, around: GridBox, cellW: Int64, cellH: Int64) -> (columns: ClosedRange<Int>, rows: ClosedRange<Int>) {
            (Int((max(b.minX, around.minX) - around.minX) / cellW)...Int((min(b.maxX, around.maxX) - around.minX) / cellW),
             Int((max(b.minY, around.minY) - around.minY) / cellH)...Int((min(b.maxY, around.maxY) - around.minY) / cellH))
        }

        /// Whether `b` meets one of the boxes.
        func meets(_ b: GridBox) -> Bool {
            guard b.intersects(around) else { return false }
            let c = Self.cells(of: b, around: around, cellW: cellW, cellH: cellH)
            for y in c.rows {
                for x in c.columns {
                    let cell = y * columns + x
                    for k in start[cell]..<start[cell + 1] where boxes[Int(filed[Int(k)])].intersects(b) { return true }
                }
            }
            return false
        }
    }

    /// The version of the chunks' text: a chunk's key changes with it, so that no run copies the
    /// text of another form.
    static let chunkFormat = 2

    /// What a chunk's text is made from: the form of the text, the grid and the thinning; per layer
    /// of `group`, its name, what its outline does and, per feature of `members`, its properties and
    /// its shape (or the prints of its properties and of its outline, where the layer has them); the
    /// shapes (or outlines' prints) of its `context` (features of `group` in other chunks).
    static func chunkKey(_ group: Group, members: [[Int]], context: [(layer: Int, index: Int)], thinning: Double) -> Fingerprint {
        var f = Fingerprint()
        f.add(chunkFormat); f.add(step); f.add(thinning)
        f.add(members.count)
        for (li, m) in members.enumerated() {
            let layer = group.layers[li].layer
            f.add(group.layers[li].name); f.add(layer.outline?.id ?? 0); f.add(m.count)
            for i in m {
                if let p = layer.prints { f.add(p[i].properties) } else { f.add(layer.properties(i)) }
                layer.addShape(i, to: &f)
            }
        }
        f.add(context.count)
        for c in context {
            let layer = group.layers[c.layer].layer
            f.add(c.layer); f.add(layer.outline?.id ?? 0)
            layer.addShape(c.index, to: &f)
        }
        return f
    }

    /// One chunk's members, "arcs" and one member per layer of `layers` (its name, its features'
    /// properties and traced shapes), written into `w`'s current object. The arcs are cut where the
    /// chunk's paths part from each other and from `context`, the paths of the features around the
    /// chunk's that other chunks write (a border the chunk shares with one of them is cut at the same
    /// points in both chunks); `context` is not written. An arc shared with the context keeps a
    /// middle point, as an arc of a ring with fewer than three arcs does, whichever chunk writes it.
    /// The work is shared among `jobs` threads; the text does not depend on how many.
    static func writeChunk(_ layers: [(name: String, properties: [JSONObject?], traced: ArraySlice<Traced>)], context: [[SharedBorders.Path]],
                           thinning: Double, jobs: Int, into w: inout JSONWriter) {
        let own = layers.flatMap { $0.traced.map(\.paths) }
        // The property columns do not depend on the borders: encoded beside them (compact JSON
        // written apart reads the same as written in place).
        let ((borders, allRefs), columns) = pair(jobs, { SharedBorders.build(own + context, jobs: jobs) }, {
            layers.map { l -> [UInt8] in
                var c = JSONWriter(style: w.style)
                writeColumns(l.properties, into: &c, jobs: jobs)
                return c.bytes
            }
        })
        // Arcs are numbered in the order first met, the chunk's own paths first: the arcs they use
        // are the first `written`.
        let refs = allRefs[..<own.count]
        var written = 0
        for shape in refs { for path in shape { for r in path { written = max(written, (r >= 0 ? r : ~r) + 1) } } }
        // Arcs of rings with fewer than three arcs, and arcs the context uses, keep a middle point.
        var minimum = [Int](repeating: 2, count: written)
        for shape in refs { for path in shape where path.count < 3 { for r in path { minimum[r >= 0 ? r : ~r] = 3 } } }
        for shape in allRefs[own.count...] { for path in shape { for r in path where (r >= 0 ? r : ~r) < written { minimum[r >= 0 ? r : ~r] = 3 } } }
        // The arcs, thinned, and each layer's references to them, encoded side by side.
        var firstShape: [Int] = [], start = 0
        for l in layers { firstShape.append(start); start += l.traced.count }
        let (arcCode, shapeCodes) = pair(jobs, { () -> [UInt8] in
            let arcs = borders.thinned(tolerance: thinning, minimumOpen: minimum, count: written, jobs: jobs)
            // An arc's first point is written from the first point of the arc before: each run of
            // arcs starts from the arc before its first.
            return inRuns(arcs.count, jobs: jobs) { run in
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
            layers.indices.map { li in shapeCode(layers[li].traced, refs: refs[firstShape[li]...], jobs: jobs) }
        })

        // The chunk's bulk, and an eighth more for what follows it: the writer's buffer grows once
        // instead of doubling up to tens of megabytes.
        let bulk = arcCode.count + shapeCodes.reduce(0) { $0 + $1.count } + columns.reduce(0) { $0 + $1.count }
        w.reserveCapacity(adding: bulk + bulk / 8 + (1 << 16))
        w.key("arcs"); w.string(utf8: arcCode)
        for (li, l) in layers.enumerated() {
            w.key(l.name)
            w.beginObject()
            w.key("count"); w.number(l.traced.count)
            w.key("properties"); w.raw(columns[li])
            w.key("shapes"); w.string(utf8: shapeCodes[li])
            w.endObject()
        }
    }

    /// `a` and `b` side by side when there are threads for both, else one after the other.
    private static func pair<A, B>(_ jobs: Int, _ a: () -> A, _ b: () -> B) -> (A, B) {
        jobs > 1 ? concurrentPair(a, b) : (a(), b())
    }

    /// Arcs or shapes encoded on all cores, this many to a run.
    static let codeRun = 4096

    /// Items `0..<count` encoded a run of `codeRun` at a time on all cores (`encode` makes one
    /// run's bytes), the runs' bytes joined in order (`VarCode` text: ASCII).
    private static func inRuns(_ count: Int, jobs: Int, _ encode: (Range<Int>) -> [UInt8]) -> [UInt8] {
        oneRun(concurrentMap((count + codeRun - 1) / codeRun, jobs: jobs, chunk: 1) { r in encode((r * codeRun)..<min(count, (r + 1) * codeRun)) })
    }

    /// One layer's shapes as arc references (and points), `refs` starting with its first shape's.
    /// A shape's references are written from the last arc referenced before it, its points from
    /// the last point before it: a first pass finds both at the start of each run of shapes.
    private static func shapeCode(_ shapes: ArraySlice<Traced>, refs: ArraySlice<[[SharedBorders.Ref]]>, jobs: Int) -> [UInt8] {
        var starts: [(last: Int, point: GridPoint)] = []
        var last = -1, point = GridPoint(0, 0)
        for (s, o) in shapes.enumerated() {
            if s % codeRun == 0 { starts.append((last, point)) }
            if let ref = refs[refs.startIndex + s].last(where: { !$0.isEmpty })?.last { last = ref >= 0 ? ref : ~ref }
            if let c = o.points.last { point = grid(c) }
        }
        return inRuns(shapes.count, jobs: jobs) { run in
            let start = starts[run.lowerBound / codeRun]
            return shapeCode(shapes.dropFirst(run.lowerBound).prefix(run.count), refs: refs.dropFirst(run.lowerBound), last: start.last, point: start.point)
        }
    }

    /// `shapes` encoded from the last arc referenced and the last point before them.
    private static func shapeCode(_ shapes: ArraySlice<Traced>, refs: ArraySlice<[[SharedBorders.Ref]]>,
                                  last: Int, point: GridPoint) -> [UInt8] {
        var g = VarCode(), last = last
        var point = point
        var shapeIndex = refs.startIndex
        for o in shapes {
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
    static func writeColumns(_ rows: [JSONObject?], into w: inout JSONWriter, jobs: Int = defaultJobs) {
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
        let columns = concurrentMap(keys.count, jobs: jobs, chunk: 1) { i -> [UInt8] in
            var c = JSONWriter(style: w.style)
            writeColumn(rows.indices.map { r -> JSONValue? in
                let layout = Int(layoutOfRow[r])
                guard layout >= 0, case let m = memberOf[layout][i], m >= 0 else { return nil }
                return rows[r]!.members[m].value
            }, into: &c, jobs: jobs)
            return c.bytes
        }
        w.beginObject()
        for (key, column) in zip(keys, columns) {
            w.key(key)
            w.raw(column)
        }
        w.endObject()
    }

    static func writeColumn(_ values: [JSONValue?], into w: inout JSONWriter, jobs: Int = defaultJobs) {
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
            w.beginObject(); w.key("o"); writeColumns(values.map { $0?.objectValue }, into: &w, jobs: jobs)
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

extension Fingerprint {
    /// A JSON value's form and exact contents (numbers to the bit, texts as their UTF-8 bytes):
    /// values that print differently differ.
    mutating func add(_ value: JSONValue) {
        switch value {
        case .null: add(0 as UInt64)
        case .bool(let b): add(b ? 2 : 1 as UInt64)
        case .number(let d): add(3 as UInt64); add(d)
        case .string(let s): add(4 as UInt64); add(s)
        case .array(let a): add(5 as UInt64); add(a.count); a.forEach { add($0) }
        case .object(let o): add(6 as UInt64); add(o)
        }
    }

    /// An object's members in order, each its key and value.
    mutating func add(_ object: JSONObject) {
        add(object.count)
        for m in object.members { add(m.key); add(m.value) }
    }
}

/// A previous run's report.html, checked against its side file's layout (`PreviousText`), with
/// the keys of its payload's chunks: a chunk of this run with the same key takes its text. The page
/// is asked for when the first chunk is looked up (its check may still be going on beside the run).
public final class PreviousPage: Sendable {
    /// Each key's piece of the page (the first, where keys repeat).
    private let piece: [Fingerprint: Int]
    private let text: Once<PreviousText?>

    /// `keys` are the previous page's chunks' keys, one per piece of it (as its side file's layout
    /// has them); `text` gives the page once checked (nil when it is not the one the layout describes).
    public init(keys: [Fingerprint], text: @escaping @Sendable () -> PreviousText?) {
        var piece: [Fingerprint: Int] = [:]
        for (k, key) in keys.enumerated() where piece[key] == nil { piece[key] = k }
        self.piece = piece
        self.text = Once(text)
    }

    /// The text of the chunk with `key`, as the previous page holds it.
    func chunk(_ key: Fingerprint) -> UnsafeBufferPointer<UInt8>? {
        guard let k = piece[key], let text = text.value else { return nil }
        return text[piece: k]
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
