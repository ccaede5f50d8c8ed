import Coverage
import Foundation
import Geo

/// A deterministic, national-scale input for benchmarks and cross-checks: villages as irregular
/// blobs on a jittered grid in a band over Vietnam's longitudes, sites with one to four techs and
/// three sectors each, fibre routes between nearby village centres, and priority places.
///
/// Everything follows from the seed through one SplitMix64 stream, so the same numbers give the
/// same model values on every machine. Sites and fibre follow a smooth "settlement density" field:
/// where it is low there are no towers and no fibre, so some villages are uncovered or far from fibre.
public struct SyntheticNetwork {
    public var villageCount: Int
    public var siteCount: Int
    public var seed: UInt64

    /// Side of a grid cell in km: one village per cell, about 3 km² each.
    static let cellKm = 2.6
    static let originLon = 104.6, originLat = 10.2
    static let maxColumns = 200

    public init(villages: Int, sites: Int, seed: UInt64) {
        villageCount = villages
        siteCount = sites
        self.seed = seed
    }

    /// The whole dataset: villages, sectors (three per tech per site), fibre and places.
    public func generate() -> AnalysisInput {
        var rng = SplitMix64(seed: seed)
        let field = DensityField(rng: &rng)
        let columns = max(1, min(Self.maxColumns, Int((Double(villageCount) * 1.1).squareRoot().rounded(.up))))
        let villages = makeVillages(columns: columns, rng: &rng)
        let sectors = makeSectors(villages: villages, field: field, rng: &rng)
        let fibre = makeFibre(villages: villages, field: field, rng: &rng)
        let places = makePlaces(villages: villages, sectors: sectors, field: field, rng: &rng)
        return AnalysisInput(villages: villages.map(\.village), sectors: sectors, fibre: fibre, places: places)
    }

    // MARK: Villages

    /// A village and where it sits on the grid.
    struct Placed {
        var village: Village
        var row: Int, column: Int
        /// Centre of the blob, km from the origin.
        var x: Double, y: Double
    }

    func makeVillages(columns: Int, rng: inout SplitMix64) -> [Placed] {
        var out: [Placed] = []
        out.reserveCapacity(villageCount)
        var cell = 0
        let half = Self.cellKm / 2
        while out.count < villageCount {
            let row = cell / columns, column = cell % columns
            cell += 1
            if rng.unit() < 0.08 { continue }  // a lake, a forest, a mountain: no village here
            let n = out.count
            let kind = rng.unit()
            var rings: [[[Coordinate]]]
            var x = (Double(column) + 0.5) * Self.cellKm, y = (Double(row) + 0.5) * Self.cellKm
            var hasHole = false
            if kind < 0.03 {
                // Two parts: a main blob and an island, side by side within the cell.
                let main = blob(cx: x - 0.3 * half, cy: y, mean: 0.55 * half, rng: &rng)
                let island = blob(cx: x + 0.68 * half, cy: y, mean: 0.22 * half, vertices: 24 + rng.int(24), rng: &rng)
                rings = [[main], [island]]
                x -= 0.3 * half
            } else {
                let jitter = 0.1
                x += (rng.unit() * 2 - 1) * jitter
                y += (rng.unit() * 2 - 1) * jitter
                let outer = blob(cx: x, cy: y, mean: 0.95, rng: &rng)
                if kind < 0.06 {
                    hasHole = true
                    rings = [[outer, blob(cx: x, cy: y, mean: 0.12 + 0.1 * rng.unit(), vertices: 20 + rng.int(20), rng: &rng)]]
                } else {
                    rings = [[outer]]
                }
            }
            let lonLat = rings.map { $0.map { $0.map(Self.lonLat) } }
            let shape: Shape = lonLat.count == 1 ? .polygon(lonLat[0]) : .multiPolygon(lonLat)
            let households = Double(50 + rng.int(550))
            let block = (row / 5) * 1000 + column / 5
            let districtBlock = (row / 30) * 100 + column / 30
            let name = "\(Names.villagePrefix[n % Names.villagePrefix.count]) \(Names.place[rng.int(Names.place.count)]) \(1 + rng.int(9))"
            let givesCentre = !hasHole && rings.count == 1 && rng.unit() < 0.4
            let village = Village(
                id: String(format: "V%06d", n + 1), name: name,
                commune: "Xã \(Names.place[block % Names.place.count]) \(block)",
                district: "Huyện \(Names.place[(districtBlock * 7) % Names.place.count]) \(districtBlock)",
                province: "Tỉnh \(Names.place[(row / 150 * 5 + 3) % Names.place.count])",
                population: (households * 3.8).rounded(), households: households,
                center: givesCentre ? Self.lonLat(Coordinate(x, y)) : nil, shape: shape)
            out.append(Placed(village: village, row: row, column: column, x: x, y: y))
        }
        return out
    }

