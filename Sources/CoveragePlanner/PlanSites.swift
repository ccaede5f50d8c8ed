import Coverage
import Foundation
import Geo

/// Greedy maximal covering: among candidate points, take the site that brings the most households
/// to covered status (then the most villages, then the most gap area), subtract its footprint from
/// the gaps, and repeat. A proposed site's footprint is built as the analysis builds a sector's, from
/// its position rounded to the 6 decimals sites.csv gets, so adding the row reproduces the coverage.
struct SitePlanner {
    let input: AnalysisInput
    let result: AnalysisResult
    let options: PlanOptions

    /// What one candidate would bring, in the order that ranks candidates.
    struct Score: Comparable {
        var households = 0.0
        var villages = 0
        var areaM2 = 0.0

        static func < (a: Score, b: Score) -> Bool {
            (a.households, a.villages, a.areaM2) < (b.households, b.villages, b.areaM2)
        }
    }

    /// One connected piece of what remains uncovered of a village, in the working CRS.
    struct Piece {
        let geometry: Geometry
        let area: Double
        let vertices: [Coordinate]
        let bounds: Bounds

        init(_ g: Geometry) throws {
            geometry = g
            area = try g.area()
            var vs: [Coordinate] = []
            try g.shape().forEachCoordinate { vs.append($0) }
            vertices = vs
            bounds = try g.bounds ?? Bounds(minX: 0, minY: 0, maxX: 0, maxY: 0)
        }
    }

    /// A village not fully covered: what remains of it, and its covered share as the analysis
    /// found it.
    ///
    /// The pieces went through lon/lat and back, so their first total is the analysis's uncovered
    /// area only to within rounding: the covered share is measured against that first total, and
    /// a village no site reaches keeps the analysis's share exactly.
    struct Target {
        let index: Int
        let startFraction: Double
        let startRemaining: Double
        var pieces: [Piece]

        init(index: Int, fraction: Double, pieces: [Piece]) {
            self.index = index
            self.startFraction = fraction
            self.pieces = pieces
            self.startRemaining = Self.area(of: pieces)
        }

        static func area(of pieces: [Piece]) -> Double { pieces.reduce(0) { $0 + $1.area } }
        var remainingArea: Double { Self.area(of: pieces) }
        var fraction: Double { fraction(remaining: remainingArea) }

        /// The covered share once `remaining` of the first total is left.
        func fraction(remaining: Double) -> Double {
            if remaining <= 0 { return 1 }
            return max(0, min(1, startFraction + (1 - startFraction) * (1 - remaining / startRemaining)))
        }
    }

    struct Candidate {
        let location: Coordinate
        let footprint: ProjectedFootprint
        let geometry: Geometry
    }

    struct Evaluation {
        var score: Score
        /// Targets (positions in the target list) the footprint reaches.
        var reached: [Int]
    }

    func run() throws -> (sites: [ProposedSite], candidates: Int) {
        let parameters = result.parameters
        guard options.newSites > 0 else { return ([], 0) }
        var targets = try remainders()
        if targets.isEmpty { return ([], 0) }
        let jobs = max(1, parameters.jobs ?? defaultJobs)

        let locations = try options.candidates.map { $0.map(rounded) } ?? generatedCandidates(targets)
        let candidates = try parallelMap(locations.count, jobs: jobs, chunk: 16) { try candidate(at: locations[$0]) }
        let index = BoundsIndex(targets.map { t in t.pieces.dropFirst().reduce(t.pieces[0].bounds) { $0.union($1.bounds) } })

        var evaluations = try parallelMap(candidates.count, jobs: jobs, chunk: 8) { try evaluate(candidates[$0], targets, index) }
        var chosen: [ProposedSite] = []
        var taken = Set<Int>()
        while chosen.count < options.newSites {
            var best: Int?
            for k in evaluations.indices where !taken.contains(k) {
                if best == nil || evaluations[best!].score < evaluations[k].score { best = k }
            }
            // A site that covers no village and less than a reportable gap is not worth proposing.
            guard let b = best, evaluations[b].score.villages > 0 || evaluations[b].score.areaM2 >= max(parameters.minGapArea, 1) else { break }
            taken.insert(b)
            let site = try apply(candidates[b], reached: evaluations[b].reached, number: chosen.count + 1, to: &targets)
            chosen.append(site)
            // Only candidates whose footprint reaches a changed village can score differently now.
            let changed = Set(evaluations[b].reached)
            let stale = evaluations.indices.filter { !taken.contains($0) && evaluations[$0].reached.contains(where: changed.contains) }
            let fresh = try parallelMap(stale.count, jobs: jobs, chunk: 8) { try evaluate(candidates[stale[$0]], targets, index) }
            for (k, e) in zip(stale, fresh) { evaluations[k] = e }
        }
        return (chosen, candidates.count)
    }

    /// Every village short of full coverage, with all of its uncovered pieces however small (the
    /// analysis re-run on those villages alone, with no minimum gap area).
    func remainders() throws -> [Target] {
        let short = result.villages.indices.filter { result.villages[$0].fraction(.mobile) < 1 && result.villages[$0].areaM2 > 0 }
        if short.isEmpty { return [] }
        var p = result.parameters
        p.crs = result.crs
        p.minGapArea = 0
        let exact = try CoverageAnalysis(input: AnalysisInput(villages: short.map { input.villages[$0] }, sectors: input.sectors),
                                         parameters: p).run()
        let proj = try Projection.cached(from: "EPSG:4326", to: result.crs)
        var out: [Target] = []
        for (k, i) in short.enumerated() {
            // A gap is valid where it was made, but its corners went through lon/lat and back:
            // two that nearly touch can cross, and such a piece is repaired before any overlay.
            let pieces = try exact.villages[k].gaps.flatMap { gap -> [Geometry] in
                let g = try Geometry(try proj.transform(gap.shape))
                return try g.isValid ? [g] : try g.makeValid().polygons()
            }.map(Piece.init).filter { $0.area > 0 }
            if !pieces.isEmpty { out.append(Target(index: i, fraction: result.villages[i].fraction(.mobile), pieces: pieces)) }
        }
        return out
    }

