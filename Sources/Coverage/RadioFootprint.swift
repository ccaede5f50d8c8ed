import Foundation
import Geo

/// A sector's footprint from the propagation model: the covered stretches of radials at the arc
/// step, each radial standing for the cell of directions around it, joined into polygons (with
/// holes where the terrain makes them).
public struct RadioFootprint: Sendable {
    /// The boundary of the covered cells: loops of (column edge, distance) vertices.
    let loops: [[PolarTrace.Vertex]]
    /// Per loop, whether it may pass a vertex twice (`PolarTrace.traced`).
    let meets: [Bool]
    /// The site and the column edges at `SectorModel.rayDistance`, lon/lat; whether the columns go
    /// all round. A corner at distance v lies v / rayDistance of the way to its edge's point, so
    /// every sector of one antenna direction puts a corner (column edge, distance) at the same point.
    let site: Coordinate, edges: [Coordinate], periodic: Bool
    /// The covered cells, fingerprinted: footprints of one antenna direction (`AntennaKey`) with
    /// the same print are the same polygons.
    let cells: Fingerprint
    /// The prints of the footprints of the same antenna direction, walked with this one, whose
    /// cells hold all of this one's: their polygons hold this one's polygons.
    let heldBy: [Fingerprint]
    /// The farthest distance considered, metres: min(radius_m, the Hata radius), or the radius for `los`.
    public var reach: Double
    /// Terrain samples that fell on no-data cells (the last height before them was used).
    public var noDataSamples: Int
    /// True when the site itself has no height in the DEM (its footprint is then `hata`'s).
    public var siteOffDEM: Bool
    /// Terrain samples evaluated (radials × samples per radial).
    public var samples: Int = 0
    /// Metres out to which every direction of the beam is covered from the mast without a break
    /// (the polygon holds the fan of that radius); 0 when some direction starts uncovered.
    public var innerReach: Double = 0

    /// Polygons (outer ring, then holes), closed rings in lon/lat.
    public var polygons: [[[Coordinate]]] { polygons(site: site, edges: edges) }

    public var shape: Shape { .multiPolygon(polygons) }

    /// The polygons in the CRS `projection` takes lon/lat to: the site and the column edges are
    /// projected, and the corners between them lie along the radials as they do in lon/lat (a
    /// few points through PROJ a sector instead of every corner).
    public func polygons(in projection: Projection) throws -> [[[Coordinate]]] {
        try projected(in: projection).polygons
    }

    /// The polygons in the CRS of `projection` (see `polygons(in:)`), and a convex ring they hold:
    /// the fan of corners a centimetre short of `innerReach` on every column edge (with the site,
    /// for a sector), nil when there is none. Each covered cell is convex and holds the site and
    /// its own ends at `innerReach` or beyond, so it holds its slice of the fan.
    public func projected(in projection: Projection) throws -> (polygons: [[[Coordinate]]], inner: [Coordinate]?) {
        projected(corners: try corners(in: projection))
    }

    /// What fixes where the corners of a footprint lie: footprints with equal keys (the sectors
    /// of one antenna direction, walked together) share their site and column edges.
    struct CornerKey: Hashable {
        let site: Coordinate, count: Int, first: Coordinate?, last: Coordinate?, periodic: Bool
    }

    var cornerKey: CornerKey { CornerKey(site: site, count: edges.count, first: edges.first, last: edges.last, periodic: periodic) }

    /// The site and the column edges in the CRS of `projection`: what `projected(corners:)` places
    /// the corners between (one call for all the footprints of a `cornerKey`).
    func corners(in projection: Projection) throws -> (site: Coordinate, edges: [Coordinate]) {
        let p = try projection.transformed([site] + edges)
        return (p[0], Array(p.dropFirst()))
    }

    /// `projected(in:)` from corners already projected (`corners(in:)`).
    func projected(corners: (site: Coordinate, edges: [Coordinate])) -> (polygons: [[[Coordinate]]], inner: [Coordinate]?) {
        let (s, e) = corners
        let t = (innerReach - 0.01) / SectorModel.rayDistance
        var inner: [Coordinate]?
        if innerReach > 1 {
            let corners = e.map { Coordinate(s.x + t * ($0.x - s.x), s.y + t * ($0.y - s.y)) }
            inner = periodic ? corners + [corners[0]] : [s] + corners + [s]
        }
        return (polygons(site: s, edges: e), inner)
    }

