import Foundation
import Geo
import GeoIO

/// What the analysis found for one village.
public struct VillageCoverage: Sendable {
    /// Planar area in the working CRS.
    public var areaM2: Double
    /// Covered fraction per class, in `CoverageClass.allCases` order.
    public var fractions: [Double]
    /// Mobile (any tech) fraction per operator, in `AnalysisResult.operators` order.
    public var operatorFractions: [Double]
    public var mobileStatus: MobileStatus
    /// Mobile gap polygons at least `minGapArea` large, lon/lat, with their areas in m².
    public var gaps: [(shape: Shape, areaM2: Double)]
    /// Fixed broadband access; nil without a fibre layer.
    public var fixed: FixedAccess?
    /// The village centre, lon/lat (given, or the point-on-surface of its polygon).
    public var centre: Coordinate
    /// The polygon as analysed when it had to be repaired, lon/lat; nil when the input was valid.
    public var repairedShape: Shape?
    /// For a village not covered under a propagation model: the best link to its centre.
    public var bestLink: BestLink? = nil

    public func fraction(_ c: CoverageClass) -> Double { fractions[CoverageClass.allCases.firstIndex(of: c)!] }

    /// No result: the place of one not made yet.
    static let notMade = VillageCoverage(areaM2: 0, fractions: [], operatorFractions: [], mobileStatus: .uncovered, gaps: [],
                                      fixed: nil, centre: Coordinate(0, 0), repairedShape: nil)
}

/// The distance from a village centre to the fibre network, and the extension that would close it.
public struct FixedAccess: Sendable {
    public var status: FixedStatus
    public var distanceM: Double
    /// The nearest point of the network, lon/lat: where an extension starts.
    public var nearest: Coordinate
}

/// 5G at a priority place.
public struct PlaceCoverage: Sendable {
    public var has5G: Bool
    /// The 5G-covered share of a polygon place; nil for a point.
    public var coverage5G: Double?
}

/// Wall time of each stage, in seconds (for `--timings`; never written into reports).
public struct StageTimings: Sendable {
    public var footprints = 0.0, index = 0.0, overlay = 0.0, fibre = 0.0, places = 0.0
    /// Terrain samples the radio model evaluated (0 without a DEM).
    public var terrainSamples = 0
}

public struct AnalysisResult: Sendable {
    public var parameters: AnalysisParameters
    /// The working CRS actually used ("EPSG:32649").
    public var crs: String
    /// Operators found in the sites, sorted.
    public var operators: [String]
    public var villages: [VillageCoverage]
    public var places: [PlaceCoverage]
    /// Repairs and other things the user should know, one line each, in input order.
    public var warnings: [String]
    public var timings: StageTimings
    /// Every CRS used when villages were measured zone by zone (see `WorkingZones`); empty when
    /// `crs` measured everything.
    public var crsZones: [String] = []
}

/// The overlay of sector footprints and fibre on villages (docs/model.md §3).
///
/// The footprints are built once (in parallel) and indexed in a packed R-tree over their boxes;
/// each village then takes its candidates from the index, settles every class and operator that
/// one convex footprint holds whole, and measures all the others in one sweep over the village's
/// and the candidates' edges (`LayeredCoverage`). Only the mobile gap polygons come from GEOS overlays. Villages are spread
/// over worker threads, each with its own GEOS and PROJ contexts; results come back in input order.
public struct CoverageAnalysis {
    public let input: AnalysisInput
    public let parameters: AnalysisParameters
    /// Each village's lon/lat box, found once for the working CRS, the zones and `--since`'s candidates.
    public let villageBoxes: [Bounds?]
    /// Which CRS measures which village and place.
    public let zones: WorkingZones
    /// The sectors' operators, each once, sorted (the analysis's and `--since`'s).
    public let operators: [String]
    private let defaultCRS: String

    public init(input: AnalysisInput, parameters: AnalysisParameters) {
        self.input = input
        self.parameters = parameters
        villageBoxes = WorkingZones.boxes(of: input.villages)
        let boxes = villageBoxes
        defaultCRS = parameters.crs ?? Self.utmCRS(of: Bounds.union(of: boxes.count) { boxes[$0] })
        zones = WorkingZones(villageBoxes: boxes, places: input.places ?? [], crs: parameters.crs, defaultCRS: defaultCRS)
        operators = input.sectors.operatorNames
    }

    /// The working CRS: the one asked for, else the UTM zone of the centre of the villages' extent.
    public func workingCRS() -> String { defaultCRS }

    /// The UTM zone of the centre of `extent` (of 0°, 0° when there is none).
    static func utmCRS(of extent: Bounds?) -> String {
        let c = extent?.center ?? Coordinate(0, 0)
        return "EPSG:\(Projection.utmEPSG(lon: c.x, lat: c.y))"
    }

