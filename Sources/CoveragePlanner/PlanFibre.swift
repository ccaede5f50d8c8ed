import Coverage
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
        let lines = try corridors.map { try Geometry.lineString($0) }
        let corridorIndex = try SpatialIndex(lines)
        // Noded with the fibre lines too, so that a corridor is split where fibre crosses it.
        let fibreLines = try fibre.filter { [.lineString, .multiLineString].contains(try $0.type) }
        var pieces: [[Coordinate]] = []
        switch try Geometry.unaryUnion(lines + fibreLines).shape() {
        case .lineString(let cs): pieces = [cs]
        case .multiLineString(let ls): pieces = ls
        case .geometryCollection(let gs):
            for g in gs {
                if case .lineString(let cs) = g { pieces.append(cs) }
                if case .multiLineString(let ls) = g { pieces.append(contentsOf: ls) }
            }
        default: break
        }

        var nodes: [Coordinate] = []
        var id: [Coordinate: Int] = [:]
        func node(_ c: Coordinate) -> Int {
            if let n = id[c] { return n }
            id[c] = nodes.count
            nodes.append(c)
            return nodes.count - 1
        }
        var segments: [(a: Int, b: Int)] = []
        for piece in pieces {
            for k in 1..<piece.count where piece[k - 1] != piece[k] {
                let a = piece[k - 1], b = piece[k]
                // Fibre segments that follow no corridor are left out: routes run along corridors only.
                let mid = try Geometry.point(Coordinate((a.x + b.x) / 2, (a.y + b.y) / 2))
                let onCorridor = try corridorIndex.query(envelopeOf: mid).contains { try corridorIndex.geometries[$0].distance(to: mid) < 1e-6 }
                if onCorridor { segments.append((node(a), node(b))) }
            }
        }

        // Loose ends (nodes on one segment only) within the tolerance of another segment are joined
        // to its nearest point, which splits that segment.
        var degree = [Int](repeating: 0, count: nodes.count)
        for s in segments { degree[s.a] += 1; degree[s.b] += 1 }
        let looseIndex = try SpatialIndex(try segments.map { try Geometry.lineString([nodes[$0.a], nodes[$0.b]]) })
        var splits: [Int: [Int]] = [:]
        var joins: [(a: Int, b: Int)] = []
        for n in nodes.indices where degree[n] == 1 {
            let c = nodes[n]
            let box = Bounds(minX: c.x - snapTolerance, minY: c.y - snapTolerance, maxX: c.x + snapTolerance, maxY: c.y + snapTolerance)
            var best: (d: Double, segment: Int, at: Coordinate)?
            for k in try looseIndex.query(box) where segments[k].a != n && segments[k].b != n {
                let q = Self.closestPoint(on: (nodes[segments[k].a], nodes[segments[k].b]), to: c)
                let d = hypot(q.x - c.x, q.y - c.y)
                if d <= snapTolerance, best == nil || (d, k) < (best!.d, best!.segment) { best = (d, k, q) }
            }
            guard let best else { continue }
            let (a, b) = segments[best.segment]
            let target: Int
            if best.at == nodes[a] { target = a } else if best.at == nodes[b] { target = b } else {
                target = node(best.at)
                splits[best.segment, default: []].append(target)
            }
            // Two loose ends facing each other would both ask for the same join.
            if target != n, !joins.contains(where: { Set([$0.a, $0.b]) == Set([n, target]) }) { joins.append((n, target)) }
        }
        var final: [(a: Int, b: Int)] = []
        for (k, s) in segments.enumerated() {
            guard let inner = splits[k] else { final.append(s); continue }
            let start = nodes[s.a]
            let chain = [s.a] + inner.sorted { hypot(nodes[$0].x - start.x, nodes[$0].y - start.y) < hypot(nodes[$1].x - start.x, nodes[$1].y - start.y) } + [s.b]
            for i in 1..<chain.count where chain[i - 1] != chain[i] { final.append((chain[i - 1], chain[i])) }
        }
        final += joins

        var edges = [[(to: Int, length: Double)]](repeating: [], count: nodes.count)
        for s in final {
            let length = hypot(nodes[s.b].x - nodes[s.a].x, nodes[s.b].y - nodes[s.a].y)
            edges[s.a].append((s.b, length))
            edges[s.b].append((s.a, length))
        }
        self.nodes = nodes
        self.edges = edges
        self.segments = final
        segmentIndex = try SpatialIndex(try final.map { try Geometry.lineString([nodes[$0.a], nodes[$0.b]]) })
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
            for f in try fibreIndex.query(box) {
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
