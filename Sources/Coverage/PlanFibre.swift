import Foundation
import Geo

/// Fibre extensions for villages without fixed broadband: straight from the nearest point of the
/// network (the analysis' distance), or along corridors when they are given and reach the village.
struct FibrePlanner {
    let input: AnalysisInput
    let result: AnalysisResult
    let options: PlanOptions

    func run() throws -> [FibreExtensionPlan] {
        guard let fibre = input.fibre else { return [] }
        let without = result.villages.indices.filter { result.villages[$0].fixed?.status == .unavailable }
        if without.isEmpty { return [] }
        let proj = try Projection.cached(from: "EPSG:4326", to: result.crs)
        let network = try options.corridors.map { lines in
            try CorridorNetwork(corridors: try lines.map { try proj.transformed($0) },
                                fibre: try fibre.map { try Geometry(try proj.transform($0.shape)) },
                                snapTolerance: options.snapTolerance, accessReach: result.parameters.fibreReach)
        }
        var out: [FibreExtensionPlan] = []
        for i in without {
            let v = result.villages[i], fixed = v.fixed!
            var plan = FibreExtensionPlan(index: i, straightM: fixed.distanceM, routedM: nil, path: [fixed.nearest, v.centre],
                                          costVND: 0, households: input.villages[i].households)
            if let network, let route = try network.route(to: try proj.transform(v.centre)) {
                plan.routedM = route.length
                plan.path = try proj.transformed(route.points, inverse: true)
            }
            plan.costVND = plan.lengthM / 1000 * options.fibreCostPerKm
            out.append(plan)
        }
        // Cheapest per household first; villages without households last, cheapest first.
        return out.sorted { a, b in
            switch (a.costPerHousehold, b.costPerHousehold) {
            case let (x?, y?): return (x, a.index) < (y, b.index)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return (a.costVND, a.index) < (b.costVND, b.index)
            }
        }
    }
}

/// A graph of corridor lines in the working CRS: lines split where they cross or share a vertex
/// (and where fibre crosses them), loose ends joined to a corridor within the snap tolerance. The
/// fibre network is its source: every node within `accessReach` of the fibre starts at its straight
/// distance to it, and one multi-source Dijkstra gives every node its shortest distance to the network.
final class CorridorNetwork {
    let nodes: [Coordinate]
    private let edges: [[(to: Int, length: Double)]]
    private let segments: [(a: Int, b: Int)]
    private let segmentIndex: SpatialIndex
    private var distance: [Double] = []
    private var previous: [Int] = []
    /// For a node where a route leaves the fibre network: the point of the network it leaves from.
    private var entry: [Coordinate?] = []
    let accessReach: Double

    struct Route {
        var length: Double
        /// From the network to the village centre, working CRS.
        var points: [Coordinate]
    }

    init(corridors: [[Coordinate]], fibre: [Geometry], snapTolerance: Double, accessReach: Double) throws {
        self.accessReach = accessReach
        var lines = try corridors.map { try Geometry.lineString($0) }
        // Loose ends within the tolerance of another corridor: a short connector, a millimetre past the
        // corridor so that noding splits the corridor there.
        let lineIndex = try SpatialIndex(lines)
        for (i, line) in corridors.enumerated() {
            for end in [line.first!, line.last!] {
                let p = try Geometry.point(end)
                let box = Bounds(minX: end.x - snapTolerance, minY: end.y - snapTolerance,
                                 maxX: end.x + snapTolerance, maxY: end.y + snapTolerance)
                var best: (d: Double, at: Coordinate)?
                for j in lineIndex.query(box) where j != i {
                    let d = try lineIndex.geometries[j].distance(to: p)
                    guard d > 0, d <= snapTolerance, best == nil || d < best!.d else { continue }
                    best = (d, try lineIndex.geometries[j].nearestPoints(to: p).0)
                }
                if let (d, at) = best {
                    let past = Coordinate(at.x + (at.x - end.x) / d * 0.001, at.y + (at.y - end.y) / d * 0.001)
                    lines.append(try .lineString([end, past]))
                }
            }
        }
        let corridorIndex = try SpatialIndex(lines)
        let fibreLines = fibre.filter { $0.type == .lineString || $0.type == .multiLineString }
        let noded = try Geometry.unaryUnion(lines + fibreLines).shape()

        var nodes: [Coordinate] = []
        var edges: [[(to: Int, length: Double)]] = []
        var segments: [(a: Int, b: Int)] = []
        var id: [Coordinate: Int] = [:]
        func node(_ c: Coordinate) -> Int {
            if let n = id[c] { return n }
            id[c] = nodes.count
            nodes.append(c)
            edges.append([])
            return nodes.count - 1
        }
        var pieces: [[Coordinate]] = []
        switch noded {
        case .lineString(let cs): pieces = [cs]
        case .multiLineString(let ls): pieces = ls
        case .geometryCollection(let gs):
            for g in gs {
                if case .lineString(let cs) = g { pieces.append(cs) }
                if case .multiLineString(let ls) = g { pieces.append(contentsOf: ls) }
            }
        default: break
        }
        var segmentGeometries: [Geometry] = []
        for piece in pieces {
            for k in 1..<piece.count where piece[k - 1] != piece[k] {
                let a = piece[k - 1], b = piece[k]
                // Fibre segments that follow no corridor are left out: routes run along corridors only.
                let mid = try Geometry.point(Coordinate((a.x + b.x) / 2, (a.y + b.y) / 2))
                let onCorridor = try corridorIndex.query(envelopeOf: mid).contains { try corridorIndex.geometries[$0].distance(to: mid) < 1e-6 }
                guard onCorridor else { continue }
                let na = node(a), nb = node(b)
                let length = hypot(b.x - a.x, b.y - a.y)
                edges[na].append((nb, length))
                edges[nb].append((na, length))
                segments.append((na, nb))
                segmentGeometries.append(try .lineString([a, b]))
            }
        }
        self.nodes = nodes
        self.edges = edges
        self.segments = segments
        segmentIndex = try SpatialIndex(segmentGeometries)
        try connect(fibre: fibre)
    }