    /// The overlay; `progress`, when given, sees the stages footprints, overlay, fibre and places
    /// (once per zone, named with the zone's CRS, when villages are measured zone by zone).
    ///
    /// With `reuse` (from `covgap analyze --since`), villages it holds a result for keep it and
    /// only the others are measured, with the sectors they may need.
    public func run(progress: StageProgress? = nil, reuse: ReusePlan? = nil) throws -> AnalysisResult {
        if let crs = parameters.crs { try WorkingZones.checkFits(input, crs: crs) }
        let jobs = max(1, parameters.jobs ?? defaultJobs)
        var timings = StageTimings()
        var clock = Date()
        func lap() -> Double { let now = Date(); defer { clock = now }; return now.timeIntervalSince(clock) }

        let sectors = input.sectors
        let villages = input.villages
        let places = input.places ?? []
        // Each sector's operator read in place; a sector mostly has the operator of the one before it.
        var lastOperator: (name: String, index: Int)?
        let operatorOfSector = sectors.indices.map { i -> Int in
            let name = sectors[i].operator
            if let last = lastOperator, last.name == name { return last.index }
            let index = operators.firstIndex(of: name)!
            lastOperator = (name, index)
            return index
        }
        // Zone by zone, each zone gets the footprints and fibre whose lon/lat boxes come near its villages.
        let perZone = zones.isPerVillage
        let flat = parameters.radio.mode == .fixed
        // Under a radio model every footprint a full run makes is made again: its warnings (validity,
        // no-data samples, sites off the DEM) count all of them.
        let usable = flat ? reuse?.sectorsNeeded : nil
        // Flat wedges are made in lon/lat once, for the zones they come near and for the overlay; a
        // radio model's footprint comes near the zones its reach's disc does (`ReachIndex`).
        var lonLatRings = [[Coordinate]](repeating: [], count: perZone && flat ? sectors.count : 0)
        // The sectors whose wedges are made in lon/lat, by antenna: each zone's groups are these,
        // restricted to the sectors near it, instead of being found again by hashing.
        var wedgeGroups: (ids: [Int], groups: [[Int]])?
        if perZone && flat {
            let ids = sectors.indices.filter { usable?[$0] ?? true }
            let groups = Self.antennaGroups(ids.map { sectors[$0] })
            let made = try parallelMap(groups.count, jobs: jobs, chunk: 64) { g in
                Footprint.rings(of: groups[g].map { sectors[ids[$0]] }, radii: groups[g].map { parameters.radius(for: sectors[ids[$0]]) },
                                arcStep: parameters.arcStep)
            }
            for (g, rings) in made.enumerated() { for (k, ring) in zip(groups[g], rings) { lonLatRings[ids[k]] = ring } }
            wedgeGroups = (ids, groups)
        }
        // Their boxes, found once for all the zones.
        let lonLatBoxes = concurrentMap(lonLatRings.count, chunk: 1024) { Bounds(of: lonLatRings[$0]) }
        var modelWarnings: [String] = []
        // A model footprint is made once in lon/lat, whichever zones it comes near, and projected per zone.
        var modelMade = [RadioFootprint?](repeating: nil, count: flat ? 0 : sectors.count)
        let reachIndex = flat ? nil : ReachIndex(sectors: sectors, parameters: parameters)
        // Made when a zone first has villages whose fibre is measured (none, in most `--since` runs).
        let fibreBoxes = Once { () -> [Bounds?] in
            guard perZone, let fibre = input.fibre else { return [] }
            return concurrentMap(fibre.count, chunk: 1024) { fibre[$0].shape.bounds }
        }
        timings.footprints = lap()

        // Each village's result, reused or made below (`present` says which are there): the array
        // becomes the result's as it is, without a copy of 100,000 results to unwrap.
        var present = [Bool](repeating: false, count: villages.count)
        var coverage = [VillageCoverage](repeating: .notMade, count: villages.count)
        if let reuse {
            for (i, kept) in reuse.reused.enumerated() {
                guard let kept else { continue }
                coverage[i] = kept.coverage
                present[i] = true
                if !reuse.fixedReused { coverage[i].fixed = nil }  // measured again below
            }
        }
        var villageWarnings = reuse?.reused.map { $0?.warnings ?? [] } ?? [[String]](repeating: [], count: villages.count)
        var placeCoverage = [PlaceCoverage?](repeating: nil, count: places.count)
        // Every fibre vertex, indexed once for the zones that look beyond their own fibre.
        // Made when a village first needs it (a `--since` run measures a handful of villages).
        let farFibreIndex = Once { FarFibreIndex(input.fibre ?? []) }
        // The sectors each zone takes; and per flat wedge the last zone that takes it, where its
        // lon/lat ring is projected in place instead of copied (a national run's rings are
        // hundreds of megabytes of fresh memory otherwise).
        let nearZones = zones.groups.map { zone in
            perZone ? sectors.indices.filter { i in
                (flat ? lonLatBoxes[i] : reachIndex!.reachBoxes[i]).map { WorkingZones.near($0, zone, margin: 0) } ?? false
            } : usable.map { u in sectors.indices.filter { u[$0] } } ?? Array(sectors.indices)
        }
        let lastZone: [Int] = {
            var last = [Int](repeating: -1, count: lonLatRings.count)
            if !last.isEmpty { for (z, near) in nearZones.enumerated() { for i in near { last[i] = z } } }
            return last
        }()
        for (z, zone) in zones.groups.enumerated() {
            func stage(_ name: String) -> String { zones.groups.count > 1 ? "\(name) \(zone.crs)" : name }
            let crs = zone.crs
            let nearZone = nearZones[z]
            clock = Date()
            // Footprints, projected to the zone's CRS. One that the projection cannot reach is an
            // error when it comes near the zone's villages, and left out when it is far from all.
            // The sectors (by input index) whose footprints the zone takes, and those footprints.
            let chosen: [Int], footprints: [ProjectedFootprint]
            if flat {
                // Sectors of one antenna position and direction share their arcs' geodesics.
                let groups = wedgeGroups.flatMap { Self.restricted($0.groups, of: $0.ids, to: nearZone, count: sectors.count) }
                    ?? Self.antennaGroups(nearZone.map { sectors[$0] })
                // Counted in sectors, as the other footprint stage is.
                progress?.start(stage("footprints"), total: nearZone.count)
                let made = try lonLatRings.withUnsafeMutableBufferPointer { kept in
                    try parallelMap(groups.count, jobs: jobs, chunk: 64, progress: progress, units: { groups[$0].count }) { g -> [Result<ProjectedFootprint?, Error>] in
                        let members = groups[g].map { sectors[nearZone[$0]] }, radii = members.map(parameters.radius(for:))
                        if !perZone {
                            let rings = Footprint.rings(of: members, radii: radii, arcStep: parameters.arcStep)
                            return zip(members, zip(rings, radii)).map { s, ringAndRadius in
                                let (ring, radius) = ringAndRadius
                                return Self.projected(s, radius: radius, zone: zone, box: { Bounds(of: ring) }) {
                                    try Projection.cached(from: "EPSG:4326", to: crs).transformed(ring)
                                }
                            }
                        }
                        // Each sector is in one group of the zone: its place in `kept` is this thread's.
                        return zip(groups[g], zip(members, radii)).map { k, sectorAndRadius in
                            let (s, radius) = sectorAndRadius, i = nearZone[k]
                            return Self.projected(s, radius: radius, zone: zone, box: { lonLatBoxes[i] }) {
                                // The last zone takes the ring out, so it is projected where it lies;
                                // an earlier zone's transform copies it first.
                                var ring = kept[i]
                                if lastZone[i] == z { kept[i] = [] }
                                try Projection.cached(from: "EPSG:4326", to: crs).transform(&ring)
                                return ring
                            }
                        }
                    }
                }
                // Where each sector's result is; the sector named in an error is the first in the
                // file that fails, as one by one. The footprints are taken out once, on all cores.
                let at = positions(of: groups, count: nearZone.count).map { $0! }
                var kept: [Int] = []
                for k in nearZone.indices {
                    switch made[Int(at[k].group)][Int(at[k].member)] {
                    case .success(.some): kept.append(k)
                    case .success(.none): continue
                    case .failure(let e): throw input.sectorError(nearZone[k], field: "lat, lon", e)
                    }
                }
                chosen = kept.map { nearZone[$0] }
                footprints = concurrentMap(kept.count, chunk: 1024) { n in
                    let (g, k) = at[kept[n]]
                    guard case .success(let f?) = made[Int(g)][Int(k)] else { preconditionFailure("kept a footprint that was not made") }
                    return f
                }
            } else {
                progress?.start(stage("footprints"), total: nearZone.count)
                let missing = nearZone.filter { modelMade[$0] == nil }
                for (i, f) in zip(missing, try ProjectedFootprint.modelLonLat(missing.map { sectors[$0] }, parameters: parameters, jobs: jobs)) {
                    modelMade[i] = f
                }
                // The sectors of one antenna direction share their corners: projected once.
                let groups = Coverage.groups(of: nearZone.indices) { modelMade[nearZone[$0]]!.cornerKey }
                let made = try parallelMap(groups.count, jobs: jobs, chunk: 4) { g in
                    try ProjectedFootprint.projecting(groups[g].map { modelMade[nearZone[$0]]! }, of: groups[g].map { sectors[nearZone[$0]] }, to: crs)
                }
                let projected = scattered(made, of: groups, count: nearZone.count)
                chosen = nearZone.indices.filter { projected[$0] != nil }.map { nearZone[$0] }
                footprints = projected.compactMap { $0 }
            }
            timings.footprints += lap()
            progress?.finish()

            let index = BoundsIndex(footprints.map(\.bounds))
            let members = reuse.map { r in zone.villages.filter { r.reused[$0] == nil } } ?? zone.villages
            let fibreMembers = reuse.map { r in r.fixedReused ? members.filter { r.fixedKept[$0] == nil } : zone.villages } ?? zone.villages
            let fibreChosen = fibreMembers.isEmpty ? nil : input.fibre.map { features in
                let boxes = fibreBoxes.value
                return perZone ? features.indices.filter { i in
                    boxes[i].map { WorkingZones.near($0, zone, margin: WorkingZones.fibreSearchRadius) } ?? false
                } : Array(features.indices)
            }
            var fibreLeftOut = false
            let fibreProjected = try fibreChosen.map { chosenFibre in
                // Projected on all cores; one that cannot be is left out when it lies far from the
                // zone, else the first such (in input order) fails the run.
                let projected = concurrentMap(chosenFibre.count, jobs: jobs, chunk: 256) { n in
                    Result { () throws -> (Shape, Geometry) in
                        let shape = try Projection.cached(from: "EPSG:4326", to: crs).transform(input.fibre![chosenFibre[n]].shape)
                        return (shape, try Geometry(shape))
                    }
                }
                return try zip(chosenFibre, projected).compactMap { i, made -> (Shape, Geometry)? in
                    switch made {
                    case .success(let g): return g
                    case .failure(let error):
                        let far = input.fibre![i].shape.bounds.map { !WorkingZones.near($0, zone, margin: WorkingZones.fibreSearchRadius) } ?? true
                        guard far else { throw input.fibreError(i, field: "geometry", error) }
                        fibreLeftOut = true
                        return nil
                    }
                }
            }
            let measuredByZone = perZone || fibreLeftOut
            // The nearest fibre feature to each centre is found on a grid (its distance is GEOS's),
            // then measured by GEOS.
            let fibreGeometries = fibreProjected?.map(\.1)
            let fibreIndex = fibreProjected.map { NearestGrid($0.map(\.0)) }
            timings.index += lap()

            let overlaySectors = chosen.map { sectors[$0] }, overlayOperators = chosen.map { operatorOfSector[$0] }
            let overlay = VillageOverlay(sectors: overlaySectors, footprints: footprints, index: index,
                                         operatorOf: overlayOperators, operatorCount: operators.count,
                                         parameters: parameters, crs: crs,
                                         layersOf: VillageOverlay.layerLists(sectors: overlaySectors, operatorOf: overlayOperators))
            progress?.start(stage("overlay"), total: members.count)
            let perVillage = try parallelMap(members.count, jobs: jobs, chunk: 16, progress: progress) { k in
                do { return try overlay.run(villages[members[k]], number: members[k]) } catch {
                    throw input.villageError(members[k], field: "geometry", error)
                }
            }
            for (k, outcome) in perVillage.enumerated() {
                coverage[members[k]] = outcome.coverage
                present[members[k]] = true
                if let kept = reuse?.fixedKept[members[k]] { coverage[members[k]].fixed = kept }
                villageWarnings[members[k]] = outcome.warnings
            }
            timings.overlay += lap()
            progress?.finish()

            if let fibreIndex, let fibreGeometries {
                let reach = parameters.fibreReach
                let centres = fibreMembers.map { coverage[$0].centre }
                progress?.start(stage("fibre"), total: fibreMembers.count)
                defer { progress?.finish() }
                let access = try parallelMap(fibreMembers.count, jobs: jobs, chunk: 64, progress: progress) { k -> FixedAccess? in
                    let p = try Projection.cached(from: "EPSG:4326", to: crs)
                    let xy = try p.transform(centres[k])
                    if let n = fibreIndex.nearest(to: xy)?.feature {
                        let centre = try Geometry.point(xy)
                        let d = try fibreGeometries[n].distance(to: centre)
                        if !measuredByZone || d <= WorkingZones.fibreSearchRadius {
                            let (onNetwork, _) = try fibreGeometries[n].nearestPoints(to: centre)
                            return FixedAccess(status: d <= reach ? .available : .unavailable, distanceM: d,
                                               nearest: try p.transform(onNetwork, inverse: true))
                        }
                    }
                    // Beyond the zone's own fibre only when the zone's fibre is not all of it.
                    return measuredByZone ? farFibreIndex.value.nearest(to: centres[k], reach: reach) : nil
                }
                for (k, a) in access.enumerated() { coverage[fibreMembers[k]].fixed = a }
            }
            timings.fibre += lap()

            progress?.start(stage("places"), total: zone.places.count)
            for i in zone.places {
                defer { progress?.advance() }
                if let kept = reuse?.place(i) { placeCoverage[i] = kept; continue }
                do { placeCoverage[i] = try overlay.placeCoverage(places[i], number: i) } catch {
                    throw input.placeError(i, field: "geometry", error)
                }
            }
            timings.places += lap()
            progress?.finish()
        }
        precondition(!present.contains(false), "a village neither reused nor measured")
        if let reachIndex {
            // Why a village is dark: the best link to its centre, for every village not covered,
            // reused ones too (the side file keeps no links; the sectors are all in the index).
            clock = Date()
            let dark = coverage.indices.filter { coverage[$0].mobileStatus != .covered }
            let links = try parallelMap(dark.count, jobs: jobs, chunk: 16) { k in try reachIndex.best(to: coverage[dark[k]].centre) }
            for (i, link) in zip(dark, links) { coverage[i].bestLink = link }
            timings.overlay += lap()
        }
        if !flat {
            // What the model says of the footprints made, each sector once however many zones it served.
            let made = modelMade.indices.filter { modelMade[$0] != nil }
            modelWarnings = ProjectedFootprint.modelWarnings(made.map { sectors[$0] }, made.map { modelMade[$0]! }, parameters: parameters)
            timings.terrainSamples = made.reduce(0) { $0 + modelMade[$1]!.samples }
        }

        var warnings = modelWarnings + villageWarnings.flatMap { $0 }
        if sectors.isEmpty { warnings.append("the sites file has no sectors: every village is uncovered") }
        if let fibre = input.fibre, fibre.isEmpty {
            warnings.append("the fibre layer has no features: every village is without fixed broadband")
        }
        var result = AnalysisResult(parameters: parameters, crs: zones.primaryCRS, operators: operators,
                                    villages: coverage, places: placeCoverage.map { $0! },
                                    warnings: warnings, timings: timings)
        result.crsZones = zones.isPerVillage ? zones.groups.map(\.crs).sorted() : []
        return result
    }

