import XCTest
import Foundation
@testable import CoverageMap
import Coverage
import Geo
import GeoIO

/// The compact map payload: shared borders stored once, coordinates back within the grid step,
/// properties back as they were, labels inside their own areas.
final class MapPayloadTests: XCTestCase {
    /// A 3 × 3 block of villages on a jittered lattice whose edges are subdivided with the same
    /// wobbly points on both sides, so neighbours share their borders vertex for vertex.
    static func block(_ n: Int = 3, x0: Double = 108.9, y0: Double = 14.1) -> [Shape] {
        let step = 0.01, sub = 5
        func corner(_ i: Int, _ j: Int) -> Coordinate {
            let jx = Double((i * 7 + j * 3) % 5) * 0.0004, jy = Double((i * 3 + j * 5) % 7) * 0.0003
            return Coordinate(x0 + Double(i) * step + jx, y0 + Double(j) * step + jy)
        }
        // The points along the edge from corner a to corner b (a excluded), the same whichever side asks.
        func edge(_ a: (Int, Int), _ b: (Int, Int)) -> [Coordinate] {
            let forward = a < b
            let (p, q) = forward ? (a, b) : (b, a)
            let pc = corner(p.0, p.1), qc = corner(q.0, q.1)
            var pts: [Coordinate] = []
            for k in 1..<sub {
                let t = Double(k) / Double(sub), w = Double((p.0 * 31 + p.1 * 17 + q.0 * 13 + q.1 * 7 + k * 5) % 9 - 4) * 0.00015
                pts.append(Coordinate(pc.x + (qc.x - pc.x) * t + w, pc.y + (qc.y - pc.y) * t - w))
            }
            pts.append(qc)
            if forward { return pts }
            return Array(pts.dropLast().reversed()) + [pc]
        }
        var shapes: [Shape] = []
        for j in 0..<n {
            for i in 0..<n {
                let cs = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
                var ring = [corner(i, j)]
                for k in 0..<4 { ring += edge(cs[k], cs[(k + 1) % 4]) }
                shapes.append(.polygon([ring]))
            }
        }
        return shapes
    }

    /// `layers` written as one chunk (an untiled group), parsed: the chunk.
    func payload(_ layers: [(String, MapPayload.Layer)], thinning: Double = 0) throws -> JSONValue {
        let chunks = try self.chunks([.init(layers: layers.map { (name: $0.0, layer: $0.1) }, tiled: false)], thinning: thinning)
        XCTAssertEqual(chunks.count, 1)
        return try XCTUnwrap(chunks.first)
    }

    /// The arcs of a payload as grid points, read back from the code.
    func arcs(_ p: JSONValue) -> [[GridPoint]] {
        let ints = VarCode.decode(p["arcs"]?.stringValue ?? "")
        var out: [[GridPoint]] = [], i = 0, px = 0, py = 0
        let z = zigzagBack
        while i < ints.count {
            let n = ints[i] / 2; i += 1
            px += z(ints[i]); py += z(ints[i + 1]); i += 2
            var arc = [GridPoint(Int32(px), Int32(py))], x = px, y = py, dx = 0, dy = 0
            for _ in 1..<max(1, n) {
                dx += z(ints[i]); dy += z(ints[i + 1]); i += 2
                x += dx; y += dy
                arc.append(GridPoint(Int32(x), Int32(y)))
            }
            out.append(arc)
        }
        return out
    }

    /// Each feature's rings (polygon rings in order, then lines) as grid points, from its arc references.
    func rings(_ layer: JSONValue?, arcs: [[GridPoint]]) -> [[[GridPoint]]] {
        features(layer, arcs: arcs).map(\.paths)
    }

    /// Each feature's rings and lines (as `rings`) and its points, as grid points.
    func features(_ layer: JSONValue?, arcs: [[GridPoint]]) -> [(paths: [[GridPoint]], points: [GridPoint])] {
        let ints = VarCode.decode(layer?["shapes"]?.stringValue ?? "")
        let count = layer?["count"]?.intValue ?? 0
        var i = 0, last = -1, out: [(paths: [[GridPoint]], points: [GridPoint])] = []
        var px = 0, py = 0
        let z = zigzagBack
        func next() -> Int { defer { i += 1 }; return ints[i] }
        func path() -> [GridPoint] {
            var pts: [GridPoint] = []
            for k in 0..<next() {
                let v = next(), index = last + 1 + z(v / 2)
                last = index
                let a = v % 2 == 1 ? Array(arcs[index].reversed()) : arcs[index]
                pts += k == 0 ? a : Array(a.dropFirst())
            }
            if pts.count > 1, pts.first == pts.last { pts.removeLast() }
            return pts
        }
        for _ in 0..<count {
            var feature: [[GridPoint]] = [], points: [GridPoint] = []
            for _ in 0..<next() { for _ in 0..<next() { feature.append(path()) } }
            for _ in 0..<next() { feature.append(path()) }
            for _ in 0..<next() {
                px += z(next()); py += z(next())
                points.append(GridPoint(Int32(px), Int32(py)))
            }
            out.append((feature, points))
        }
        return out
    }