    private func polygons(site: Coordinate, edges: [Coordinate]) -> [[[Coordinate]]] {
        PolarTrace.polygons(loops, meets: meets) { u, v in
            if v <= 0 { return site }
            let e = edges[periodic ? u % edges.count : u], t = v / SectorModel.rayDistance
            return Coordinate(site.x + t * (e.x - site.x), site.y + t * (e.y - site.y))
        }
    }
}

/// The propagation model applied to one sector (shared, read-only, by every worker thread).
public struct SectorModel: Sendable {
    public let sector: Sector
    public let budget: LinkBudget
    public let hata: Hata
    public let mode: PropagationMode
    let radio: RadioParameters

    /// √λ, λ the wavelength in metres: ν for this sector is the walk's ν·√λ divided by it.
    let rootWavelength: Double

    public init(_ sector: Sector, parameters: AnalysisParameters) {
        self.sector = sector
        radio = parameters.radio
        mode = parameters.radio.mode
        budget = radio.budget(for: sector)
        hata = budget.hata
        rootWavelength = (299.792458 / budget.frequency).squareRoot()
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
        TerrainWalk(txHeight: budget.height, rxHeight: budget.rxHeight, earthRadius: radio.earthRadius)
    }

    /// Diffraction of a smooth Earth at each sample distance, dB (what Hata already counts).
    func smoothDiffraction(_ distances: [Double]) -> [Double] {
        var w = walk()
        return distances.map { d in
            defer { w.pass(distance: d, ground: 0) }
            return knifeEdgeLoss(w.sight(distance: d, ground: 0).scaledNu / rootWavelength)
        }
    }

    /// What fixes a sector's radials and the terrain walk along them: sectors that agree on it
    /// (the technologies of one antenna direction of a site) are walked together.
    struct Radials: Hashable {
        var location: Coordinate
        var start: Double, span: Double, count: Int
        var omnidirectional: Bool
        var txHeight: Double, rxHeight: Double

        init(_ model: SectorModel, arcStep: Double) {
            let s = model.sector
            location = s.location
            omnidirectional = s.isOmnidirectional
            span = omnidirectional ? 360.0 : s.beamwidth
            count = max(Int((span / arcStep).rounded(.up)), 1)
            start = omnidirectional ? 0 : s.azimuth! - s.beamwidth / 2
            txHeight = model.budget.height
            rxHeight = model.budget.rxHeight
        }
    }

    /// The distance, metres, at which a radial's direction is fixed (a sample's position along it
    /// is a multiple of the sample step in that direction, whatever the sector's reach).
    static let rayDistance = 10_000.0

    /// The footprint in lon/lat.
    public func footprint(parameters: AnalysisParameters) throws -> RadioFootprint {
        try Self.footprints([self], parameters: parameters)[0]
    }

    /// Every sector's footprint, on `jobs` threads, in input order; sectors with the same
    /// `Radials` are walked together.
    public static func footprints(of sectors: [Sector], parameters: AnalysisParameters, jobs: Int) throws -> [RadioFootprint] {
        let models = sectors.map { SectorModel($0, parameters: parameters) }
        let byRadials = groups(of: models.indices) { Radials(models[$0], arcStep: parameters.arcStep) }
        // Walked site by site along a Hilbert curve, so that neighbouring sites' walks (on both
        // cores) find the DEM's cells still cached; each footprint is the same in any order.
        let walked = HilbertOrder.order(byRadials.map { models[$0[0]].sector.location }).map { byRadials[$0] }
        let made = try parallelMap(walked.count, jobs: jobs, chunk: 4) { g in
            try footprints(walked[g].map { models[$0] }, parameters: parameters)
        }
        return scattered(made, of: walked, count: sectors.count).map { $0! }
    }