    /// Positions of `sectors` grouped by antenna position and direction (`AntennaKey`), each group
    /// ascending, groups in the order of their first member.
    static func antennaGroups(_ sectors: [Sector]) -> [[Int]] {
        groups(of: sectors.indices) { AntennaKey(sectors[$0]) }
    }

    /// A wedge's footprint from its lon/lat ring projected by `project`; none when the projection
    /// fails for a ring whose lon/lat box (`box`, asked only then) is far from `zone`, the error
    /// when it is near.
    static func projected(_ s: Sector, radius: Double, zone: WorkingZones.Group,
                          box: () -> Bounds?, _ project: () throws -> [Coordinate]) -> Result<ProjectedFootprint?, Error> {
        do {
            return .success(ProjectedFootprint(s, ring: try project(), radius: radius))
        } catch {
            if let box = box(), !WorkingZones.near(box, zone, margin: 0) { return .success(nil) }
            return .failure(error)
        }
    }

    /// `groups` of positions in `ids` (sector numbers below `count`) as groups of positions in
    /// `subset` (sector numbers among `ids`, ascending): each group's members in `subset`, empty
    /// groups left out. The same groups as grouping `subset` itself, in the order of their first
    /// members in `ids`; which footprints share their arcs is all a group decides. Nil when a
    /// sector of `subset` is not in `ids`.
    static func restricted(_ groups: [[Int]], of ids: [Int], to subset: [Int], count: Int) -> [[Int]]? {
        var position = [Int32](repeating: -1, count: count)
        for (k, s) in subset.enumerated() { position[s] = Int32(k) }
        var out: [[Int]] = []
        out.reserveCapacity(groups.count)
        var found = 0
        for group in groups {
            var members: [Int] = []
            for i in group where position[ids[i]] >= 0 { members.append(Int(position[ids[i]])) }
            found += members.count
            if !members.isEmpty { out.append(members) }
        }
        return found == subset.count ? out : nil
    }

}