    /// More shapes and arcs than one run of the encoding (4,096): squares, lines and points mixed
    /// over 10,000 features, each back as it went in, so that every run starts from the last arc
    /// and point the runs before it left.
    func testShapesAndArcsOfSeveralRunsComeBack() throws {
        var shapes: [Shape] = []
        for k in 0..<10_000 {
            let x = 108.0 + Double(k % 100) * 0.01, y = 14.0 + Double(k / 100) * 0.01
            switch k % 5 {
            case 0, 1, 2:
                shapes.append(.polygon([[Coordinate(x, y), Coordinate(x + 0.004, y), Coordinate(x + 0.004, y + 0.003),
                                         Coordinate(x, y + 0.003), Coordinate(x, y)]]))
            case 3: shapes.append(.lineString([Coordinate(x, y), Coordinate(x + 0.002, y + 0.005), Coordinate(x + 0.006, y + 0.001)]))
            default: shapes.append(.point(Coordinate(x + 0.001, y + 0.002)))
            }
        }
        let p = try payload([("villages", .init(properties: shapes.map { _ in JSONObject() }, shapes: shapes))])
        let arcs = arcs(p)
        XCTAssertEqual(arcs.count, 8_000)
        XCTAssertGreaterThan(arcs.count, MapPayload.codeRun)
        let back = features(p["villages"], arcs: arcs)
        XCTAssertEqual(back.count, shapes.count)
        for (k, (shape, feature)) in zip(shapes, back).enumerated() {
            switch shape {
            case .polygon(let rs):
                XCTAssertEqual(feature.points, [], "feature \(k)")
                XCTAssertEqual(feature.paths.count, 1, "feature \(k)")
                XCTAssertTrue(sameRing(feature.paths.first ?? [], rs[0].dropLast().map(MapPayload.grid)), "feature \(k)")
            case .lineString(let cs):
                XCTAssertEqual(feature.paths, [cs.map(MapPayload.grid)], "feature \(k)")
                XCTAssertEqual(feature.points, [], "feature \(k)")
            case .point(let c):
                XCTAssertEqual(feature.paths, [], "feature \(k)")
                XCTAssertEqual(feature.points, [MapPayload.grid(c)], "feature \(k)")
            default: XCTFail("feature \(k)")
            }
        }
    }

    /// `a` equals `b` up to where the ring starts.
    func sameRing(_ a: [GridPoint], _ b: [GridPoint]) -> Bool {
        guard a.count == b.count, let start = b.firstIndex(of: a[0]) else { return false }
        return a.indices.allSatisfy { a[$0] == b[(start + $0) % b.count] }
    }

    func testSharedBordersAreStoredOnceAndRingsComeBackWithinTheGridStep() throws {
        let shapes = Self.block()
        let p = try payload([("villages", .init(properties: shapes.map { _ in JSONObject() }, shapes: shapes))])
        let arcs = arcs(p)
        let back = rings(p["villages"], arcs: arcs)
        XCTAssertEqual(back.count, 9)
        let step = MapPayload.step
        for (shape, decoded) in zip(shapes, back) {
            guard case .polygon(let rs) = shape else { return XCTFail("not a polygon") }
            XCTAssertEqual(decoded.count, 1)
            let input = Array(rs[0].dropLast())
            let expected = input.map(MapPayload.grid)
            XCTAssertTrue(sameRing(decoded[0], expected), "ring \(decoded[0]) vs \(expected)")
            // Every decoded point is within half a grid step of its input point.
            let start = expected.firstIndex(of: decoded[0][0])!
            for (k, g) in decoded[0].enumerated() {
                let c = input[(start + k) % input.count]
                XCTAssertLessThanOrEqual(abs(Double(g.x) * step - c.x), step / 2 + 1e-12)
                XCTAssertLessThanOrEqual(abs(Double(g.y) * step - c.y), step / 2 + 1e-12)
            }
        }
        // Stored once: the arcs hold each distinct segment of the input exactly once.
        struct Segment: Hashable { var a: GridPoint, b: GridPoint }
        var distinct = Set<Segment>()
        var stored = 0
        for shape in shapes {
            guard case .polygon(let rs) = shape else { continue }
            let g = rs[0].map(MapPayload.grid)
            for k in 0..<(g.count - 1) { distinct.insert(Segment(a: min(g[k], g[k + 1]), b: max(g[k], g[k + 1]))) }
        }
        for arc in arcs { stored += arc.count - 1 }
        // A 3 × 3 block: 24 lattice edges of 5 segments each, every inner edge shared by two villages.
        XCTAssertEqual(distinct.count, 24 * 5)
        XCTAssertEqual(stored, distinct.count)
        // Nine squares traced separately would take 9 × 20 segments.
        XCTAssertLessThan(stored, 9 * 20)
    }

