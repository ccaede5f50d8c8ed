import Foundation
import Geo

/// Sector footprints as docs/model.md §3 draws them: apex at the site, arc vertices every `arcStep` degrees
/// at the coverage radius by the WGS 84 geodesic direct problem; an omnidirectional antenna is the
/// geodesic circle with no apex.
public enum Footprint {
    /// The footprint ring in lon/lat, closed.
    public static func ring(of sector: Sector, radius: Double, arcStep: Double) -> [Coordinate] {
        let geod = Geodesic.wgs84
        if sector.isOmnidirectional {
            let n = Int((360 / arcStep).rounded(.up))
            let bearings = (0..<n).map { Double($0) * 360 / Double(n) }
            var arc = geod.destinations(from: sector.location, azimuths: bearings, distance: radius)
            arc.append(arc[0])
            return arc
        }
        let az = sector.azimuth!, bw = sector.beamwidth
        let n = max(Int((bw / arcStep).rounded(.up)), 1)
        let bearings = (0...n).map { az - bw / 2 + Double($0) * bw / Double(n) }
        var ring = [sector.location]
        ring.append(contentsOf: geod.destinations(from: sector.location, azimuths: bearings, distance: radius))
        ring.append(sector.location)
        return ring
    }

    /// The rings of sectors that share one antenna position and direction (`AntennaKey`), at their
    /// radii: each bearing's geodesic is set up once for all of them. The same rings as `ring(of:)`.
    public static func rings(of sectors: [Sector], radii: [Double], arcStep: Double) -> [[Coordinate]] {
        guard let first = sectors.first else { return [] }
        let distinct = Array(Set(radii)).sorted()
        let geod = Geodesic.wgs84
        if first.isOmnidirectional {
            let n = Int((360 / arcStep).rounded(.up))
            let bearings = (0..<n).map { Double($0) * 360 / Double(n) }
            let fan = geod.fan(from: first.location, azimuths: bearings, distances: distinct)
            return radii.map { r in
                var arc = fan[distinct.firstIndex(of: r)!]
                arc.append(arc[0])
                return arc
            }
        }
        let az = first.azimuth!, bw = first.beamwidth
        let n = max(Int((bw / arcStep).rounded(.up)), 1)
        let bearings = (0...n).map { az - bw / 2 + Double($0) * bw / Double(n) }
        let fan = geod.fan(from: first.location, azimuths: bearings, distances: distinct)
        return radii.map { r in
            var ring = [first.location]
            ring.append(contentsOf: fan[distinct.firstIndex(of: r)!])
            ring.append(first.location)
            return ring
        }
    }

    /// The footprint polygon in lon/lat.
    public static func shape(of sector: Sector, parameters: AnalysisParameters) -> Shape {
        .polygon([ring(of: sector, radius: parameters.radius(for: sector), arcStep: parameters.arcStep)])
    }
}