/// A sector footprint in the working CRS. It holds no GEOS geometry: most villages never need one,
/// and `geometry()` makes it when one does.
public struct ProjectedFootprint: Sendable {
    /// A closed ring in the working CRS, with its orientation and bounds: a flat wedge's own ring,
    /// a model footprint's convex hull (which holds its polygons and has their bounds).
    let window: ConvexWindow
    /// True for omnidirectional circles and sectors no wider than 180°: convex polygons.
    let convex: Bool
    /// Whether `window` is convex and holds the footprint: a convex wedge, or a model footprint
    /// with an outline that spans some area.
    let separable: Bool
    /// A convex polygon a model footprint holds (when it has one).
    let inner: ConvexWindow?
    let radius: Double
    /// Footprints with the same antenna key and a smaller radius lie inside this one (flat wedges only).
    let antenna: AntennaKey
    /// The polygons of a propagation-model footprint (outer rings and holes); nil for a flat wedge.
    let parts: [[[Coordinate]]]?
    /// A model footprint's cells and the cells of the footprints of its antenna that hold it
    /// (`RadioFootprint.cells`, `.heldBy`); nil and empty for a flat wedge.
    let cells: Fingerprint?
    let heldBy: [Fingerprint]
    /// Whether `parts` need GEOS's repair, found the first time `geometry()` is asked for (shared
    /// by the copies of this footprint, in every thread); nil for a flat wedge, which has no
    /// parts (a national run makes 351,774 wedges, and a lock is three allocations).
    private let needsRepair: Locked<Bool?>?

