import Foundation
import Geo

/// A sector's footprint from the propagation model: the covered stretches of radials at the arc
/// step, each radial standing for the cell of directions around it, joined into polygons (with
/// holes where the terrain makes them).
public struct RadioFootprint: Sendable {
    /// Polygons (outer ring, then holes), closed rings in lon/lat.
    public var polygons: [[[Coordinate]]]
    /// The farthest distance considered, metres: min(radius_m, the Hata radius), or the radius for `los`.
    public var reach: Double
    /// Terrain samples that fell on no-data cells (the last height before them was used).
    public var noDataSamples: Int
    /// True when the site itself has no height in the DEM (its footprint is then `hata`'s).
    public var siteOffDEM: Bool
    /// Terrain samples evaluated (radials × samples per radial).
    public var samples: Int = 0

    public var shape: Shape { .multiPolygon(polygons) }
}

/// The propagation model applied to one sector (shared, read-only, by every worker thread).
public struct SectorModel: Sendable {
    public let sector: Sector
    public let budget: LinkBudget
    public let hata: Hata
    public let mode: PropagationMode
    let radio: RadioParameters

    public init(_ sector: Sector, parameters: AnalysisParameters) {
        self.sector = sector
        radio = parameters.radio
        mode = parameters.radio.mode
        budget = radio.budget(for: sector)
        hata = budget.hata
    }

    /// The farthest covered distance possible: terrain only adds loss to Hata's.
    public func reach(parameters: AnalysisParameters) -> Double {
        switch mode {
        case .fixed, .los: return parameters.radius(for: sector)
        case .hata, .terrain:
            let r = hata.radius(mapl: budget.mapl)
            return sector.radius.map { min($0, r) } ?? r
        }
    }

    /// Metres between terrain samples along a radial: the DEM's cell size at the site.
    func sampleStep(_ dem: Raster) -> Double { max(1, dem.cellSizeMetres(nearLatitude: sector.location.y)) }

    func walk() -> TerrainWalk {
        TerrainWalk(txHeight: budget.height, rxHeight: budget.rxHeight, earthRadius: radio.earthRadius, frequencyMHz: budget.frequency)
    }

    /// Diffraction of a smooth Earth at each sample distance, dB (what Hata already counts).
    func smoothDiffraction(_ distances: [Double]) -> [Double] {
        var w = walk()
        return distances.map { d in
            defer { w.pass(distance: d, ground: 0) }
            return knifeEdgeLoss(w.sight(distance: d, ground: 0).nu)
        }
    }

    /// The footprint in lon/lat.
    public func footprint(parameters: AnalysisParameters) throws -> RadioFootprint {
        let reach = reach(parameters: parameters)
        let geod = Geodesic.wgs84
        let omni = sector.isOmnidirectional
        let span = omni ? 360.0 : sector.beamwidth
        let n = max(Int((span / parameters.arcStep).rounded(.up)), 1)
        let start = omni ? 0 : sector.azimuth! - sector.beamwidth / 2
        let boundaryCount = omni ? n : n + 1
        let edges = geod.destinations(from: sector.location, azimuths: (0..<boundaryCount).map { start + Double($0) * span / Double(n) },
                                      distance: reach)
        var columns: [[(Double, Double)]]
        var noData = 0, offDEM = false, samples = 0
        if mode == .hata || reach <= 0 {
            columns = Array(repeating: reach > 0 ? [(0, reach)] : [], count: n)
        } else {
            guard let dem = radio.dem else { throw GeoError.invalidInput("--propagation \(mode.rawValue) needs --dem") }
            let centres: [Coordinate]
            let step = span / Double(n)
            if step <= 10 {
                // The middle of the chord between two cell edges, pushed out to the reach: within
                // a fraction of a metre of the geodesic for steps this small, at half the cost.
                let s0 = sector.location, stretch = 1 / cos(step / 2 * .pi / 180)
                centres = (0..<n).map { j in
                    let a = edges[j], b = edges[(j + 1) % edges.count]
                    return Coordinate(s0.x + ((a.x + b.x) / 2 - s0.x) * stretch, s0.y + ((a.y + b.y) / 2 - s0.y) * stretch)
                }
            } else {
                centres = geod.destinations(from: sector.location, azimuths: (0..<n).map { start + (Double($0) + 0.5) * step }, distance: reach)
            }
            let toDEM = try dem.fromLonLat()
            let points = try toDEM.transformed([sector.location] + centres)
            if let g0 = dem.height(x: points[0].x, y: points[0].y) {
                let m = max(1, Int((reach / sampleStep(dem)).rounded(.up)))
                let distances = (1...m).map { reach * Double($0) / Double(m) }
                samples = n * m
                let limits = limits(distances)
                columns = []
                columns.reserveCapacity(n)
                for c in 0..<n {
                    let (column, missing) = radial(dem: dem, from: points[0], to: points[c + 1], ground: g0,
                                                   distances: distances, limits: limits)
                    columns.append(column)
                    noData += missing
                }
            } else {
                // Off the DEM the footprint is the flat one of its reach (Hata's radius within radius_m).
                offDEM = true
                columns = Array(repeating: [(0, reach)], count: n)
            }
        }
        let loops = PolarTrace.loops(columns: columns, periodic: omni)
        let polygons = PolarTrace.polygons(loops) { u, v in
            if v <= 0 { return sector.location }
            let e = edges[omni ? u % n : u], t = v / reach
            return Coordinate(sector.location.x + t * (e.x - sector.location.x), sector.location.y + t * (e.y - sector.location.y))
        }
        return RadioFootprint(polygons: polygons, reach: reach, noDataSamples: noData, siteOffDEM: offDEM, samples: samples)
    }

