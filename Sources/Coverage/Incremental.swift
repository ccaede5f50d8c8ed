import Foundation
import Geo

/// What an incremental run (`covgap analyze --since`) compares between two runs: a fingerprint of
/// each sector and village, and each village's candidate sectors (docs/incremental.md).
///
/// A village's candidates are the sectors whose lon/lat box, grown well beyond the footprint's
/// reach, meets the village's lon/lat box grown by a fifth of its size. That is a superset of the
/// footprints the overlay can ever take for the village in any planar working CRS near it (whose
/// boxes are turned by at most a few degrees against lon/lat), so a village whose polygon,
/// candidates (in input order), working CRS and parameters are unchanged has the same result.
public struct IncrementalIndex: Sendable {
    public var sectorPrints: [Fingerprint]
    public var geometryPrints: [Fingerprint]
    public var propertyPrints: [Fingerprint]
    /// Each village's candidate sectors, by input index, ascending.
    public var candidates: [[Int32]]
    /// The CRS each village is measured in.
    public var villageCRS: [String]
    /// The grouping of villages into working CRSs and their extents: fibre results depend on it.
    public var zonePrint: Fingerprint
    /// Operators found in the sites, sorted: the order of every village's operator shares.
    public var operators: [String]
    /// Each priority place's geometry fingerprint, candidate sectors (as a village's, by input
    /// index, ascending) and the CRS it is measured in.
    public var placePrints: [Fingerprint]
    public var placeCandidates: [[Int32]]
    public var placeCRS: [String]

    /// Per village and per place: the previous run's item (`previous`'s index) with the same
    /// geometry (the first such) and the same candidate sectors in the same order; -1 when none
    /// is. Nil without a previous run.
    var sameCandidates: (villages: [Int32], places: [Int32])?
    /// Per village: the previous run's village with the same geometry (the first such), whatever
    /// its candidates; -1 when none is. Nil without a previous run.
    var sameGeometry: [Int32]?