    /// The footprint of `sector` from its ring in the working CRS.
    public init(_ sector: Sector, ring: [Coordinate], radius: Double) {
        window = ConvexWindow(ring: ring)
        convex = sector.isOmnidirectional || sector.beamwidth <= 180
        separable = convex
        self.radius = radius
        antenna = AntennaKey(sector)
        inner = nil
        parts = nil
        cells = nil
        heldBy = []
        needsRepair = nil
    }

    /// A propagation-model footprint: polygons in the working CRS, never treated as convex or
    /// nested by radius; held by the footprints of the same antenna that `footprint.heldBy` names.
    /// `inner`, a closed ring the polygons hold, decides which polygons it holds when it is convex;
    /// the convex hull of the outer rings decides which it misses.
    public init(_ sector: Sector, polygons: [[[Coordinate]]], inner: [Coordinate]?, of footprint: RadioFootprint) {
        let outer = polygons.flatMap { $0[0] }
        let hull = ConvexWindow(hullOf: outer)
        // Without an area to span, the outer rings' vertices one after another give the bounds.
        window = hull ?? ConvexWindow(ring: outer)
        separable = hull != nil
        self.inner = inner.flatMap { ConvexWindow(checking: $0) }
        convex = false
        radius = footprint.reach
        antenna = AntennaKey(sector)
        parts = polygons
        cells = footprint.cells
        heldBy = footprint.heldBy
        needsRepair = Locked(nil)
    }

    /// This footprint as a key among those of every antenna; nil for a flat wedge.
    var modelCells: ModelCells? { cells.map { ModelCells(antenna: antenna, cells: $0) } }

    /// Whether a footprint of this one's antenna among `footprints` holds it.
    func isHeld(byAnyOf footprints: Set<ModelCells>) -> Bool {
        heldBy.contains { footprints.contains(ModelCells(antenna: antenna, cells: $0)) }
    }