    func testThinningKeepsSharedBordersShared() throws {
        let shapes = Self.block()
        let p = try payload([("villages", .init(properties: shapes.map { _ in JSONObject() }, shapes: shapes))], thinning: 40)
        let arcs = arcs(p)
        let back = rings(p["villages"], arcs: arcs)
        // The centre village and its east neighbour: the points of their common border are the same.
        let centre = Set(back[4][0]), east = Set(back[5][0])
        let common = centre.intersection(east)
        XCTAssertGreaterThanOrEqual(common.count, 2)
        for ring in back.map({ $0[0] }) { XCTAssertGreaterThanOrEqual(ring.count, 3) }
        // Thinned: fewer points than the full block.
        XCTAssertLessThan(arcs.reduce(0) { $0 + $1.count }, 24 * 5)
    }

    func testGapAreaSharesItsVillagesBorder() throws {
        // An uncovered village's gap area is the village itself: one arc serves both.
        let shapes = Self.block()
        let p = try payload([("villages", .init(properties: [JSONObject()], shapes: [shapes[0]])),
                             ("gaps", .init(properties: [JSONObject()], shapes: [shapes[0].rightHandOriented]))])
        XCTAssertEqual(arcs(p).count, 1)
    }

    /// A column read back as the page's script reads it.
    func column(_ c: JSONValue, count: Int) -> [JSONValue?] {
        let codes = VarCode.decode(c["n"]?.stringValue ?? "")
        XCTAssertEqual(codes.count, count)
        if let dictionary = c["k"]?.arrayValue {
            var last = 0
            return codes.map { u in
                guard u > 0 else { return nil }
                let d = u - 1
                last += d % 2 == 1 ? -(d + 1) / 2 : d / 2
                return dictionary[last]
            }
        }
        if let sub = c["o"]?.objectValue {
            let fields = sub.keys.map { ($0, column(sub[$0]!, count: count)) }
            return codes.enumerated().map { i, u in
                u == 0 ? nil : u == 1 ? .null : .object(JSONObject(fields.compactMap { k, v in v[i].map { JSONObject.Member(key: k, value: $0) } }))
            }
        }
        let scale = MapPayload.pow10(c["d"]?.intValue ?? 0)
        return codes.map { u in u == 0 ? nil : .number(Double(zigzagBack(u - 1)) / scale) }
    }

    func zigzagBack(_ u: Int) -> Int { u % 2 == 1 ? -(u + 1) / 2 : u / 2 }

    func testPropertiesComeBackFromTheirColumns() throws {
        let rows: [JSONObject] = [
            ["id": "V1", "households": 412, "share": 0.823091, "status": "covered", "coverage": ["mobile": 1, "5G": 0.25], "note": .null],
            ["id": "V2", "households": 0, "share": -1.5, "status": "uncovered", "coverage": .null],
            ["id": "V3", "share": 1e-6, "status": "covered", "coverage": ["mobile": 0.5], "techs": ["2G", "4G"]],
            ["id": "V1", "households": 123456789, "share": 2, "status": "partial", "flag": true],
        ]
        let p = try payload([("villages", .init(properties: rows, shapes: rows.map { _ in nil }))])
        let columns = try XCTUnwrap(p["villages"]?["properties"]?.objectValue)
        XCTAssertEqual(columns.keys, ["id", "households", "share", "status", "coverage", "note", "techs", "flag"])
        XCTAssertEqual(columns["households"]?["d"]?.intValue, 0)
        XCTAssertEqual(columns["share"]?["d"]?.intValue, 6)
        let decoded = columns.keys.map { ($0, column(columns[$0]!, count: rows.count)) }
        for (i, row) in rows.enumerated() {
            let back = JSONObject(decoded.compactMap { k, v in v[i].map { JSONObject.Member(key: k, value: $0) } })
            XCTAssertEqual(back, row, "row \(i)")
        }
    }