    /// The covered stretches along one radial (site to `end` in the DEM's CRS) and the no-data samples met.
    ///
    /// A sample is covered when J(ν) − J_smooth ≤ MAPL − Hata, i.e. when ν is at most `limits[k]`
    /// (J is increasing). Most samples are settled in O(1): with line of sight ν ≤ 0, so J ≤ J(0);
    /// without it ν > 0, so J > J(0). Only the others need the receiver's horizon on the hull.
    func radial(dem: Raster, from site: Coordinate, to end: Coordinate, ground g0: Double,
                distances: [Double], limits: [Double]) -> ([(Double, Double)], Int) {
        var w = walk()
        let m = distances.count
        var stretches: [(Double, Double)] = []
        var missing = 0
        var last = g0
        var previousMargin = Double.infinity, previousD = 0.0
        var openedAt: Double? = 0
        let los = mode == .los
        let heights = UnsafeMutableBufferPointer<Double>.allocate(capacity: m)
        defer { heights.deallocate() }
        dem.sampleLine(from: site, to: end, count: m, into: heights)
        for k in 0..<m {
            let d = distances[k]
            let ground: Double
            if heights[k].isNaN {
                ground = last
                missing += 1
            } else {
                ground = heights[k]
                last = ground
            }
            let rel = ground - g0
            let clearance = w.clearance(distance: d, ground: rel)
            let margin: Double
            if los {
                margin = clearance >= 0 ? max(clearance, 1e-12) : clearance
            } else {
                // Margins in ν: covered while ν ≤ the budget's ν (J is increasing).
                let nuLimit = limits[k]
                if clearance > 0 {
                    // Clear path: ν ≤ 0, so the budget decides only when it allows less than J(0).
                    margin = nuLimit >= 0 ? nuLimit : nuLimit - w.sight(distance: d, ground: rel).nu
                } else {
                    // Blocked: ν > 0, and the Bullington point lies at or beyond the transmitter's
                    // horizon, so ν is at least its value there: a shadow is mostly settled without the hull.
                    let dt = w.horizonDistance
                    let low = -clearance * (2 * d * dt / (w.wavelength * (d - dt))).squareRoot()
                    if nuLimit <= 0 {
                        margin = min(nuLimit - low, -1e-12)
                    } else {
                        margin = low > nuLimit ? nuLimit - low : nuLimit - w.sight(distance: d, ground: rel).nu
                    }
                }
            }
            let covered = margin >= 0
            if covered != (openedAt != nil) {
                // The crossing, by linear interpolation of the margin between the two samples.
                let x: Double
                if previousMargin.isInfinite { x = (previousD + d) / 2 } else {
                    x = previousD + (d - previousD) * previousMargin / (previousMargin - margin)
                }
                if let a = openedAt { stretches.append((a, x)); openedAt = nil } else { openedAt = x }
            }
            previousMargin = margin
            previousD = d
            w.pass(distance: d, ground: rel, hull: !los)
        }
        if let a = openedAt, let end = distances.last, end > a { stretches.append((a, end)) }
        return (stretches.filter { $0.1 > $0.0 }, missing)
    }