    /// A star-shaped ring around (cx, cy) km with mean radius `mean` km, ±20 % in smooth waves and
    /// ±1.5 % of vertex noise, counter-clockwise and closed: always a simple polygon.
    func blob(cx: Double, cy: Double, mean: Double, vertices: Int? = nil, rng: inout SplitMix64) -> [Coordinate] {
        let n = vertices ?? (50 + rng.int(151))
        var waves: [(amplitude: Double, phase: Double)] = []
        var budget = 0.2
        for _ in 1...4 {
            let a = budget * rng.unit() * 0.7
            budget -= a
            waves.append((a, rng.unit() * 2 * .pi))
        }
        var ring: [Coordinate] = []
        ring.reserveCapacity(n + 1)
        for k in 0..<n {
            let t = Double(k) / Double(n) * 2 * .pi
            var r = 1.0
            for (j, w) in waves.enumerated() { r += w.amplitude * sin(Double(j + 1) * t + w.phase) }
            r *= mean * (1 + (rng.unit() - 0.5) * 0.03)
            ring.append(Coordinate(cx + r * cos(t), cy + r * sin(t)))
        }
        ring.append(ring[0])
        return ring
    }

    /// Km east and north of the origin → lon/lat (a local equirectangular scale per latitude).
    static func lonLat(_ km: Coordinate) -> Coordinate {
        let lat = originLat + km.y / 110.574
        let lon = originLon + km.x / (111.320 * cos(lat * .pi / 180))
        return Coordinate(lon, lat)
    }

    /// Lon/lat → km east and north of the origin (the inverse of `lonLat`).
    static func km(_ c: Coordinate) -> Coordinate {
        Coordinate((c.x - originLon) * 111.320 * cos(c.y * .pi / 180), (c.y - originLat) * 110.574)
    }

    // MARK: Sites

    func makeSectors(villages: [Placed], field: DensityField, rng: inout SplitMix64) -> [Sector] {
        guard let extent = Bounds(of: villages.map { Coordinate($0.x, $0.y) }) else { return [] }
        var out: [Sector] = []
        out.reserveCapacity(siteCount * 8)
        var placed = 0
        while placed < siteCount {
            let x = extent.minX - 1 + rng.unit() * (extent.width + 2)
            let y = extent.minY - 1 + rng.unit() * (extent.height + 2)
            let density = field.weight(x, y)
            if rng.unit() > density { continue }
            placed += 1
            let site = String(format: "S%06d", placed)
            let op = Names.pick(Names.operators, rng.unit())
            var techs: [Tech] = []
            if rng.unit() < 0.55 { techs.append(.g2) }
            if rng.unit() < 0.45 { techs.append(.g3) }
            if rng.unit() < 0.85 || techs.isEmpty { techs.append(.g4) }
            if rng.unit() < 0.2 * density { techs.append(.g5) }  // 5G where people are
            let location = Self.lonLat(Coordinate(x, y))
            let omni = rng.unit() < 0.03
            let rotation = (rng.unit() * 120 * 10).rounded() / 10
            let beamwidth = Double(65 + rng.int(56))
            for tech in techs {
                let radius: Double? = rng.unit() < 0.1 ? (tech.defaultRadius * (0.6 + 0.8 * rng.unit()) / 10).rounded() * 10 : nil
                if omni {
                    out.append(Sector(siteID: site, operator: op, tech: tech, location: location, radius: radius))
                    continue
                }
                for k in 0..<3 {
                    out.append(Sector(siteID: site, operator: op, tech: tech, location: location,
                                      azimuth: rotation + Double(k) * 120, beamwidth: beamwidth, radius: radius))
                }
            }
        }
        return out
    }

    // MARK: Fibre

    /// Routes from a village centre to a neighbour's one or two cells away, a few km of gently
    /// wandering line each, more of them where the density is high and almost none where it is low.
    func makeFibre(villages: [Placed], field: DensityField, rng: inout SplitMix64) -> [FibreFeature] {
        var at: [Int: Int] = [:]
        for (i, v) in villages.enumerated() { at[v.row * 100_000 + v.column] = i }
        var out: [FibreFeature] = []
        for v in villages {
            let p = 0.02 + 0.9 * min(1, field.weight(v.x, v.y) * 1.6)
            if rng.unit() >= p { continue }
            let steps = [(0, 1), (1, 0), (0, 2), (1, 1)]
            let (dr, dc) = steps[rng.int(steps.count)]
            guard let j = at[(v.row + dr) * 100_000 + v.column + dc] else { continue }
            let w = villages[j]
            var line = [Coordinate(v.x, v.y)]
            let bends = 2 + rng.int(4)
            let dx = w.x - v.x, dy = w.y - v.y, length = (dx * dx + dy * dy).squareRoot()
            for k in 1...bends {
                let t = Double(k) / Double(bends + 1)
                let off = (rng.unit() - 0.5) * 0.3
                line.append(Coordinate(v.x + dx * t - dy / length * off, v.y + dy * t + dx / length * off))
            }
            line.append(Coordinate(w.x, w.y))
            let id = String(format: "F%06d", out.count + 1)
            out.append(FibreFeature(id: id, operator: Names.pick(Names.fibreOperators, rng.unit()),
                                    shape: .lineString(line.map(Self.lonLat))))
            if rng.unit() < 0.05 {
                out.append(FibreFeature(id: String(format: "N%06d", out.count + 1), operator: "VNPT",
                                        shape: .point(Self.lonLat(Coordinate(w.x + 0.2, w.y - 0.1)))))
            }
        }
        return out
    }