    /// A point on the surface of every gap piece at least the minimum gap area large (or the largest
    /// piece of a village short of covered status), plus a grid over it; lon/lat, rounded, without repeats.
    func generatedCandidates(_ targets: [Target]) throws -> [Coordinate] {
        let parameters = result.parameters
        let spacing = options.radius(parameters) * options.gridSpacingShare
        let proj = try Projection.cached(from: "EPSG:4326", to: result.crs)
        var xy: [Coordinate] = []
        for t in targets {
            var pieces = t.pieces.filter { $0.area >= parameters.minGapArea }
            if pieces.isEmpty, parameters.mobileStatus(t.fraction) != .covered, let largest = t.pieces.max(by: { $0.area < $1.area }) {
                pieces = [largest]
            }
            for piece in pieces {
                xy.append(try piece.geometry.pointOnSurface().pointCoordinate())
                let prepared = try PreparedGeometry(piece.geometry)
                let b = piece.bounds
                var y = (b.minY / spacing).rounded(.down) * spacing + spacing / 2
                while y <= b.maxY {
                    var x = (b.minX / spacing).rounded(.down) * spacing + spacing / 2
                    while x <= b.maxX {
                        if x >= b.minX, y >= b.minY, try prepared.contains(try Geometry.point(Coordinate(x, y))) {
                            xy.append(Coordinate(x, y))
                        }
                        x += spacing
                    }
                    y += spacing
                }
            }
        }
        var seen = Set<Coordinate>()
        return try proj.transformed(xy, inverse: true).map(rounded).filter { seen.insert($0).inserted }
    }

    /// Lon/lat to the 6 decimals written in sites.csv.
    func rounded(_ c: Coordinate) -> Coordinate {
        Coordinate((c.x * 1e6).rounded() / 1e6, (c.y * 1e6).rounded() / 1e6)
    }

    func sector(at location: Coordinate, number: Int) -> Sector {
        // Under a propagation model the link budget sets the reach; --radius, when given, caps it.
        Sector(siteID: String(format: "NEW-%02d", number), operator: options.operatorName, tech: options.tech,
               location: location, radius: result.parameters.radio.mode == .fixed ? options.radius(result.parameters) : options.radius)
    }

    func candidate(at location: Coordinate) throws -> Candidate {
        let footprint = try ProjectedFootprint.of(sector(at: location, number: 0), parameters: result.parameters, crs: result.crs).projected
        let geometry = try footprint.geometry()
        _ = try geometry.bounds  // cached before the geometry is read from other threads
        return Candidate(location: location, footprint: footprint, geometry: geometry)
    }

    /// The area of `piece` inside `footprint`.
    func coveredArea(_ piece: Piece, by c: Candidate) throws -> Double {
        guard piece.bounds.intersects(c.footprint.bounds) else { return 0 }
        if c.footprint.holdsAll(piece.vertices) { return piece.area }
        return try piece.geometry.intersection(c.geometry).area()
    }

    func evaluate(_ c: Candidate, _ targets: [Target], _ index: BoundsIndex) throws -> Evaluation {
        var score = Score()
        var reached: [Int] = []
        let parameters = result.parameters
        for t in index.query(c.footprint.bounds) {
            let target = targets[t]
            var gained = 0.0
            for piece in target.pieces { gained += try coveredArea(piece, by: c) }
            guard gained > 0 else { continue }
            reached.append(t)
            score.areaM2 += gained
            let after = target.fraction(remaining: target.remainingArea - gained)
            if parameters.mobileStatus(target.fraction) != .covered && parameters.mobileStatus(after) == .covered {
                score.villages += 1
                score.households += input.villages[target.index].households ?? 0
            }
        }
        return Evaluation(score: score, reached: reached)
    }

    /// Adds the site: subtracts its footprint from the villages it reaches and records what changed.
    func apply(_ c: Candidate, reached: [Int], number: Int, to targets: inout [Target]) throws -> ProposedSite {
        let parameters = result.parameters
        var gains: [VillageGain] = []
        var area = 0.0
        for t in reached {
            let before = targets[t].fraction
            let remainingBefore = targets[t].remainingArea
            targets[t].pieces = try targets[t].pieces.flatMap { piece -> [Piece] in
                guard piece.bounds.intersects(c.footprint.bounds) else { return [piece] }
                if c.footprint.holdsAll(piece.vertices) { return [] }
                return try piece.geometry.difference(c.geometry).polygons().map(Piece.init).filter { $0.area > 0 }
            }
            area += remainingBefore - targets[t].remainingArea
            let after = targets[t].fraction
            gains.append(VillageGain(index: targets[t].index, before: before, after: after,
                                     statusBefore: parameters.mobileStatus(before), statusAfter: parameters.mobileStatus(after)))
        }
        gains.sort { $0.index < $1.index }
        let covered = gains.filter(\.newlyCovered)
        let s = sector(at: c.location, number: number)
        let drawn = try ProjectedFootprint.of(s, parameters: parameters, crs: result.crs)
        return ProposedSite(sector: s, radius: drawn.reach,
                            footprint: drawn.lonLat,
                            villages: gains,
                            householdsCovered: covered.reduce(0) { $0 + (input.villages[$1.index].households ?? 0) },
                            villagesCovered: covered.count, areaCoveredM2: area)
    }
}