    /// Per sample distance, the ν at which J reaches the most diffraction loss the budget allows,
    /// MAPL − Hata + J_smooth (dB); empty outside `terrain`.
    func limits(_ distances: [Double]) -> [Double] {
        guard mode == .terrain else { return [] }
        let smooth = smoothDiffraction(distances)
        // Within the reach Hata's loss never exceeds the MAPL: the clamp only absorbs rounding at the reach.
        return distances.indices.map { k in inverseKnifeEdgeLoss(max(0, budget.mapl - hata.loss(distance: distances[k])) + smooth[k]) }
    }
}

/// Joins covered stretches of neighbouring columns of directions into rings: the boundary of the
/// union of cells (column u, from distance a to b), traced with the inside on the left.
enum PolarTrace {
    struct Vertex: Hashable { var u: Int; var v: Double }

    /// The boundary of the covered cells as directed segments (inside on the left), in the order
    /// the columns and then the column boundaries give them.
    static func segments(columns: [[(Double, Double)]], periodic: Bool) -> [(from: Vertex, to: Vertex)] {
        let n = columns.count
        var added: [(from: Vertex, to: Vertex)] = []
        func key(_ u: Int) -> Int { periodic ? u % n : u }
        func add(_ a: Vertex, _ b: Vertex) {
            if a == b { return }
            added.append((a, b))
        }
        for (j, column) in columns.enumerated() {
            for (a, b) in column {
                add(Vertex(u: key(j), v: a), Vertex(u: key(j + 1), v: a))
                add(Vertex(u: key(j + 1), v: b), Vertex(u: key(j), v: b))
            }
        }
        // Boundary segments along each column boundary: what one side covers and the other does not.
        for u in 0..<(periodic ? n : n + 1) {
            let left = u > 0 ? columns[u - 1] : (periodic ? columns[n - 1] : [])
            let right = u < n ? columns[u] : []
            for (lo, hi) in difference(right, left) { add(Vertex(u: key(u), v: hi), Vertex(u: key(u), v: lo)) }
            for (lo, hi) in difference(left, right) { add(Vertex(u: key(u), v: lo), Vertex(u: key(u), v: hi)) }
        }
        return added
    }

    /// Closed loops of (column boundary, distance) vertices.
    static func loops(columns: [[(Double, Double)]], periodic: Bool) -> [[Vertex]] {
        let n = columns.count
        let added = segments(columns: columns, periodic: periodic)
        // The segments ordered by their start vertex, then as they were added; each is walked once.
        let edges = added.indices.sorted { i, j in
            let a = added[i].from, b = added[j].from
            return a.u != b.u ? a.u < b.u : (a.v != b.v ? a.v < b.v : i < j)
        }.map { added[$0] }
        var used = [Bool](repeating: false, count: edges.count)
        // The segments that start at `vertex` (binary search).
        func starting(at vertex: Vertex) -> Range<Int> {
            var lo = 0, hi = edges.count
            while lo < hi {
                let mid = (lo + hi) / 2, f = edges[mid].from
                if f.u != vertex.u ? f.u < vertex.u : f.v < vertex.v { lo = mid + 1 } else { hi = mid }
            }
            var end = lo
            while end < edges.count && edges[end].from == vertex { end += 1 }
            return lo..<end
        }
        var loops: [[Vertex]] = []
        // Loops start at the start vertices in order: deterministic.
        var group = 0..<0
        while group.upperBound < edges.count {
            let s = edges[group.upperBound].from
            group = starting(at: s)
            while let firstEdge = group.first(where: { !used[$0] }) {
                used[firstEdge] = true
                var loop = [s]
                var previous = s, at = edges[firstEdge].to
                while at != s {
                    loop.append(at)
                    let options = starting(at: at).filter { !used[$0] }
                    guard !options.isEmpty else { break }
                    var chosen = options[0]
                    if options.count > 1 {
                        // The first unused segment to the vertex of the sharpest left turn.
                        let to = leftmost(from: previous, at: at, options: options.map { edges[$0].to }, n: n, periodic: periodic)
                        chosen = options.first { edges[$0].to == to }!
                    }
                    used[chosen] = true
                    previous = at
                    at = edges[chosen].to
                }
                loops.append(loop)
            }
        }
        return loops
    }

