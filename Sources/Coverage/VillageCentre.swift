import Foundation
import Geo
import GeoIO

/// Where fibre must arrive in a village, from a separate points file (`--centres`): boundaries
/// from a Shapefile or a TAB file rarely carry a centre, and a point inside the polygon can be far
/// from where people live.
public struct VillageCentre: Sendable {
    public var villageID: String
    public var position: Coordinate

    /// Points with the village's `id` (or one of its other names, see `FieldNames`).
    static func read(_ fc: FeatureCollection, file: String, loader: InputLoader) throws -> [VillageCentre] {
        let fc = try FieldNames().applied(to: fc, wanted: ["id"], file: file)
        let toLonLat = try loader.lonLatTransform(fc, file: file)
        var seen: [String: Int] = [:]
        return try fc.features.map { f in
            let fail = InputLoader.failure(file, f)
            guard let value = f.properties["id"] ?? f.id, let id = InputLoader.text(value), !id.isEmpty else {
                throw fail("id", "missing; every centre names the village it belongs to")
            }
            if let first = seen[id] { throw fail("id", "\"\(id)\" has a centre already (feature \(first))") }
            seen[id] = f.index
            guard case .point(var c)? = f.geometry else {
                throw fail("geometry", "\(f.geometry?.typeName ?? "null"); a centre must be a Point")
            }
            if let toLonLat { c = try toLonLat.transform(c) }
            try InputLoader.checkLonLat(c, fail, field: "geometry")
            return VillageCentre(villageID: id, position: c)
        }
    }

    /// Gives each village its centre from the file (the file's wins over a `center` property);
    /// the warnings say how many centres named no village.
    static func apply(_ centres: [VillageCentre], to villages: inout [Village], file: String) throws -> [String] {
        var byID: [String: Coordinate] = [:]
        for c in centres { byID[c.villageID] = c.position }
        var used = 0
        for k in villages.indices {
            if let c = byID[villages[k].id] {
                villages[k].center = c
                used += 1
            }
        }
        let unused = centres.count - used
        guard unused > 0 else { return [] }
        let ids = Set(villages.map(\.id))
        let examples = centres.filter { !ids.contains($0.villageID) }.prefix(3).map(\.villageID)
        return ["\(file): \(unused) of \(centres.count) centres name no village (\(examples.joined(separator: ", "))\(unused > 3 ? ", …" : ""))"]
    }
}