    /// The villages' boxes and zones are the analysis's; `geometryPrints`, when given, are the
    /// villages' geometry fingerprints already known (villages a previous run read from the same
    /// file, with the same centres).
    ///
    /// `previous` is a side file written with the same model parameters by this version: an item
    /// whose geometry it kept has the candidates it kept, less the sectors gone since and plus
    /// the sectors new since whose reach meets it (`SectorCarry`), so that only items with a new
    /// geometry are looked up among all the sectors.
    public init(analysis: CoverageAnalysis, jobs: Int, geometryPrints known: [Fingerprint]? = nil,
                previous: IncrementalState? = nil) {
        let input = analysis.input, parameters = analysis.parameters, boxes = analysis.villageBoxes
        let sectors = input.sectors, villages = input.villages
        let sectorPrints = concurrentMap(sectors.count, jobs: jobs, chunk: 1024) { Fingerprint.sector(sectors[$0]) }
        self.sectorPrints = sectorPrints
        let prints = concurrentMap(villages.count, jobs: jobs, chunk: 256) { i -> (Fingerprint, Fingerprint) in
            (known?[i] ?? Fingerprint.geometry(of: villages[i]), Fingerprint.properties(of: villages[i]))
        }
        geometryPrints = prints.map(\.0)
        propertyPrints = prints.map(\.1)
        let places = input.places ?? []
        placePrints = places.map { p in var f = Fingerprint(); f.add(p.shape); return f }
        let placeBoxes = places.map(\.shape.bounds)
        // Every sector's reach, indexed, made only if some item needs a lookup among all sectors.
        let reachIndex = Once {
            BoundsIndex(concurrentMap(sectors.count, jobs: jobs, chunk: 1024) { Self.reach(of: sectors[$0], parameters: parameters) })
        }
        func query(_ box: Bounds?, slack: Double) -> [Int32] { Self.candidates(of: box, in: reachIndex.value, slack: slack) }
        if let previous {
            let carry = SectorCarry(previous: previous.sectorPrints, now: sectorPrints) { Self.reach(of: sectors[$0], parameters: parameters) }
            /// Candidates of items now from the kept items with the same geometry (the first such).
            func carried<K: KeptResult>(_ kept: [K], prints: [Fingerprint], boxes: [Bounds?], slack: Double)
                -> (candidates: [[Int32]], same: [Int32], sameGeometry: [Int32]) {
                let first = FirstIndex(kept.map(\.geometry))
                let made = concurrentMap(prints.count, jobs: jobs, chunk: 256) { i -> ([Int32], Int32, Int32) in
                    guard let k = first[prints[i]] else { return (query(boxes[i], slack: slack), -1, -1) }
                    let (candidates, same) = carry.candidates(from: kept[k].candidates, box: boxes[i], slack: slack)
                    return (candidates, same ? Int32(k) : -1, Int32(k))
                }
                return (made.map(\.0), made.map(\.1), made.map(\.2))
            }
            let v = carried(previous.villages, prints: geometryPrints, boxes: boxes, slack: Self.villageSlack)
            let p = carried(previous.places, prints: placePrints, boxes: placeBoxes, slack: Self.placeSlack)
            candidates = v.candidates; placeCandidates = p.candidates
            sameCandidates = (v.same, p.same)
            sameGeometry = v.sameGeometry
        } else {
            candidates = concurrentMap(villages.count, jobs: jobs, chunk: 64) { query(boxes[$0], slack: Self.villageSlack) }
            placeCandidates = placeBoxes.map { query($0, slack: Self.placeSlack) }
        }
        let zones = analysis.zones
        var crs = [String](repeating: zones.primaryCRS, count: villages.count)
        var placeCRS = [String](repeating: zones.primaryCRS, count: places.count)
        var z = Fingerprint()
        for g in zones.groups {
            for i in g.villages { crs[i] = g.crs }
            for i in g.places { placeCRS[i] = g.crs }
            z.add(g.crs); z.add(g.villages.count); z.add(g.places.count)
            if let e = g.extent { z.add(e.minX); z.add(e.minY); z.add(e.maxX); z.add(e.maxY) }
        }
        villageCRS = crs
        zonePrint = z
        operators = analysis.operators
        self.placeCRS = placeCRS
    }

    /// How far beyond a fifth of its size a village's box and a place's box are grown (degrees).
    static let villageSlack = 1e-6, placeSlack = 1e-4

    /// The sectors (ascending) whose reach box meets a lon/lat box grown by a fifth of its size and
    /// `slack` degrees each way; none for a shape without coordinates (no box).
    static func candidates(of box: Bounds?, in reach: BoundsIndex, slack: Double) -> [Int32] {
        guard let b = box else { return [] }
        let gx = b.width * 0.2 + slack, gy = b.height * 0.2 + slack
        return reach.query(Bounds(minX: b.minX - gx, minY: b.minY - gy, maxX: b.maxX + gx, maxY: b.maxY + gy)).map(Int32.init)
    }

    /// A lon/lat box holding every point the sector can cover under the radio model (its radius,
    /// or its link budget's reach on flat ground, which terrain only shortens), with a fifth to
    /// spare: a degree of latitude is at least 110,574 m, of longitude at least 111,319 m · cos(latitude).
    static func reach(of s: Sector, parameters: AnalysisParameters) -> Bounds {
        let r = SectorModel(s, parameters: parameters).reach(parameters: parameters) * 1.2 + 1
        let dLat = r / 110_000
        let lat = s.location.y
        let maxLat = min(90, abs(lat) + dLat)
        let dLon = maxLat >= 89 ? 360 : min(360, r / (111_000 * cos(maxLat * .pi / 180)))
        return Bounds(minX: s.location.x - dLon, minY: lat - dLat, maxX: s.location.x + dLon, maxY: lat + dLat)
    }

    /// Sectors that any of `villages` or `places` (input indices) may need.
    func sectorsNeeded(villages: [Int], places: [Int]) -> [Bool] {
        var needed = [Bool](repeating: false, count: sectorPrints.count)
        for i in villages { for c in candidates[i] { needed[Int(c)] = true } }
        for i in places { for c in placeCandidates[i] { needed[Int(c)] = true } }
        return needed
    }
}