    /// Rows of the same keys in another order, a missing row, a key met twice in one row (the
    /// first value counts, as the object's subscript reads it), and names that are the same text in
    /// composed and decomposed Unicode (one dictionary entry, as they are one String).
    func testColumnsTakeEachRowsOwnOrderAndEqualTextsShareAnEntry() throws {
        var twice: JSONObject = ["id": "V4", "name": "B"]
        twice.append("name", "C")
        let composed = "Th\u{F4}n", decomposed = "Tho\u{302}n"
        let rows: [JSONObject?] = [
            ["id": "V1", "name": .string(composed)],
            ["name": .string(decomposed), "id": "V2"],
            nil,
            twice,
            ["id": "V5", "name": .string(composed), "note": ";"],
            ["id": "V6", "note": "\u{37E}"],
        ]
        var w = JSONWriter(style: .compact)
        MapPayload.writeColumns(rows, into: &w)
        let columns = try XCTUnwrap(JSONValue.parse(bytes: w.bytes, source: "columns").objectValue)
        XCTAssertEqual(columns.keys, ["id", "name", "note"])
        let names = try XCTUnwrap(columns["name"]?["k"]?.arrayValue)
        // "Thôn" once (in the form met first), then "B".
        XCTAssertEqual(names.map { $0.stringValue.map { Array($0.unicodeScalars) } }, [Array(composed.unicodeScalars), Array("B".unicodeScalars)])
        XCTAssertEqual(column(columns["name"]!, count: rows.count), [.string(composed), .string(composed), nil, "B", .string(composed), nil])
        XCTAssertEqual(column(columns["id"]!, count: rows.count), ["V1", "V2", nil, "V4", "V5", "V6"])
        // U+037E GREEK QUESTION MARK is canonically a semicolon: one entry.
        XCTAssertEqual(columns["note"]?["k"]?.arrayValue?.count, 1)
    }

    func testCodeRoundTrips() {
        var c = VarCode()
        let values = [0, 1, 63, 64, 90, 91, 1_000, 52_031, 52_032, 1_456_959, 123_456_789, 9_007_199_254]
        for v in values { c.unsigned(v) }
        XCTAssertEqual(VarCode.decode(c.text), values)
        XCTAssertFalse(c.text.contains("\""))
        XCTAssertFalse(c.text.contains("\\"))
        XCTAssertFalse(c.text.contains("<"))
        XCTAssertEqual(VarCode.alphabet.count, 91)
    }

    func testThePageIsTheSameAfterThePicturesShapesAreLetGo() throws {
        let shapes = Self.block()
        var records: [JSONValue] = [], features: [Feature] = []
        for (i, s) in shapes.enumerated() {
            records.append(.object(["id": .string("V\(i)"), "name": .string("Village \(i)"), "district": .string("A"),
                                    "mobile_status": .string(i == 4 ? "partial" : "covered")]))
            features.append(Feature(properties: ["kind": "village", "id": .string("V\(i)")], geometry: s))
        }
        // A gap over part of the middle village, sharing its border.
        features.append(Feature(properties: ["kind": "mobile_gap", "village_id": "V4", "area_m2": 1000], geometry: shapes[4]))
        let report: JSONValue = .object(["villages": .array(records)])
        let map = try MapData(report: report, features: features, sectors: [], fibre: nil, places: nil)
        var dropped = map
        dropped.dropPictureShapes()
        XCTAssertEqual(dropped.villages.count, 9)
        XCTAssertEqual(dropped.gaps.count, 1)
        for v in dropped.villages + dropped.gaps { XCTAssertEqual(v.shape, .geometryCollection([])) }
        XCTAssertEqual(dropped.villages.map { $0.properties["id"]?.stringValue }, map.villages.map { $0.properties["id"]?.stringValue })
        XCTAssertGreaterThan(map.payloadBytes().count, 1000)
        XCTAssertEqual(dropped.payloadBytes(), map.payloadBytes())
        XCTAssertEqual(dropped.html(), map.html())
        // The chunks' keys take the features' prints, which the dropped shapes keep; a village
        // changed after the map was made is printed again: the keys are those of a map made with the
        // change, and its chunk's key is not the unchanged map's.
        let keys = map.payload().chunks.map(\.key)
        XCTAssertEqual(dropped.payload().chunks.map(\.key), keys)
        var renamed = map
        renamed.villages[4].properties["name"] = "Renamed"
        records[4] = .object(["id": "V4", "name": "Renamed", "district": "A", "mobile_status": "partial"])
        let madeRenamed = try MapData(report: .object(["villages": .array(records)]), features: features, sectors: [], fibre: nil, places: nil)
        XCTAssertEqual(renamed.payload().chunks.map(\.key), madeRenamed.payload().chunks.map(\.key))
        XCTAssertEqual(renamed.payloadBytes(), madeRenamed.payloadBytes())
        XCTAssertNotEqual(renamed.payloadBytes(), map.payloadBytes())
        let villageChunk = try XCTUnwrap(map.payload().chunks.firstIndex { _ in true })
        XCTAssertNotEqual(renamed.payload().chunks[villageChunk].key, keys[villageChunk])
    }