    /// The footprints of sectors with the same `Radials` (any technologies and reaches), in the
    /// order given. The terrain along each radial is sampled and walked once, to the farthest
    /// reach, and each sector's samples are judged against its own budget: sample k lies at
    /// (k + 1) sample steps along the radial, below the sector's reach, and one more sample at the
    /// reach ends it. A sample's position and the walk before it depend only on the radial and k,
    /// so each footprint is bit for bit the one the sector gets alone.
    static func footprints(_ models: [SectorModel], parameters: AnalysisParameters) throws -> [RadioFootprint] {
        guard let first = models.first else { return [] }
        let radials = Radials(first, arcStep: parameters.arcStep)
        let site = radials.location, n = radials.count, omni = radials.omnidirectional
        let step = radials.span / Double(n)
        let reaches = models.map { $0.reach(parameters: parameters) }
        let boundaries = (0..<(omni ? n : n + 1)).map { radials.start + Double($0) * step }
        // The cell edges at the ray distance: the radials' directions, and the line each polygon
        // corner lies on.
        let fan = Geodesic.wgs84.fan(from: site, azimuths: boundaries, distances: [rayDistance])
        var columns = reaches.map { r in [[(Double, Double)]](repeating: r > 0 ? [(0, r)] : [], count: n) }
        var noData = [Int](repeating: 0, count: models.count), samples = noData
        var offDEM = false
        let walked = models.indices.filter { (models[$0].mode == .terrain || models[$0].mode == .los) && reaches[$0] > 0 }
        if !walked.isEmpty {
            guard let dem = first.radio.dem else { throw GeoError.invalidInput("--propagation \(first.mode.rawValue) needs --dem") }
            let centres: [Coordinate]
            if step <= 10 {
                // The middle of the chord between two cell edges, pushed out to the ray distance:
                // within a fraction of a metre of the geodesic for steps this small, at half the cost.
                let edges = fan[0], stretch = 1 / cos(step / 2 * .pi / 180)
                centres = (0..<n).map { j in
                    let a = edges[j], b = edges[(j + 1) % edges.count]
                    return Coordinate(site.x + ((a.x + b.x) / 2 - site.x) * stretch, site.y + ((a.y + b.y) / 2 - site.y) * stretch)
                }
            } else {
                centres = Geodesic.wgs84.destinations(from: site, azimuths: (0..<n).map { radials.start + (Double($0) + 0.5) * step },
                                                      distance: rayDistance)
            }
            let points = try dem.fromLonLat().transformed([site] + centres)
            if let g0 = dem.height(x: points[0].x, y: points[0].y) {
                let sampleStep = first.sampleStep(dem)
                let judged = walked.map { i -> RadialWalk.Judged in
                    let grid = max(1, Int((reaches[i] / sampleStep).rounded(.up))) - 1
                    samples[i] = n * (grid + 1)
                    let distances = (0..<grid).map { Double($0 + 1) * sampleStep } + [reaches[i]]
                    return RadialWalk.Judged(grid: grid, reach: reaches[i], limits: models[i].limits(distances),
                                             rootWavelength: models[i].rootWavelength)
                }
                let radial = RadialWalk(dem: dem, los: first.mode == .los, site: points[0], ground: g0,
                                        sampleStep: sampleStep, judged: judged)
                // One walk and one profile buffer serve every radial of the group, one after another.
                var walk = first.walk()
                let heights = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(radial.longest, 1))
                defer { heights.deallocate() }
                for c in 0..<n {
                    let p = points[c + 1]
                    let ray = Coordinate((p.x - points[0].x) * sampleStep / rayDistance, (p.y - points[0].y) * sampleStep / rayDistance)
                    let results = radial.run(ray: ray, walk: &walk, heights: heights)
                    for (j, i) in walked.enumerated() {
                        columns[i][c] = results[j].stretches
                        noData[i] += results[j].missing
                    }
                }
            } else {
                // Off the DEM the footprint is the flat one of its reach (Hata's radius within radius_m).
                offDEM = true
            }
        }
        // Which footprints hold which: cell by cell, since all share the corners.
        let prints = columns.map(PolarTrace.print)
        let cells = columns.map { PolarTrace.Cells($0, periodic: omni) }
        let heldBy = models.indices.map { i in
            models.indices.filter { j in j != i && PolarTrace.holds(cells[j], cells[i]) }.map { prints[$0] }
        }
        return models.indices.map { i in
            // Corners at the site all map to it: one of each run is kept.
            let traced = PolarTrace.traced(cells[i])
            let loops = traced.map { t in
                let loop = t.vertices
                return loop.indices.filter { k in loop[k].v > 0 || k == 0 || loop[k - 1].v > 0 }.map { loop[$0] }
            }
            return RadioFootprint(loops: loops, meets: traced.map(\.meets), site: site, edges: fan[0], periodic: omni, cells: prints[i], heldBy: heldBy[i],
                                  reach: reaches[i], noDataSamples: noData[i], siteOffDEM: offDEM && walked.contains(i),
                                  samples: offDEM ? 0 : samples[i], innerReach: cells[i].innerReach)
        }
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

/// The walk along one radial shared by the sectors of one `SectorModel.Radials`: the heights are
/// sampled and the terrain walked once, and each sector's samples are judged against its own budget.
///
/// A sample is covered when J(ν) − J_smooth ≤ MAPL − Hata, i.e. when ν is at most the sector's
/// limit there (J is increasing). Most samples are settled in O(1): with line of sight ν ≤ 0, so
/// J ≤ J(0); without it ν > 0, so J > J(0). Only the others need the receiver's horizon on the hull.
struct RadialWalk {
    /// One sector's part: `grid` samples at multiples of the sample step, then one at `reach`;
    /// `limits` has one ν limit per sample (none in `los`).
    struct Judged {
        var grid: Int
        var reach: Double
        var limits: [Double]
        var rootWavelength: Double
    }

