import Foundation
import Geo

/// Which planar CRS measures which village and place.
///
/// A transverse Mercator zone is accurate near its central meridian only: 3° away the scale is off
/// by 0.1 %, 20° away by 6 %, and 90° away PROJ cannot project at all. So each village is measured
/// in the WGS 84 UTM zone of its own centre. When every village falls in one zone (any one
/// province) that zone measures everything, exactly as one working CRS always did; villages in
/// several zones (Vietnam spans 48–50, or a stray village on another continent) are measured zone
/// by zone, each zone with the footprints and fibre near its own villages.
public struct WorkingZones: Sendable {
    public struct Group: Sendable {
        public var crs: String
        /// Villages and places measured in `crs`, by input index, in input order.
        public var villages: [Int]
        public var places: [Int]
        /// Their lon/lat extent; nil when the group holds nothing with coordinates.
        public var extent: Bounds?

        mutating func add(village: Int?, place: Int?, bounds: Bounds?) {
            if let village { villages.append(village) }
            if let place { places.append(place) }
            if let bounds { extent = extent.map { $0.union(bounds) } ?? bounds }
        }
    }

    /// One group per CRS, the most populated first (the report's `crs`), then by EPSG code.
    public var groups: [Group]

    public var primaryCRS: String { groups.first?.crs ?? "EPSG:32631" }
    /// True when villages are measured in more than one CRS.
    public var isPerVillage: Bool { groups.count > 1 }

    /// `crs` for everything when given; otherwise the UTM zone of each village's and place's centre.
    public init(villages: [Village], places: [PriorityPlace], crs: String?, defaultCRS: String) {
        self.init(villageBoxes: Self.boxes(of: villages), places: places, crs: crs, defaultCRS: defaultCRS)
    }

    /// Each village's lon/lat box, found once on all cores (a national set has millions of vertices).
    public static func boxes(of villages: [Village]) -> [Bounds?] {
        concurrentMap(villages.count, chunk: 256) { villages[$0].bounds }
    }

    /// As `init(villages:places:crs:defaultCRS:)`, from the villages' boxes.
    public init(villageBoxes: [Bounds?], places: [PriorityPlace], crs: String?, defaultCRS: String) {
        let placeBoxes = places.map(\.shape.bounds)
        let villageZones = villageBoxes.map(Self.zone(of:))
        let placeZones = placeBoxes.map(Self.zone(of:))
        let distinct = Set(villageZones.compactMap { $0 } + placeZones.compactMap { $0 })
        if crs != nil || distinct.count <= 1 {
            let all = villageBoxes.compactMap { $0 } + placeBoxes.compactMap { $0 }
            groups = [Group(crs: crs ?? distinct.first.map { "EPSG:\($0)" } ?? defaultCRS,
                            villages: Array(villageBoxes.indices), places: Array(places.indices),
                            extent: all.dropFirst().reduce(all.first) { $0?.union($1) })]
            return
        }
        var byZone: [Int: Group] = [:]
        func add(_ zone: Int?, _ bounds: Bounds?, village: Int?, place: Int?) {
            let z = zone ?? Int(defaultCRS.dropFirst(5)) ?? 32631
            // Changed in place: a copy taken out of the dictionary and put back would copy the
            // zone's whole list at every village (quadratic in the villages of a zone).
            byZone[z, default: Group(crs: "EPSG:\(z)", villages: [], places: [], extent: nil)].add(village: village, place: place, bounds: bounds)
        }
        for i in villageBoxes.indices { add(villageZones[i], villageBoxes[i], village: i, place: nil) }
        for i in places.indices { add(placeZones[i], placeBoxes[i], village: nil, place: i) }
        groups = byZone.sorted { a, b in
            (a.value.villages.count, b.key) > (b.value.villages.count, a.key)
        }.map(\.value)
    }

    /// The EPSG code of the UTM zone of the centre of a lon/lat box.
    static func zone(of box: Bounds?) -> Int? {
        box.map { Projection.utmEPSG(lon: $0.center.x, lat: $0.center.y) }
    }

    /// Whether a lon/lat box (a footprint's, a fibre feature's) may matter to `group`: it meets the
    /// group's extent grown by `margin` metres.
    static func near(_ box: Bounds, _ group: Group, margin: Double) -> Bool {
        guard let e = group.extent else { return false }
        let dLat = margin / 110_000
        let maxLat = min(89, max(abs(e.minY), abs(e.maxY)) + dLat)
        let dLon = min(360, margin / (111_000 * cos(maxLat * .pi / 180)))
        let grown = Bounds(minX: e.minX - dLon, minY: e.minY - dLat, maxX: e.maxX + dLon, maxY: e.maxY + dLat)
        return grown.intersects(box)
    }

    /// Fibre farther than this from a village measured zone by zone is found by the geodesic
    /// distance to its nearest vertex; nearer fibre is always in the village's zone (see `near`).
    public static let fibreSearchRadius = 50_000.0
}

extension WorkingZones {
    /// How far outside the area of use of a `--crs` a village may lie, degrees: enough for a
    /// province's coastal islands, while a transverse Mercator zone's scale is still within 0.1 %.
    static let areaOfUseMargin = 1.0

    /// Throws when a village or place lies outside the area where `crs` (from `--crs`) is meant to
    /// be used: measured there, its area and distances would be silently wrong.
    static func checkFits(_ input: AnalysisInput, crs: String) throws {
        guard let area = try Projection.areaOfUse(crs) else { return }
        let m = areaOfUseMargin
        let grown = Bounds(minX: area.minX - m, minY: area.minY - m, maxX: area.maxX + m, maxY: area.maxY + m)
        let message = "lies outside the area of use of \(crs) (longitude \(area.minX)…\(area.maxX), latitude "
            + "\(area.minY)…\(area.maxY)), where it would be measured wrongly; leave --crs out to measure each village in the UTM zone of its centre"
        for (i, v) in input.villages.enumerated() {
            if let b = v.bounds, !grown.contains(b) { throw input.villageError(i, field: "geometry", Refusal(message)) }
        }
        for (i, p) in (input.places ?? []).enumerated() {
            if let b = p.shape.bounds, !grown.contains(b) { throw input.placeError(i, field: "geometry", Refusal(message)) }
        }
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}