/// The previous run's sectors matched to this run's by fingerprint (the k-th sector with a
/// fingerprint then is the k-th with that fingerprint now), for candidates carried over.
///
/// A sector with the same fingerprint has the same fields, so under the same parameters the same
/// reach: it meets an unchanged item's grown box now exactly when it did then. An item's
/// candidates now are therefore its kept candidates still matched, plus the unmatched sectors now
/// whose reach meets it: what a lookup among all sectors finds.
struct SectorCarry {
    /// Per previous sector, its index now; -1 when it has no match (removed, or changed).
    let now: [Int32]
    /// This run's sectors without a match (added, or changed), ascending.
    let added: [Int32]
    /// The reach of the `added` sectors, indexed (items are positions in `added`).
    let addedReach: BoundsIndex
    let previousPrints: [Fingerprint], prints: [Fingerprint]

    init(previous: [Fingerprint], now prints: [Fingerprint], reach: (Int) -> Bounds) {
        // Both tables in order of fingerprint (then index), walked side by side with their
        // fingerprints beside the indices (read in order, not fetched by index): equal
        // fingerprints pair off in index order.
        let (then, sorted) = concurrentPair({ Self.byPrint(previous) }, { Self.byPrint(prints) })
        var now = [Int32](repeating: -1, count: previous.count)
        var taken = [Bool](repeating: false, count: prints.count)
        var j = 0
        for p in then {
            while j < sorted.count, sorted[j].a != p.a ? sorted[j].a < p.a : sorted[j].b < p.b { j += 1 }
            guard j < sorted.count, sorted[j].a == p.a, sorted[j].b == p.b else { continue }
            now[Int(p.i)] = sorted[j].i
            taken[Int(sorted[j].i)] = true
            j += 1
        }
        self.now = now
        added = prints.indices.filter { !taken[$0] }.map(Int32.init)
        addedReach = BoundsIndex(added.map { reach(Int($0)) })
        previousPrints = previous
        self.prints = prints
    }

    /// The indices of `prints` in order of fingerprint (`a`, then `b`), then index. Fingerprints are
    /// spread evenly: the indices are counted into 65,536 buckets by the top 16 bits of `a`, in
    /// index order, and each bucket (a handful at national scale) is then sorted whole; the order is
    /// that of one sort of all of them, in under half its time for 350,000 sectors. Each index
    /// comes with its fingerprint.
    static func byPrint(_ prints: [Fingerprint]) -> [(a: UInt64, b: UInt64, i: Int32)] {
        let buckets = 1 << 16
        func bucket(_ p: Fingerprint) -> Int { Int(p.a >> 48) }
        var starts = [Int](repeating: 0, count: buckets + 1)
        for p in prints { starts[bucket(p) + 1] += 1 }
        for b in 0..<buckets { starts[b + 1] += starts[b] }
        var next = starts
        // The keys beside their indices, so that a bucket's sort reads only its own few entries.
        var keyed = [(a: UInt64, b: UInt64, i: Int32)](repeating: (0, 0, 0), count: prints.count)
        for (i, p) in prints.enumerated() {
            keyed[next[bucket(p)]] = (p.a, p.b, Int32(i))
            next[bucket(p)] += 1
        }
        for b in 0..<buckets where starts[b + 1] - starts[b] > 1 {
            keyed[starts[b]..<starts[b + 1]].sort { ($0.a, $0.b, $0.i) < ($1.a, $1.b, $1.i) }
        }
        return keyed
    }