    /// At the picture's detail the map keeps its villages, gaps and fibre thinned once to the
    /// picture's half pixel (when that is coarser than 5 m), not at 5 m: the same page, labels and
    /// (for these villages) the same picture from a fraction of the points.
    func testThePictureDetailKeepsTheShapesThePictureDraws() throws {
        // Nine villages of 240 vertices (wobbly circles 1 km across) spread over 1.6 degrees:
        // half a pixel is 0.0005 degrees, ten times the drawing's 5 m.
        var records: [JSONValue] = [], features: [Feature] = [], sources: [Shape] = []
        for i in 0..<9 {
            let cx = 108.2 + Double(i % 3) * 0.8, cy = 13.6 + Double(i / 3) * 0.8
            var ring = (0..<240).map { k -> Coordinate in
                let a = Double(k) / 240 * 2 * Double.pi, r = 0.0045 + 0.0004 * sin(7 * a + Double(i))
                return Coordinate(cx + r * cos(a), cy + r * sin(a))
            }
            ring.append(ring[0])
            sources.append(.polygon([ring]))
            records.append(.object(["id": .string("V\(i)"), "name": .string("Village \(i)"), "district": .string(i < 5 ? "A" : "B"),
                                    "commune": .string("C\(i / 2)"), "mobile_status": .string(i == 4 ? "uncovered" : "covered")]))
            features.append(Feature(properties: ["kind": "village", "id": .string("V\(i)")], geometry: sources[i]))
        }
        features.append(Feature(properties: ["kind": "mobile_gap", "village_id": "V4", "area_m2": 1000], geometry: sources[4]))
        let report: JSONValue = .object(["villages": .array(records)])
        let picture = try MapData(report: report, features: features, sectors: [], fibre: nil, places: nil)
        let drawing = try MapData(report: report, features: features, sectors: [], fibre: nil, places: nil, detail: .drawing)
        let box = Bounds.union(of: sources.count) { sources[$0].bounds }!
        let half = max(box.width, box.height) / 3200
        XCTAssertEqual(try XCTUnwrap(picture.pictureTolerance), half, accuracy: 1e-15)
        XCTAssertGreaterThan(half, 5 * MapData.drawingTolerance)
        XCTAssertNil(drawing.pictureTolerance)
        func points(_ s: Shape) -> Int { var n = 0; s.forEachCoordinate { _ in n += 1 }; return n }
        for i in 0..<9 {
            XCTAssertEqual(picture.villages[i].shape, sources[i].rightHandOriented.thinned(tolerance: half))
            XCTAssertEqual(drawing.villages[i].shape, sources[i].rightHandOriented.thinned(tolerance: MapData.drawingTolerance))
        }
        XCTAssertEqual(picture.gaps[0].shape, picture.villages[4].shape)
        let kept = picture.villages.reduce(0) { $0 + points($1.shape) }, fine = drawing.villages.reduce(0) { $0 + points($1.shape) }
        XCTAssertLessThan(kept * 4, fine, "\(kept) points at the picture's detail, \(fine) at 5 m")
        // The page (cut from the outlines) and its labels (on the 5 m shapes) do not depend on it.
        XCTAssertEqual(picture.districtLabels.map(\.at), drawing.districtLabels.map(\.at))
        XCTAssertEqual(picture.communeLabels.map(\.at), drawing.communeLabels.map(\.at))
        XCTAssertEqual(picture.html(), drawing.html())
        // Nor, for these villages, does the picture: thinned once or twice, the same points.
        XCTAssertEqual(picture.svg(), drawing.svg())

        // A small area's picture (half a pixel under 5 m) is drawn from the 5 m shapes, as before.
        let small = try MapData(report: report, features: Array(features[0..<1]), sectors: [], fibre: nil, places: nil)
        XCTAssertLessThan(try XCTUnwrap(small.pictureTolerance), MapData.drawingTolerance)
        XCTAssertEqual(small.villages[0].shape, sources[0].rightHandOriented.thinned(tolerance: MapData.drawingTolerance))
        let smallDrawing = try MapData(report: report, features: Array(features[0..<1]), sectors: [], fibre: nil, places: nil, detail: .drawing)
        XCTAssertEqual(small.svg(), smallDrawing.svg())
    }