    /// One sector's result along a radial: its covered stretches and the no-data samples it met.
    struct Result {
        var stretches: [(Double, Double)] = []
        var missing = 0
    }

    /// A sector's covered stretch being traced along a radial.
    private struct Track {
        var stretches: [(Double, Double)] = []
        var openedAt: Double? = 0
        var previousMargin = Double.infinity, previousD = 0.0

        /// The sample at `d` with its margin (≥ 0 covered): a crossing, by linear interpolation of
        /// the margin between two samples, opens or closes a stretch.
        mutating func judge(_ d: Double, margin: Double) {
            if (margin >= 0) != (openedAt != nil) {
                let x = previousMargin.isInfinite ? (previousD + d) / 2 : previousD + (d - previousD) * previousMargin / (previousMargin - margin)
                if let a = openedAt { stretches.append((a, x)); openedAt = nil } else { openedAt = x }
            }
            previousMargin = margin
            previousD = d
        }

        mutating func close(at end: Double) -> [(Double, Double)] {
            if let a = openedAt, end > a { stretches.append((a, end)) }
            return stretches.filter { $0.1 > $0.0 }
        }
    }

    let dem: Raster
    let los: Bool
    /// The site in the DEM's CRS and its ground height.
    let site: Coordinate, g0: Double
    let sampleStep: Double
    let judged: [Judged]
    /// `judged` by number of grid samples.
    private let order: [Int]
    /// The most grid samples of a sector: the length of the profile sampled.
    let longest: Int
    /// Every sector's ν limits one after another (zeros in `los`, which has none), sector s's from `limitStart[s]`.
    private let limits: [Double], limitStart: [Int]

    init(dem: Raster, los: Bool, site: Coordinate, ground: Double, sampleStep: Double, judged: [Judged]) {
        self.dem = dem
        self.los = los
        self.site = site
        g0 = ground
        self.sampleStep = sampleStep
        self.judged = judged
        order = judged.indices.sorted { (judged[$0].grid, $0) < (judged[$1].grid, $1) }
        longest = judged.map(\.grid).max() ?? 0
        var start = 0
        limitStart = judged.map { j in defer { start += j.grid + 1 }; return start }
        limits = judged.flatMap { $0.limits.isEmpty ? [Double](repeating: 0, count: $0.grid + 1) : $0.limits }
    }

    /// The radial from the site along `ray` (one sample step, in the DEM's CRS): each judged
    /// sector's result. `w` is restarted and walked; `heights` holds at least `longest` samples.
    func run(ray: Coordinate, walk w: inout TerrainWalk, heights: UnsafeMutableBufferPointer<Double>) -> [Result] {
        w.restart()
        var tracks = [Track](repeating: Track(), count: judged.count)
        var results = [Result](repeating: Result(), count: judged.count)
        dem.sampleRay(from: site, step: ray, count: longest, into: heights)
        var last = g0, missing = 0
        var next = 0  // order[next...] are the sectors still on the grid
        tracks.withUnsafeMutableBufferPointer { tracks in limits.withUnsafeBufferPointer { limits in
            for k in 0...longest {
                // Sectors whose grid ends here: their last sample, at their reach, over the walk so far.
                while next < order.count, judged[order[next]].grid == k {
                    let s = order[next], r = judged[s].reach
                    next += 1
                    var h = dem.heightOnRay(from: site, step: ray, multiple: r / sampleStep)
                    results[s].missing = missing
                    if h.isNaN {
                        h = last
                        results[s].missing += 1
                    }
                    let rel = h - g0
                    var sight: Double?
                    let clearance = w.clearance(distance: r, ground: rel)
                    let m = margin(limit: limits[limitStart[s] + k], rootWavelength: judged[s].rootWavelength, d: r, rel: rel, clearance: clearance,
                                   low: lowBound(w, r, clearance), walk: w, sight: &sight)
                    tracks[s].judge(r, margin: m)
                    results[s].stretches = tracks[s].close(at: r)
                }
                if k == longest { break }
                let d = Double(k + 1) * sampleStep
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
                let low = lowBound(w, d, clearance)
                var sight: Double?
                for t in next..<order.count {
                    let s = order[t]
                    tracks[s].judge(d, margin: margin(limit: limits[limitStart[s] + k], rootWavelength: judged[s].rootWavelength, d: d, rel: rel,
                                                      clearance: clearance, low: low, walk: w, sight: &sight))
                }
                w.pass(distance: d, ground: rel, hull: !los)
            }
        } }
        return results
    }