    /// The candidates now (ascending) of an item whose box is `box` now as it was when `kept`
    /// (previous indices, ascending) were found, and whether they are the same sectors in the
    /// same order.
    func candidates(from kept: [Int32], box: Bounds?, slack: Double) -> (candidates: [Int32], same: Bool) {
        var out: [Int32] = []
        out.reserveCapacity(kept.count)
        var same = true, ascending = true
        for c in kept {
            let n = now[Int(c)]
            guard n >= 0 else { same = false; continue }
            if let last = out.last, n < last { ascending = false }
            out.append(n)
        }
        let extra = added.isEmpty ? [] : IncrementalIndex.candidates(of: box, in: addedReach, slack: slack)
        if !extra.isEmpty { same = false; out += extra.map { added[Int($0)] } }
        if !ascending || !extra.isEmpty { out.sort() }
        // Sectors reordered since: the same only if their fingerprints still come in the same order.
        if same && !ascending { same = zip(out, kept).allSatisfy { prints[Int($0)] == previousPrints[Int($1)] } }
        return (out, same)
    }
}

/// What a kept result is matched by: the geometry it was measured on, in which CRS, near which sectors.
protocol KeptResult {
    var geometry: Fingerprint { get }
    var crs: String { get }
    /// Candidate sectors, as indices into the previous run's sector fingerprints.
    var candidates: [Int32] { get }
}

/// One village's result as a previous run kept it.
public struct KeptVillage: KeptResult, Sendable {
    public var geometry: Fingerprint
    public var properties: Fingerprint
    public var crs: String
    /// Candidate sectors, as indices into the previous run's sector fingerprints.
    public var candidates: [Int32]
    public var coverage: VillageCoverage
    /// The village's warnings without their leading "village N (id X)" (N and X may change).
    public var warnings: [String]
}

/// One priority place's result as a previous run kept it.
public struct KeptPlace: KeptResult, Sendable {
    public var geometry: Fingerprint
    public var crs: String
    /// Candidate sectors, as indices into the previous run's sector fingerprints.
    public var candidates: [Int32]
    public var coverage: PlaceCoverage
}

/// What `--since` reuses, and what it computes.
public struct ReusePlan: Sendable {
    /// Per village: the kept result (with its warnings) or nil to compute it.
    public var reused: [(coverage: VillageCoverage, warnings: [String])?]
    /// Per village: the number of the previous run's village whose result it keeps.
    public var previous: [Int?] = []
    /// Per priority place: the kept result or nil to compute it (empty: compute every place).
    public var places: [PlaceCoverage?]
    /// Whether reused villages keep their fixed broadband result (the fibre and the zones are unchanged).
    public var fixedReused: Bool
    /// The fixed broadband result of villages measured again whose polygon and centre were measured
    /// before in the same CRS, with fixed broadband results reused: it depends on nothing else
    /// (only their mobile coverage changed, with their candidate sectors), and is kept. By village.
    public var fixedKept: [Int: FixedAccess] = [:]
    /// Sectors the villages to compute and the places may need.
    public var sectorsNeeded: [Bool]

    public var reusedCount: Int { reused.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    public var placesReusedCount: Int { places.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    public init(reused: [(coverage: VillageCoverage, warnings: [String])?], places: [PlaceCoverage?] = [], fixedReused: Bool,
                sectorsNeeded: [Bool]) {
        self.reused = reused; self.places = places; self.fixedReused = fixedReused; self.sectorsNeeded = sectorsNeeded
    }

    /// Place `i`'s kept result, if it has one.
    func place(_ i: Int) -> PlaceCoverage? { i < places.count ? places[i] : nil }

    /// The label that starts every warning about village `number`.
    public static func label(number: Int, village: Village) -> String { "village \(number) (id \(village.id))" }

    /// N of a warning that starts as a village's label does ("village N (id …"), else nil.
    static func villageNumber(in warning: String) -> Int? {
        let prefix = "village ".utf8
        let u = warning.utf8
        guard u.starts(with: prefix) else { return nil }
        var n = 0, digits = 0
        for b in u.dropFirst(prefix.count) {
            guard b >= 0x30, b <= 0x39 else { break }
            guard digits < 18 else { return nil }
            n = n * 10 + Int(b - 0x30); digits += 1
        }
        return digits > 0 ? n : nil
    }
}