    /// A flat wedge's ring (a model footprint's polygons are `parts`).
    var ring: [Coordinate] { window.ring }
    /// The rings the sweep takes: the wedge, or every ring of every polygon.
    var rings: [[Coordinate]] { parts.map { $0.flatMap { $0 } } ?? [window.ring] }
    /// Whether footprints of the same antenna nest by radius.
    var nests: Bool { parts == nil }
    public var bounds: Bounds { window.bounds }

    /// The footprint as a GEOS polygon, made on each call (in the calling thread's context).
    public func geometry() throws -> Geometry {
        guard let parts, let needsRepair else { return try .polygon([ring]) }
        let g = try Geometry(.multiPolygon(parts))
        // Traced rings can touch themselves where two stretches meet at one interpolated point:
        // GEOS's overlays need a valid polygon, so such a footprint is repaired (its area is unchanged).
        let repair: Bool
        if let known = needsRepair.value { repair = known } else {
            repair = try !g.isValid
            needsRepair.update { $0 = repair }
        }
        return repair ? try g.madeValidMultiPolygon() : g
    }

    /// Whether every one of `points` lies inside or on this footprint, as told by the footprint
    /// itself when convex, else by the convex polygon it holds (false when it has none).
    public func holdsAll(_ points: [Coordinate]) -> Bool {
        convex ? window.holdsAll(points) : inner?.holdsAll(points) ?? false
    }

    /// `holdsAll(points)` for points that all lie within `box` (their bounds), found faster.
    func holdsAll(_ points: [Coordinate], within box: Bounds) -> Bool {
        convex ? window.holdsAll(points, within: box) : inner?.holdsAll(points, within: box) ?? false
    }

    /// Whether an edge of this footprint (when convex) or of its convex hull separates it from
    /// the polygon through `points`, which all lie within `box` (their bounds).
    func separates(_ points: [Coordinate], within box: Bounds) -> Bool { separable && window.separates(points, within: box) }

    /// Whether `holdsAll` and `separates` can say anything.
    var hasWindows: Bool { separable || inner != nil }
}

/// One antenna direction's model footprint, by its cells: equal keys are equal polygons.
struct ModelCells: Hashable, Sendable {
    let antenna: AntennaKey
    let cells: Fingerprint
}

/// A sector's position and direction: sectors that share it are nested discs or wedges.
public struct AntennaKey: Hashable, Sendable {
    let x: Double, y: Double, azimuth: Double, beamwidth: Double

    init(_ s: Sector) {
        x = s.location.x
        y = s.location.y
        azimuth = s.isOmnidirectional ? -1 : s.azimuth!
        beamwidth = s.isOmnidirectional ? 360 : s.beamwidth
    }
}

/// The per-village work, shared read-only by all worker threads.
public struct VillageOverlay: @unchecked Sendable {
    let sectors: [Sector]
    let footprints: [ProjectedFootprint]
    let index: BoundsIndex
    let operatorOf: [Int]
    let operatorCount: Int
    let parameters: AnalysisParameters
    let crs: String
    /// Per footprint, the layers it counts for (`layerLists`).
    let layersOf: [[Int]]

    /// Per sector, the layers its footprint counts for: the classes (in `CoverageClass.allCases`
    /// order) that include its tech, then its operator's layer after the classes.
    static func layerLists(sectors: [Sector], operatorOf: [Int]) -> [[Int]] {
        let classes = CoverageClass.allCases
        let byTech = Dictionary(uniqueKeysWithValues: Tech.allCases.map { t in (t, classes.indices.filter { classes[$0].includes(t) }) })
        return sectors.indices.map { f in byTech[sectors[f].tech]! + [classes.count + operatorOf[f]] }
    }

    struct Outcome {
        var coverage: VillageCoverage
        var warnings: [String]
    }

    func projection() throws -> Projection { try Projection.cached(from: "EPSG:4326", to: crs) }

    /// The village polygon in the working CRS, repaired when invalid.
    func polygon(of shape: Shape, label: String, warnings: inout [String]) throws -> (Geometry, repaired: Bool) {
        let projected = try projection().transform(shape)
        let g = try Geometry(projected)
        // Most villages are one simple ring, which needs no GEOS check.
        if RingProof.provesValid(projected) { return (g, false) }
        guard let (reason, location) = try g.invalidity() else { return (g, false) }
        let parts = try g.madeValidMultiPolygon()
        let result = try parts.memberCount == 1 ? try parts.member(0) : parts
        // GEOS names the place in the working CRS; the user's file is in lon/lat.
        let place = try location.map { c -> String in
            let lonLat = try projection().transform(c, inverse: true)
            return " at [\(fixed(lonLat.x, 6)), \(fixed(lonLat.y, 6))]"
        } ?? ""
        warnings.append("\(label): invalid polygon (\(reason)\(place)) repaired; its area is now \(formatArea(try result.area()))")
        return (result, true)
    }