    /// Without line of sight ν·√λ is at least its value at the transmitter's horizon (the
    /// Bullington point lies at or beyond it): a bound that settles most shadows without the hull.
    @inline(__always)
    private func lowBound(_ w: borrowing TerrainWalk, _ d: Double, _ clearance: Double) -> Double {
        guard clearance <= 0, !los else { return 0 }
        let dt = w.horizonDistance
        return -clearance * (2 * d * dt / (d - dt)).squareRoot()
    }

    /// A sample's margin for one sector, in ν (covered while ≥ 0); `sight` is the walk's ν·√λ at
    /// the sample, found the first time a sector needs it.
    @inline(__always)
    private func margin(limit nuLimit: Double, rootWavelength: Double, d: Double, rel: Double, clearance: Double, low scaledLow: Double,
                        walk w: borrowing TerrainWalk, sight: inout Double?) -> Double {
        if los { return clearance >= 0 ? max(clearance, 1e-12) : clearance }
        func nu() -> Double {
            if sight == nil { sight = w.sight(distance: d, ground: rel).scaledNu }
            return sight! / rootWavelength
        }
        if clearance > 0 {
            // Clear path: ν ≤ 0, so the budget decides only when it allows less than J(0).
            return nuLimit >= 0 ? nuLimit : nuLimit - nu()
        }
        let low = scaledLow / rootWavelength
        if nuLimit <= 0 { return min(nuLimit - low, -1e-12) }
        return low > nuLimit ? nuLimit - low : nuLimit - nu()
    }
}

/// Joins covered stretches of neighbouring columns of directions into rings: the boundary of the
/// union of cells (column u, from distance a to b), traced with the inside on the left.
enum PolarTrace {
    struct Vertex: Hashable { var u: Int; var v: Double }

    /// Where the stretches of the two columns beside boundary `u` meet on it: when the columns
    /// have as many stretches there and each overlaps its counterpart and no other, each pair is
    /// joined at the means of its ends (the outline goes straight from one radial's end to the
    /// next instead of stepping at the boundary between them); nil elsewhere (the edges of a
    /// sector, a stretch that starts, ends, splits or merges there), where each cell keeps its
    /// own ends. The means of disjoint pairs stay disjoint.
    static func joint(_ columns: [[(Double, Double)]], periodic: Bool, at u: Int) -> [(Double, Double)]? {
        let n = columns.count
        guard periodic || (u > 0 && u < n) else { return nil }
        let left = columns[(u + n - 1) % n], right = columns[u % n]
        guard !left.isEmpty, left.count == right.count else { return nil }
        func overlap(_ a: (Double, Double), _ b: (Double, Double)) -> Bool { a.0 < b.1 && b.0 < a.1 }
        for i in left.indices {
            guard overlap(left[i], right[i]) else { return nil }
            if i + 1 < left.count, overlap(left[i], right[i + 1]) || overlap(right[i], left[i + 1]) { return nil }
        }
        return zip(left, right).map { l, r in ((l.0 + r.0) / 2, (l.1 + r.1) / 2) }
    }

    /// A footprint's covered cells: its columns' stretches, which column boundaries join them
    /// (`joint`), and each stretch's near and far ends on its column's first boundary, then on its
    /// second (the joined ends where a joint joins them). Made once, for holding and for tracing.
    struct Cells {
        let columns: [[(Double, Double)]]
        let periodic: Bool
        /// Per column boundary (0...n), its joint, nil where the cells keep their own ends.
        let joints: [[(Double, Double)]?]
        let ends: [[(Double, Double, Double, Double)]]