    /// A chunked payload (`MapPayload.write(groups:)`), parsed: its chunks.
    func chunks(_ groups: [MapPayload.Group], thinning: Double) throws -> [JSONValue] {
        var w = JSONWriter(style: .compact)
        w.beginObject()
        MapPayload.write(groups: groups, into: &w, thinning: thinning)
        w.endObject()
        w.finish()
        return try XCTUnwrap(JSONValue.parse(bytes: w.bytes, source: "payload")["chunks"]?.arrayValue)
    }

    /// Each village of `chunks` by its "i" property: its chunk and its rings as the page draws them.
    func villagesByIndex(_ chunks: [JSONValue]) -> [Int: (chunk: Int, ring: [GridPoint])] {
        var out: [Int: (chunk: Int, ring: [GridPoint])] = [:]
        for (c, chunk) in chunks.enumerated() {
            guard let layer = chunk["villages"] else { continue }
            let count = layer["count"]?.intValue ?? 0
            let index = column(layer["properties"]!["i"]!, count: count).map { $0?.intValue ?? -1 }
            for (k, f) in rings(layer, arcs: arcs(chunk)).enumerated() { out[index[k]] = (c, f.first ?? []) }
        }
        return out
    }

    /// A 6 × 6 block of villages across the corner of four tiles (109.0°, 14.0°): each tile's
    /// villages are a chunk, cut into arcs apart from the others. Without thinning every ring comes
    /// back whole; thinned, a border two chunks share keeps the same points in both, so the villages
    /// still meet without a sliver between them.
    func testChunksCutTheBordersTheyShareAtTheSamePoints() throws {
        let shapes = Self.block(6, x0: 108.97, y0: 13.97)
        let layer = MapPayload.Layer(properties: shapes.indices.map { ["i": .number(Double($0))] }, shapes: shapes)
        let whole = try chunks([.init(layers: [("villages", layer)], tiled: true)], thinning: 0)
        XCTAssertEqual(whole.count, 4)
        let back = villagesByIndex(whole)
        XCTAssertEqual(back.count, 36)
        for (i, shape) in shapes.enumerated() {
            guard case .polygon(let rs) = shape else { return XCTFail() }
            XCTAssertTrue(sameRing(back[i]!.ring, rs[0].dropLast().map(MapPayload.grid)), "village \(i)")
        }

        let thinned = villagesByIndex(try chunks([.init(layers: [("villages", layer)], tiled: true)], thinning: 400))
        var pairs = 0, dropped = 0
        for i in shapes.indices {
            guard case .polygon(let ri) = shapes[i] else { continue }
            let input = Set(ri[0].map(MapPayload.grid))
            dropped += input.count - Set(thinned[i]!.ring).count
            for j in shapes.indices where j > i && thinned[j]!.chunk != thinned[i]!.chunk {
                guard case .polygon(let rj) = shapes[j] else { continue }
                let other = Set(rj[0].map(MapPayload.grid))
                guard input.intersection(other).count >= 2 else { continue }
                // The points each keeps of the border they share.
                let kept = Set(thinned[i]!.ring).intersection(other), keptThere = Set(thinned[j]!.ring).intersection(input)
                XCTAssertEqual(kept, keptThere, "villages \(i) and \(j)")
                XCTAssertGreaterThanOrEqual(kept.count, 2)
                pairs += 1
            }
        }
        XCTAssertEqual(pairs, 12, "side neighbours across the tiles' edges")
        XCTAssertGreaterThan(dropped, 36, "the thinning dropped points")
    }

    /// A chunk's text depends on its own features and the features next to them only: changing a
    /// village in one corner tile (its properties and its outline) leaves the chunks of the tiles that
    /// do not touch it byte for byte the same, as a later run can then copy them.
    func testAChunkIsTheSameWhenOnlyFeaturesAwayFromItChange() throws {
        var shapes = Self.block(6, x0: 108.97, y0: 13.97)
        // And two villages far away, one tile each.
        shapes += Self.block(1, x0: 109.6, y0: 14.6) + Self.block(1, x0: 110.1, y0: 14.6)
        let properties: [JSONObject] = shapes.indices.map { ["i": .number(Double($0)), "status": "covered"] }
        func chunkTexts(_ shapes: [Shape], _ properties: [JSONObject]) throws -> [String] {
            let gaps = MapPayload.Layer(properties: [["village_id": "7"]], shapes: [shapes[7]])
            let group = MapPayload.Group(layers: [("villages", .init(properties: properties, shapes: shapes)), ("gaps", gaps)],
                                         tiled: true, owners: [nil, [7]])
            var w = JSONWriter(style: .compact)
            w.beginObject()
            MapPayload.write(groups: [group], into: &w, thinning: 5)
            w.endObject()
            w.finish()
            let chunks = try XCTUnwrap(JSONValue.parse(bytes: w.bytes, source: "payload")["chunks"]?.arrayValue)
            return chunks.map { $0.encoded() }.map { String(decoding: $0, as: UTF8.self) }
        }
        let before = try chunkTexts(shapes, properties)
        XCTAssertEqual(before.count, 6)
        // The far village of the last tile changes its status and its outline.
        var changedProperties = properties, changedShapes = shapes
        changedProperties[37]["status"] = "uncovered"
        changedShapes[37] = Self.block(1, x0: 110.1005, y0: 14.6)[0]
        let after = try chunkTexts(changedShapes, changedProperties)
        XCTAssertEqual(Array(after.prefix(5)), Array(before.prefix(5)))
        XCTAssertNotEqual(after[5], before[5])
        // The properties of a village on the edge of the next tile: only its own chunk changes (the
        // chunks next to it take its outline, not its properties).
        changedProperties = properties; changedShapes = shapes
        changedProperties[2]["status"] = "uncovered"
        let edge = try chunkTexts(shapes, changedProperties)
        XCTAssertNotEqual(edge[0], before[0])
        XCTAssertEqual(Array(edge[1...]), Array(before[1...]))
    }

