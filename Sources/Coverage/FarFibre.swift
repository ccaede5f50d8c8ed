import Foundation
import Geo

/// The fibre vertices, indexed by their lon/lat positions, for the nearest vertex by the WGS 84
/// geodesic (villages measured zone by zone with no fibre within `WorkingZones.fibreSearchRadius`).
///
/// The search looks in a lon/lat box that holds every point within a distance D of the centre
/// (a degree of latitude is at least 110,000 m, of longitude at least 111,000 m · cos(latitude)),
/// starting at twice the search radius and doubling D until the nearest vertex found is within D:
/// then no vertex outside the box can be nearer. Vertices are visited in the order of a scan over
/// every feature, so ties go to the same vertex as that scan; near a pole or across the
/// antimeridian the search scans every vertex.
struct FarFibreIndex: Sendable {
    let vertices: [Coordinate]
    let index: BoundsIndex

    init(_ fibre: [FibreFeature]) {
        var v: [Coordinate] = []
        for f in fibre { f.shape.forEachCoordinate { v.append($0) } }
        vertices = v
        index = BoundsIndex(v.map { Bounds(minX: $0.x, minY: $0.y, maxX: $0.x, maxY: $0.y) })
    }

    func nearest(to centre: Coordinate, reach: Double) -> FixedAccess? {
        func best(of ids: [Int]) -> (Double, Coordinate)? {
            var best: (Double, Coordinate)?
            for i in ids {
                let d = Geodesic.wgs84.distance(from: centre, to: vertices[i])
                if best == nil || d < best!.0 { best = (d, vertices[i]) }
            }
            return best
        }
        var found: (Double, Coordinate)?
        var radius = 2 * WorkingZones.fibreSearchRadius
        while true {
            let dLat = radius / 110_000
            let maxLat = abs(centre.y) + dLat
            let dLon = maxLat < 85 ? radius / (111_000 * cos(maxLat * .pi / 180)) : 360
            if dLon >= 180 || centre.x - dLon < -180 || centre.x + dLon > 180 || radius > 2e7 {
                found = best(of: Array(vertices.indices))
                break
            }
            let box = Bounds(minX: centre.x - dLon, minY: centre.y - dLat, maxX: centre.x + dLon, maxY: centre.y + dLat)
            if let b = best(of: index.query(box)), b.0 <= radius {
                found = b
                break
            }
            radius *= 2
        }
        return found.map { FixedAccess(status: $0.0 <= reach ? .available : .unavailable, distanceM: $0.0, nearest: $0.1) }
    }
}