    /// Multi-source Dijkstra from the fibre network.
    private func connect(fibre: [Geometry]) throws {
        let fibreIndex = try SpatialIndex(fibre)
        distance = Array(repeating: .infinity, count: nodes.count)
        previous = Array(repeating: -1, count: nodes.count)
        entry = Array(repeating: nil, count: nodes.count)
        var heap = MinHeap()
        for (n, c) in nodes.enumerated() {
            let box = Bounds(minX: c.x - accessReach, minY: c.y - accessReach, maxX: c.x + accessReach, maxY: c.y + accessReach)
            let p = try Geometry.point(c)
            for f in fibreIndex.query(box) {
                let d = try fibre[f].distance(to: p)
                if d <= accessReach && d < distance[n] {
                    distance[n] = d
                    entry[n] = try fibre[f].nearestPoints(to: p).0
                }
            }
            if distance[n].isFinite { heap.push(distance[n], n) }
        }
        while let (d, n) = heap.pop() {
            if d > distance[n] { continue }
            for (m, length) in edges[n] where d + length < distance[m] {
                distance[m] = d + length
                previous[m] = n
                entry[m] = nil
                heap.push(distance[m], m)
            }
        }
    }

    /// The shortest extension to `centre` (working CRS) along the corridors: from the network to a
    /// corridor, along it to the corridor point nearest the centre, then straight to the centre.
    /// Nil when no corridor lies within the access reach of the centre or none of them leads to the network.
    func route(to centre: Coordinate) throws -> Route? {
        let p = try Geometry.point(centre)
        guard let s = try segmentIndex.nearest(to: p) else { return nil }
        let (a, b) = segments[s]
        let q = Self.closestPoint(on: (nodes[a], nodes[b]), to: centre)
        let exit = hypot(centre.x - q.x, centre.y - q.y)
        guard exit <= accessReach else { return nil }
        let viaA = distance[a] + hypot(q.x - nodes[a].x, q.y - nodes[a].y)
        let viaB = distance[b] + hypot(q.x - nodes[b].x, q.y - nodes[b].y)
        var n = viaA <= viaB ? a : b
        let length = min(viaA, viaB) + exit
        guard length.isFinite else { return nil }
        var points = [centre]
        if q != centre { points.append(q) }
        if nodes[n] != q { points.append(nodes[n]) }
        while previous[n] >= 0 {
            n = previous[n]
            points.append(nodes[n])
        }
        if let e = entry[n], e != nodes[n] { points.append(e) }
        if points.count == 1 { points.append(centre) }
        return Route(length: length, points: points.reversed())
    }

    static func closestPoint(on segment: (Coordinate, Coordinate), to p: Coordinate) -> Coordinate {
        let (a, b) = segment
        let dx = b.x - a.x, dy = b.y - a.y
        let l2 = dx * dx + dy * dy
        if l2 == 0 { return a }
        let t = max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2))
        return Coordinate(a.x + t * dx, a.y + t * dy)
    }
}

/// A binary heap of (key, node), smallest key first; equal keys by node, so the order is deterministic.
struct MinHeap {
    private var items: [(key: Double, node: Int)] = []

    private static func less(_ x: (key: Double, node: Int), _ y: (key: Double, node: Int)) -> Bool {
        (x.key, x.node) < (y.key, y.node)
    }

    mutating func push(_ key: Double, _ node: Int) {
        items.append((key, node))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count, Self.less(items[l], items[m]) { m = l }
                if r < items.count, Self.less(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return (top.key, top.node)
    }
}