    /// At a vertex where two boundaries meet, the sharpest left turn (cells touching at a corner stay apart).
    static func leftmost(from: Vertex, at: Vertex, options: [Vertex], n: Int, periodic: Bool) -> Vertex {
        func du(_ a: Vertex, _ b: Vertex) -> Double {
            var d = b.u - a.u
            if periodic { if d > n / 2 { d -= n } else if d < -n / 2 { d += n } }
            return Double(d.signum())
        }
        let inU = du(from, at), inV = (at.v - from.v).sign == .minus ? -1.0 : (at.v == from.v ? 0 : 1)
        return options.max { a, b in
            func turn(_ o: Vertex) -> Double {
                let ou = du(at, o), ov = (o.v - at.v).sign == .minus ? -1.0 : (o.v == at.v ? 0 : 1)
                return inU * ov - inV * ou  // > 0 left, 0 straight, < 0 right
            }
            return turn(a) < turn(b)
        }!
    }

    /// Parts of `a`'s stretches that `b`'s do not cover (both sorted and disjoint).
    static func difference(_ a: [(Double, Double)], _ b: [(Double, Double)]) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        for (lo0, hi) in a {
            var lo = lo0
            for (blo, bhi) in b where bhi > lo && blo < hi {
                if blo > lo { out.append((lo, blo)) }
                lo = max(lo, bhi)
            }
            if hi > lo { out.append((lo, hi)) }
        }
        return out
    }

    /// Polygons in lon/lat: loops mapped through `point`, split where they touch themselves,
    /// outer rings (counter-clockwise) with the holes (clockwise) inside them.
    static func polygons(_ loops: [[Vertex]], point: (Int, Double) -> Coordinate) -> [[[Coordinate]]] {
        var rings: [[Coordinate]] = []
        for loop in loops {
            var mapped: [Coordinate] = []
            for vertex in loop {
                let c = point(vertex.u, vertex.v)
                if mapped.last != c { mapped.append(c) }
            }
            while mapped.count > 1 && mapped.first == mapped.last { mapped.removeLast() }
            rings.append(contentsOf: splitAtRepeats(mapped))
        }
        var outers: [[Coordinate]] = [], holes: [[Coordinate]] = []
        for r in rings where r.count >= 3 {
            let a = signedArea(r)
            if a == 0 { continue }
            (a > 0 ? { outers.append($0) } : { holes.append($0) })(r + [r[0]])
        }
        var polygons = outers.map { [$0] }
        for h in holes {
            // The outer ring holding most of the hole's vertices (a hole may touch its ring at one).
            let votes = polygons.map { p in h.dropLast().filter { evenOddContains([p[0]], $0) }.count }
            if let best = votes.indices.max(by: { (votes[$0], -$0) < (votes[$1], -$1) }), votes[best] > 0 {
                polygons[best].append(h)
            }
        }
        return polygons
    }

    static func splitAtRepeats(_ ring: [Coordinate]) -> [[Coordinate]] {
        var out: [[Coordinate]] = []
        var stack: [Coordinate] = []
        var seen: [Coordinate: Int] = [:]
        for c in ring {
            if let i = seen[c] {
                out.append(Array(stack[i...]))
                for p in stack[(i + 1)...] { seen[p] = nil }
                stack.removeSubrange((i + 1)...)
            } else {
                seen[c] = stack.count
                stack.append(c)
            }
        }
        out.append(stack)
        return out.filter { $0.count >= 3 }
    }

    static func signedArea(_ r: [Coordinate]) -> Double {
        var s = 0.0
        for i in r.indices {
            let p = r[i], q = r[(i + 1) % r.count]
            s += (p.x - r[0].x) * (q.y - r[0].y) - (q.x - r[0].x) * (p.y - r[0].y)
        }
        return s / 2
    }
}