        init(_ columns: [[(Double, Double)]], periodic: Bool) {
            self.columns = columns
            self.periodic = periodic
            let joints = (0...columns.count).map { joint(columns, periodic: periodic, at: $0) }
            self.joints = joints
            ends = columns.indices.map { j in
                columns[j].enumerated().map { i, stretch in
                    let (a, b) = stretch, l = joints[j]?[i], r = joints[j + 1]?[i]
                    return (l?.0 ?? a, l?.1 ?? b, r?.0 ?? a, r?.1 ?? b)
                }
            }
        }

        /// The distance out to which every column's first cell starts at the site and reaches on
        /// both its boundaries; 0 when a column has none that starts there.
        var innerReach: Double {
            var reach = Double.infinity
            for column in ends {
                guard let (a0, b0, a1, b1) = column.first, a0 <= 0, a1 <= 0 else { return 0 }
                reach = min(reach, b0, b1)
            }
            return ends.isEmpty ? 0 : reach
        }
    }

    /// The boundary of the covered cells as directed segments (inside on the left), in the order
    /// the columns and then the column boundaries give them.
    static func segments(columns: [[(Double, Double)]], periodic: Bool) -> [(from: Vertex, to: Vertex)] {
        segments(Cells(columns, periodic: periodic))
    }

    static func segments(_ cells: Cells) -> [(from: Vertex, to: Vertex)] {
        let columns = cells.columns, periodic = cells.periodic, n = columns.count
        var added: [(from: Vertex, to: Vertex)] = []
        func key(_ u: Int) -> Int { periodic ? u % n : u }
        func add(_ a: Vertex, _ b: Vertex) {
            if a == b { return }
            added.append((a, b))
        }
        for (j, column) in cells.ends.enumerated() {
            for (a0, b0, a1, b1) in column {
                add(Vertex(u: key(j), v: a0), Vertex(u: key(j + 1), v: a1))
                add(Vertex(u: key(j + 1), v: b1), Vertex(u: key(j), v: b0))
            }
        }
        // Boundary segments along each column boundary where the cells are not joined: what one
        // side covers and the other does not.
        for u in 0..<(periodic ? n : n + 1) where cells.joints[u] == nil {
            let left = u > 0 ? columns[u - 1] : (periodic ? columns[n - 1] : [])
            let right = u < n ? columns[u] : []
            for (lo, hi) in difference(right, left) { add(Vertex(u: key(u), v: hi), Vertex(u: key(u), v: lo)) }
            for (lo, hi) in difference(left, right) { add(Vertex(u: key(u), v: lo), Vertex(u: key(u), v: hi)) }
        }
        return added
    }

    /// Closed loops of (column boundary, distance) vertices.
    static func loops(columns: [[(Double, Double)]], periodic: Bool) -> [[Vertex]] {
        traced(columns: columns, periodic: periodic).map(\.vertices)
    }

    /// Closed loops of (column boundary, distance) vertices, each with whether it may pass a
    /// vertex twice: only through a vertex where two boundaries meet (two segments leave it).
    static func traced(columns: [[(Double, Double)]], periodic: Bool) -> [(vertices: [Vertex], meets: Bool)] {
        traced(Cells(columns, periodic: periodic))
    }