    // MARK: Priority places

    func makePlaces(villages: [Placed], sectors: [Sector], field: DensityField, rng: inout SplitMix64) -> [PriorityPlace] {
        let count = max(20, villages.count / 100)
        let fiveG = sectors.filter { $0.tech == .g5 }
        var out: [PriorityPlace] = []
        for k in 0..<count {
            var v = villages[rng.int(villages.count)]
            while rng.unit() > field.weight(v.x, v.y) { v = villages[rng.int(villages.count)] }
            let category = Names.categories[rng.int(Names.categories.count)]
            var cx = v.x + (rng.unit() - 0.5) * 0.6, cy = v.y + (rng.unit() - 0.5) * 0.6
            if !fiveG.isEmpty && rng.unit() < 0.4 {
                // Next to a 5G site: most of these have 5G, some stand just outside its sectors.
                let site = Self.km(fiveG[rng.int(fiveG.count)].location)
                cx = site.x + (rng.unit() - 0.5) * 1.2
                cy = site.y + (rng.unit() - 0.5) * 1.2
            }
            let shape: Shape
            if rng.unit() < 0.25 {
                shape = .polygon([blob(cx: cx, cy: cy, mean: 0.1 + 0.3 * rng.unit(), vertices: 16 + rng.int(16), rng: &rng).map(Self.lonLat)])
            } else {
                shape = .point(Self.lonLat(Coordinate(cx, cy)))
            }
            out.append(PriorityPlace(id: String(format: "P%05d", k + 1),
                                     name: "\(Names.categoryName[category] ?? category) \(Names.place[rng.int(Names.place.count)])",
                                     category: category, shape: shape))
        }
        return out
    }
}

/// Where people (and so towers and fibre) are: a smooth field of waves tens of km long, 0…1.
struct DensityField {
    var phases: [Double]

    init(rng: inout SplitMix64) {
        phases = (0..<6).map { _ in rng.unit() * 2 * .pi }
    }

    func weight(_ x: Double, _ y: Double) -> Double {
        let a = sin(x / 37 + phases[0]) * sin(y / 53 + phases[1])
        let b = 0.6 * sin(x / 13 + y / 17 + phases[2])
        let c = 0.4 * sin(x / 71 - y / 29 + phases[3])
        let f = (a + b + c + 1.4) / 2.75
        return max(0, min(1, f)) * max(0, min(1, f))
    }
}

/// A small, fast, well-mixed random stream (Vigna's SplitMix64): the same on every platform.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) / 9_007_199_254_740_992 }

    /// Uniform in 0..<n.
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Names for the synthetic data: Vietnamese place names, operators and their market shares.
enum Names {
    static let villagePrefix = ["Thôn", "Làng", "Xóm", "Tổ dân phố", "Thôn", "Ấp"]
    static let place = ["An Hòa", "Phú Mỹ", "Tân Lập", "Đông Sơn", "Hưng Long", "Bình Minh", "Trung Hậu",
                        "Vĩnh Phúc", "Cẩm Thạch", "Hòa Bình", "Quang Trung", "Đại Lộc", "Nhơn Hậu",
                        "Phước Sơn", "Cát Tiến", "Kim Sơn", "Ân Tường", "Mỹ Chánh", "Hoài Thanh", "Tây Giang"]
    static let operators: [(String, Double)] = [("Viettel", 0.45), ("VinaPhone", 0.25), ("MobiFone", 0.22), ("Vietnamobile", 0.08)]
    static let fibreOperators: [(String, Double)] = [("VNPT", 0.45), ("Viettel", 0.4), ("FPT", 0.15)]
    static let categories = ["district_centre", "industrial_park", "hospital", "school", "school", "school",
                             "station", "seaport", "airport", "high_tech_zone"]
    static let categoryName = ["district_centre": "Trung tâm huyện", "industrial_park": "Khu công nghiệp",
                               "hospital": "Bệnh viện", "school": "Trường THCS", "station": "Ga",
                               "seaport": "Cảng", "airport": "Sân bay", "high_tech_zone": "Khu công nghệ cao"]

    /// The first name whose cumulative share exceeds `u` (u in [0, 1)).
    static func pick(_ shares: [(String, Double)], _ u: Double) -> String {
        var total = 0.0
        for (name, share) in shares {
            total += share
            if u < total { return name }
        }
        return shares[shares.count - 1].0
    }
}