    /// One dot per site and operator, in the order the sites first appear, at the first sector's
    /// position, with the techs of all its sectors in their order, wherever the sectors lie.
    func testSitesAreOneDotPerSiteAndOperatorWithItsTechsInOrder() {
        func sector(_ site: String, _ op: String, _ tech: Tech, _ x: Double) -> Sector {
            Sector(siteID: site, operator: op, tech: tech, location: Coordinate(x, 14))
        }
        let sectors = [sector("S1", "A", .g4, 1), sector("S1", "A", .g2, 2), sector("S1", "B", .g5, 3),
                       sector("S2", "A", .g3, 4), sector("S1", "A", .g5, 5), sector("S2", "A", .g3, 6), sector("S1", "B", .g2, 7)]
        let sites = MapData.sites(of: sectors)
        XCTAssertEqual(sites.map(\.at.x), [1, 3, 4])
        XCTAssertEqual(sites.map { $0.properties["site_id"]?.stringValue }, ["S1", "S1", "S2"])
        XCTAssertEqual(sites.map { $0.properties["operator"]?.stringValue }, ["A", "B", "A"])
        XCTAssertEqual(sites.map { $0.properties["techs"]?.arrayValue?.compactMap(\.stringValue) ?? [] },
                       [["2G", "4G", "5G"], ["2G", "5G"], ["3G"]])
        // Made ahead on a thread of their own, or when asked: the same sites.
        let ahead = MapSites(sectors: sectors), asked = MapSites(sectors: sectors)
        ahead.makeAhead()
        for made in [ahead.value, asked.value] {
            XCTAssertEqual(made.map(\.at.x), sites.map(\.at.x))
            XCTAssertEqual(made.map { JSONValue.object($0.properties) }, sites.map { JSONValue.object($0.properties) })
        }
    }