    static func traced(_ cells: Cells) -> [(vertices: [Vertex], meets: Bool)] {
        let n = cells.columns.count, periodic = cells.periodic
        let added = segments(cells)
        // The segments ordered by their start vertex, then as they were added; each is walked once.
        // Start vertices lie on the n + 1 column boundaries: the segments are counted into one
        // bucket per boundary (in the order added), and each bucket, a few segments, is sorted by
        // distance.
        var bucketStart = [Int](repeating: 0, count: n + 2)
        for segment in added { bucketStart[segment.from.u + 1] += 1 }
        for u in 0...n { bucketStart[u + 1] += bucketStart[u] }
        var order = [Int](repeating: 0, count: added.count), fill = bucketStart
        for (i, segment) in added.enumerated() {
            order[fill[segment.from.u]] = i
            fill[segment.from.u] += 1
        }
        for u in 0...n where bucketStart[u + 1] - bucketStart[u] > 1 {
            // Insertion sort by (distance, order added): the bucket holds them in the order added.
            for k in (bucketStart[u] + 1)..<bucketStart[u + 1] {
                let i = order[k], v = added[i].from.v
                var m = k
                while m > bucketStart[u], added[order[m - 1]].from.v > v {
                    order[m] = order[m - 1]
                    m -= 1
                }
                order[m] = i
            }
        }
        let edges = order.map { added[$0] }
        var used = [Bool](repeating: false, count: edges.count)
        // The segments that start at `vertex`: in its boundary's bucket, from the first not nearer.
        func starting(at vertex: Vertex) -> Range<Int> {
            var lo = bucketStart[vertex.u]
            let bucketEnd = bucketStart[vertex.u + 1]
            while lo < bucketEnd && edges[lo].from.v < vertex.v { lo += 1 }
            var end = lo
            while end < bucketEnd && edges[end].from == vertex { end += 1 }
            return lo..<end
        }
        var loops: [(vertices: [Vertex], meets: Bool)] = []
        // Loops start at the start vertices in order: deterministic.
        var group = 0..<0
        while group.upperBound < edges.count {
            let s = edges[group.upperBound].from
            group = starting(at: s)
            while let firstEdge = group.first(where: { !used[$0] }) {
                used[firstEdge] = true
                var loop = [s], meets = group.count > 1
                var previous = s, at = edges[firstEdge].to
                while at != s {
                    loop.append(at)
                    let leaving = starting(at: at)
                    guard var chosen = leaving.first(where: { !used[$0] }) else { break }
                    if leaving.count > 1 {
                        meets = true
                        let options = leaving.filter { !used[$0] }
                        if options.count > 1 {
                            // The first unused segment to the vertex of the sharpest left turn.
                            let to = leftmost(from: previous, at: at, options: options.map { edges[$0].to }, n: n, periodic: periodic)
                            chosen = options.first { edges[$0].to == to }!
                        }
                    }
                    used[chosen] = true
                    previous = at
                    at = edges[chosen].to
                }
                loops.append((loop, meets))
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
        // A segment across a column goes round the site (whatever its ends' distances, which
        // differ where cells are joined); one along a boundary goes out or in.
        func dv(_ a: Vertex, _ b: Vertex) -> Double { du(a, b) != 0 || b.v == a.v ? 0 : (b.v < a.v ? -1 : 1) }
        let inU = du(from, at), inV = dv(from, at)
        return options.max { a, b in
            func turn(_ o: Vertex) -> Double {
                let ou = du(at, o), ov = dv(at, o)
                return inU * ov - inV * ou  // > 0 left, 0 straight, < 0 right
            }
            return turn(a) < turn(b)
        }!
    }

    /// Whether every cell of `inner` lies in a cell of `outer` of its column: its ends on both of
    /// the column's boundaries within that cell's (a cell is convex).
    static func holds(_ outer: Cells, _ inner: Cells) -> Bool {
        zip(outer.ends, inner.ends).allSatisfy { o, i in
            i.allSatisfy { c in o.contains { d in d.0 <= c.0 && c.1 <= d.1 && d.2 <= c.2 && c.3 <= d.3 } }
        }
    }

    /// A fingerprint of the columns' stretches.
    static func print(_ columns: [[(Double, Double)]]) -> Fingerprint {
        var f = Fingerprint()
        f.add(columns.count)
        for column in columns {
            f.add(column.count)
            for (a, b) in column { f.add(a); f.add(b) }
        }
        return f
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
    /// `meets[i]` false says loop i passes no vertex twice (`traced`).
    static func polygons(_ loops: [[Vertex]], meets: [Bool], point: (Int, Double) -> Coordinate) -> [[[Coordinate]]] {
        var rings: [[Coordinate]] = []
        for (i, loop) in loops.enumerated() {
            var mapped: [Coordinate] = []
            mapped.reserveCapacity(loop.count)
            var atSite = 0
            for vertex in loop {
                let c = point(vertex.u, vertex.v)
                if vertex.v <= 0 { atSite += 1 }
                if mapped.last != c { mapped.append(c) }
            }
            while mapped.count > 1 && mapped.first == mapped.last { mapped.removeLast() }
            // Every vertex at distance 0 is the site: a loop through it twice touches itself too.
            if !meets[i] && atSite <= 1 {
                if mapped.count >= 3 { rings.append(mapped) }
            } else {
                rings.append(contentsOf: splitAtRepeats(mapped))
            }
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