    func run(_ village: Village, number: Int) throws -> Outcome {
        let label = "village \(number) (id \(village.id))"
        var warnings: [String] = []
        let (v, repaired) = try polygon(of: village.shape, label: label, warnings: &warnings)
        // Rings with no area in lon/lat (every vertex on one line) enclose nothing, even where
        // the projection bends that line into a sliver.
        let area = Self.enclosesNothing(village.shape) ? 0 : try v.area()
        let classes = CoverageClass.allCases
        var fractions = [Double](repeating: 0, count: classes.count)
        var opFractions = [Double](repeating: 0, count: operatorCount)
        var gaps: [(Shape, Double)] = []
        let p = try projection()

        let centre: Coordinate
        if let c = village.center {
            centre = c
        } else if case let surface = try v.pointOnSurface(), !(try surface.isEmpty) {
            centre = try p.transform(try surface.pointCoordinate(), inverse: true)
        } else {
            // A ring of one repeated point has no point on its surface: the point itself.
            var first: Coordinate?
            village.shape.forEachCoordinate { c in if first == nil { first = c } }
            centre = first ?? Coordinate(0, 0)
        }
        var coverage = VillageCoverage(areaM2: area, fractions: fractions, operatorFractions: opFractions,
                                       mobileStatus: .uncovered, gaps: [], fixed: nil, centre: centre,
                                       repairedShape: repaired ? try p.transform(try v.shape(), inverse: true) : nil)
        if area <= 0 {
            warnings.append("\(label): the polygon has no area; it counts as uncovered")
            return Outcome(coverage: coverage, warnings: warnings)
        }

        // The village's rings in the working CRS, copied out of GEOS once: the sweep takes them,
        // and the containment tests take their vertices.
        let rings = Self.polygonRings(try v.shape())
        let vertices = rings.flatMap { $0 }
        guard let villageBox = try v.bounds else { return Outcome(coverage: coverage, warnings: warnings) }
        // Candidates: footprints whose box meets the village's and that no edge of a convex
        // footprint separates from it. A convex footprint holding every vertex holds the village.
        var candidates: [Int] = []
        var full = Set<Int>()
        for f in index.query(villageBox) {
            if footprints[f].bounds.contains(villageBox) && footprints[f].holdsAll(vertices, within: villageBox) {
                full.insert(f)
                candidates.append(f)
            } else if !footprints[f].separates(vertices, within: villageBox) {
                candidates.append(f)
            }
        }

        // Layers: the classes in `CoverageClass.allCases` order, then the operators. A layer with
        // a footprint holding the village is covered whole; the others come from one sweep.
        let layerCount = classes.count + operatorCount
        let candidateLayers = candidates.map { layersOf[$0] }
        var present = [Bool](repeating: false, count: layerCount), whole = present
        for (f, ls) in zip(candidates, candidateLayers) {
            for l in ls {
                present[l] = true
                if full.contains(f) { whole[l] = true }
            }
        }
        var layerFraction = whole.map { $0 ? 1.0 : 0.0 }
        let swept = (0..<layerCount).filter { present[$0] && !whole[$0] }
        if !swept.isEmpty {
            let holders = Self.holders(of: candidates, in: footprints)
            // At most 64 layers per sweep (many operators take several).
            for start in stride(from: 0, to: swept.count, by: 64) {
                let group = Array(swept[start..<min(start + 64, swept.count)])
                var bit = [UInt64](repeating: 0, count: layerCount)
                for (k, l) in group.enumerated() { bit[l] = 1 << UInt64(k) }
                let masks = candidateLayers.map { ls in ls.reduce(UInt64(0)) { $0 | bit[$1] } }
                let kept = Self.needed(holders: holders, masks: masks)
                let covers = candidates.indices.compactMap { k -> LayeredCoverage.Cover? in
                    masks[k] == 0 || !kept[k] ? nil : LayeredCoverage.Cover(rings: footprints[candidates[k]].rings, layers: masks[k])
                }
                let (regionArea, covered) = LayeredCoverage.areas(region: rings, covers: covers, layerCount: group.count)
                for (k, l) in group.enumerated() where regionArea > 0 {
                    layerFraction[l] = max(0, min(1, covered[k] / regionArea))
                }
            }
        }
        fractions = Array(layerFraction[..<classes.count])
        opFractions = Array(layerFraction[classes.count...])

        // The mobile gap: what remains after subtracting the footprints one by one, biggest first
        // so that it empties early. Footprints that miss the remainder's box are skipped, and so is
        // one that a footprint of the same antenna direction already removed and that holds it (a
        // wedge of at least its radius, a model footprint whose cells hold its cells); a convex
        // footprint holding every vertex of the remainder ends it.
        func remainder(after chain: [Int]) throws -> Geometry {
            var rest = v, applied = [AntennaKey: Double](), appliedCells = Set<ModelCells>()
            var restVertices: [Coordinate]? = vertices  // the remainder's (the village's at first), until it changes
            for f in chain {
                guard let box = try rest.bounds else { break }  // nothing left
                let fp = footprints[f]
                if fp.nests, let r = applied[fp.antenna], r >= fp.radius { continue }
                if fp.isHeld(byAnyOf: appliedCells) { continue }
                guard fp.bounds.intersects(box) else { continue }
                // The containment tests need a convex footprint, or a model footprint's hull and
                // inner fan: the others go straight to GEOS.
                // `box` bounds the remainder's vertices: the tests look at its corners first.
                var points: [Coordinate] = []
                if fp.hasWindows {
                    if restVertices == nil { restVertices = try villageVertices(rest) }
                    points = restVertices!
                }
                if fp.bounds.contains(box), fp.holdsAll(points, within: box) {
                    rest = try Geometry.polygon([])
                    restVertices = nil
                } else if !fp.separates(points, within: box) {
                    rest = try rest.difference(try fp.geometry())
                    restVertices = nil
                }
                applied[fp.antenna] = max(applied[fp.antenna] ?? 0, fp.radius)
                if let cells = fp.modelCells { appliedCells.insert(cells) }
            }
            return rest
        }
        let mobile = fractions[classes.firstIndex(of: .mobile)!]
        // No gap polygon can reach the smallest reported size when the whole gap is smaller.
        if mobile < 1 && (1 - mobile) * area > parameters.minGapArea - 1 {
            // Every footprint counts for mobile: the chain is all the candidates, biggest first.
            let biggestFirst = candidates.sorted { (footprints[$0].radius, $1) > (footprints[$1].radius, $0) }
            let gap = candidates.isEmpty ? v : try remainder(after: biggestFirst)
            for part in try gap.polygons() {
                let a = try part.area()
                if a >= parameters.minGapArea && a > 0 {
                    gaps.append((try p.transform(try part.shape(), inverse: true), a))
                }
            }
        }
        coverage.fractions = fractions
        coverage.operatorFractions = opFractions
        coverage.mobileStatus = parameters.mobileStatus(mobile)
        coverage.gaps = gaps
        return Outcome(coverage: coverage, warnings: warnings)
    }