    /// A chunk's context is every feature of another chunk whose box meets one of its features'
    /// boxes, in order: by hand on three boxes, and against every pair of 400 boxes of all sizes
    /// (some wider than a tile) over nine tiles in two layers.
    func testAChunksContextIsEveryFeatureOfAnotherChunkWhoseBoxMeetsOneOfItsOwn() {
        typealias Box = MapPayload.GridBox
        let u = MapPayload.tileUnits
        // The tables `write` makes: each feature's chunk (by the tile of its box's centre), the
        // features over each tile, and apart those of another chunk than the tile's.
        func contexts(_ boxes: [[Box?]]) -> (made: [[(layer: Int, index: Int)]], wanted: [[(layer: Int, index: Int)]]) {
            var chunkOfTile: [MapPayload.TileKey: Int] = [:], members: [[[Int]]] = [], tiles: [MapPayload.TileKey?] = []
            var chunkOf = boxes.map { [Int32](repeating: -1, count: $0.count) }
            for (li, layer) in boxes.enumerated() {
                for (i, box) in layer.enumerated() {
                    let t = box?.tile
                    let c = t.flatMap { chunkOfTile[$0] } ?? members.count
                    if c == members.count {
                        members.append(boxes.map { _ in [] }); tiles.append(t)
                        if let t { chunkOfTile[t] = c }
                    }
                    members[c][li].append(i)
                    chunkOf[li][i] = Int32(c)
                }
            }
            var all: [MapPayload.TileKey: [(layer: Int, index: Int)]] = [:], foreign = all
            for (li, layer) in boxes.enumerated() {
                for (i, box) in layer.enumerated() {
                    for t in box?.tiles ?? [] {
                        all[t, default: []].append((li, i))
                        if chunkOfTile[t] != Int(chunkOf[li][i]) { foreign[t, default: []].append((li, i)) }
                    }
                }
            }
            let made = members.indices.map {
                MapPayload.context(of: members[$0], chunk: Int32($0), tile: tiles[$0], boxes: boxes, chunkOf: chunkOf, near: (all, foreign))
            }
            let wanted = members.indices.map { c in
                boxes.indices.flatMap { li in
                    boxes[li].indices.compactMap { i -> (layer: Int, index: Int)? in
                        guard chunkOf[li][i] != Int32(c), let b = boxes[li][i] else { return nil }
                        let meets = members[c].indices.contains { ml in members[c][ml].contains { boxes[ml][$0]?.intersects(b) ?? false } }
                        return meets ? (li, i) : nil
                    }
                }
            }
            return (made, wanted)
        }
        func pairs(_ c: [(layer: Int, index: Int)]) -> [[Int]] { c.map { [$0.layer, $0.index] } }

        // A and B in the first tile, C in the next one reaching back over A (not B); D has no box.
        let byHand: [[Box?]] = [[Box(minX: 10, minY: 10, maxX: 20, maxY: 20), Box(minX: 100, minY: 100, maxX: 110, maxY: 110)],
                                [Box(minX: 15, minY: 15, maxX: 2 * u + 10, maxY: 16), nil]]
        let hand = contexts(byHand)
        XCTAssertEqual(hand.made.map(pairs), [[[1, 0]], [[0, 0]], []])
        XCTAssertEqual(hand.made.map(pairs), hand.wanted.map(pairs))

        var seed: UInt64 = 7
        func next(_ n: Int64) -> Int64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((seed >> 33) % UInt64(n))
        }
        let random: [[Box?]] = (0..<2).map { _ in
            (0..<200).map { k -> Box? in
                guard k % 37 != 5 else { return nil }
                let w = k % 29 == 0 ? next(2 * u) : next(u / 6) + 1, h = k % 31 == 0 ? next(2 * u) : next(u / 6) + 1
                let x = next(3 * u) - u / 10, y = next(3 * u) - u / 10
                return Box(minX: x, minY: y, maxX: x + w, maxY: y + h)
            }
        }
        let r = contexts(random)
        XCTAssertGreaterThan(r.made.count, 8)
        XCTAssertGreaterThan(r.wanted.reduce(0) { $0 + $1.count }, 100)
        XCTAssertEqual(r.made.map(pairs), r.wanted.map(pairs))
    }

    func testLabelsLieInsideTheirOwnArea() throws {
        // District A is a ring of eight villages around district B's one village: the mean of A's
        // centres falls in B, so A's label must go elsewhere.
        let shapes = Self.block()
        var records: [JSONValue] = [], features: [Feature] = []
        for (i, s) in shapes.enumerated() {
            let district = i == 4 ? "B" : "A"
            let c = s.bounds!.center
            records.append(.object(["id": .string("V\(i)"), "name": .string("Village \(i)"), "district": .string(district),
                                    "commune": .string(i < 3 ? "South" : "North"), "center": .array([.number(c.x), .number(c.y)])]))
            features.append(Feature(properties: ["kind": "village", "id": .string("V\(i)")], geometry: s))
        }
        let report: JSONValue = .object(["villages": .array(records)])
        let map = try MapData(report: report, features: features, sectors: [], fibre: nil, places: nil)
        func inside(_ c: Coordinate, district: String?, commune: String? = nil) throws -> Bool {
            for v in map.villages {
                guard district == nil || v.properties["district"]?.stringValue == district,
                      commune == nil || v.properties["commune"]?.stringValue == commune else { continue }
                if try Geometry(v.shape).contains(try Geometry(.point(c))) { return true }
            }
            return false
        }
        XCTAssertEqual(map.districtLabels.map(\.name), ["A", "B"])
        for l in map.districtLabels { XCTAssertTrue(try inside(l.at, district: l.name), "\(l.name) at \(l.at)") }
        XCTAssertEqual(map.communeLabels.count, 3)
        for l in map.communeLabels { XCTAssertTrue(try inside(l.at, district: l.district, commune: l.name), "\(l.name) at \(l.at)") }
        // The mean of A's centres is inside B's village: the old placement was wrong here.
        let a = records.enumerated().filter { $0.offset != 4 }.map { $0.element["center"]!.arrayValue! }
        let mean = Coordinate(a.reduce(0) { $0 + $1[0].doubleValue! } / 8, a.reduce(0) { $0 + $1[1].doubleValue! } / 8)
        XCTAssertTrue(try inside(mean, district: "B"))
    }
}