    /// For each of `candidates` (indices into `footprints`), the positions among them of the
    /// footprints of its antenna that hold it; of two equal footprints only the first holds the
    /// second. All empty for flat wedges.
    static func holders(of candidates: [Int], in footprints: [ProjectedFootprint]) -> [[Int]] {
        var byCells: [ModelCells: [Int]] = [:]
        for (k, f) in candidates.enumerated() { if let c = footprints[f].modelCells { byCells[c, default: []].append(k) } }
        if byCells.isEmpty { return Array(repeating: [], count: candidates.count) }
        return candidates.indices.map { k in
            let f = footprints[candidates[k]]
            return f.heldBy.flatMap { outer in
                (byCells[ModelCells(antenna: f.antenna, cells: outer)] ?? []).filter { j in j != k && (outer != f.cells || j < k) }
            }
        }
    }

    /// Which covers the sweep needs, given each one's `holders` and sweep layers `masks`: not one
    /// held by a cover that counts for all its layers.
    static func needed(holders: [[Int]], masks: [UInt64]) -> [Bool] {
        holders.indices.map { k in !holders[k].contains { j in masks[j] & masks[k] == masks[k] } }
    }

    /// Every ring of every polygon in `shape`.
    static func polygonRings(_ shape: Shape) -> [[Coordinate]] {
        switch shape {
        case .polygon(let rings): return rings
        case .multiPolygon(let polygons): return polygons.flatMap { $0 }
        case .geometryCollection(let members): return members.flatMap(polygonRings)
        default: return []
        }
    }

    static func enclosesNothing(_ shape: Shape) -> Bool {
        func flat(_ ring: [Coordinate]) -> Bool {
            guard let a = ring.first, let b = ring.first(where: { $0 != a }) else { return true }
            return ring.allSatisfy { c in (b.x - a.x) * (c.y - a.y) == (b.y - a.y) * (c.x - a.x) }
        }
        switch shape {
        case .polygon(let rings): return rings.allSatisfy(flat)
        case .multiPolygon(let polygons): return polygons.allSatisfy { $0.allSatisfy(flat) }
        default: return false
        }
    }

    /// The village's vertices in the working CRS, for the convex containment test.
    func villageVertices(_ v: Geometry) throws -> [Coordinate] {
        var out: [Coordinate] = []
        try v.shape().forEachCoordinate { out.append($0) }
        return out
    }

    func placeCoverage(_ place: PriorityPlace, number: Int) throws -> PlaceCoverage {
        let g = try Geometry(try projection().transform(place.shape))
        let fives = try g.bounds.map { index.query($0).filter { sectors[$0].tech == .g5 } } ?? []
        switch try g.type {
        case .point, .multiPoint:
            // A point is inside the union exactly when one footprint covers it; every member must be.
            let points = try g.type == .point ? [g] : try (0..<g.memberCount).map { try g.member($0) }
            let has5G = try !points.isEmpty && points.allSatisfy { pt in
                try fives.contains { try footprints[$0].geometry().covers(pt) }
            }
            return PlaceCoverage(has5G: has5G, coverage5G: nil)
        default:
            let area = try g.area()
            guard area > 0, !fives.isEmpty else { return PlaceCoverage(has5G: false, coverage5G: area > 0 ? 0 : nil) }
            let union = try Geometry.unaryUnion(fives.map { try footprints[$0].geometry() })
            let share = min(1, try g.intersection(union).area() / area)
            return PlaceCoverage(has5G: share >= parameters.placeCoveredMin, coverage5G: share)
        }
    }
}

/// "1.23 ha" or "350 m²".
public func formatArea(_ m2: Double) -> String {
    m2 >= 10_000 ? String(format: "%.2f ha", m2 / 10_000) : String(format: "%.0f m²", m2)
}
