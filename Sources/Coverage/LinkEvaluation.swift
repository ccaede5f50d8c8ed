import Foundation
import Geo

/// The loss of one path, from a sector's antenna to a receiver at a point (`best_link`, `covgap profile`).
public struct LinkEvaluation: Sendable {
    public var distance: Double
    /// Basic (Hata) loss plus diffraction, dB; nil in `los` mode.
    public var pathLoss: Double?
    /// Terrain diffraction beyond smooth earth's, dB (0 without a DEM).
    public var diffraction: Double
    public var mapl: Double
    public var lineOfSight: Bool
    /// The transmitter's horizon when the line of sight is blocked: lon/lat and ground height.
    public var obstruction: (location: Coordinate, elevation: Double)?
    /// The terrain along the path: distance, ground height (nil on no-data).
    public var profile: [(distance: Double, ground: Double?)]
    /// The site's and the receiver's ground heights, when the DEM has them.
    public var siteGround: Double?, targetGround: Double?

    /// Whether the link closes: loss within the budget (and line of sight in `los` mode), within reach and the beam.
    public var covered: Bool
}

extension SectorModel {
    /// Whether `target` (lon/lat) lies within the sector's beam (always for an omnidirectional antenna).
    public func inBeam(_ target: Coordinate) -> Bool {
        sector.isOmnidirectional || inBeam(bearing: Geodesic.wgs84.inverse(from: sector.location, to: target).azimuth1)
    }

    /// Whether a direction from the antenna (degrees from north) lies within the beam.
    func inBeam(bearing: Double) -> Bool {
        guard !sector.isOmnidirectional else { return true }
        var d = (bearing - sector.azimuth!).truncatingRemainder(dividingBy: 360)
        if d > 180 { d -= 360 } else if d < -180 { d += 360 }
        return abs(d) <= sector.beamwidth / 2
    }

    /// The path from the antenna to a receiver at `target` (lon/lat), sampled at the DEM's resolution.
    public func link(to target: Coordinate, parameters: AnalysisParameters) throws -> LinkEvaluation {
        let path = Geodesic.wgs84.inverse(from: sector.location, to: target)
        let d = path.distance, beam = inBeam(bearing: path.azimuth1)
        let reach = reach(parameters: parameters)
        let basic = hata.loss(distance: d)
        guard mode == .terrain || mode == .los, let dem = radio.dem, d > 0 else {
            let within = d <= reach
            return LinkEvaluation(distance: d, pathLoss: mode == .los ? nil : basic, diffraction: 0, mapl: budget.mapl,
                                  lineOfSight: true, obstruction: nil, profile: [], siteGround: nil, targetGround: nil,
                                  covered: within && beam && (mode == .los || basic <= budget.mapl))
        }
        let points = try dem.fromLonLat().transformed([sector.location, target])
        let (a, b) = (points[0], points[1])
        let g0 = dem.height(x: a.x, y: a.y)
        let m = max(1, Int((d / sampleStep(dem)).rounded(.up)))
        let distances = (1...m).map { d * Double($0) / Double(m) }
        var w = walk()
        var profile: [(distance: Double, ground: Double?)] = [(0, g0)]
        var last = g0 ?? 0
        var sight = TerrainWalk.Sight(scaledNu: -.infinity, lineOfSight: true)
        for (k, dk) in distances.enumerated() {
            let t = Double(k + 1) / Double(m)
            let h = dem.height(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y))
            profile.append((dk, h))
            if let h { last = h }
            let rel = last - (g0 ?? 0)
            if k == m - 1 { sight = w.sight(distance: dk, ground: rel) } else { w.pass(distance: dk, ground: rel) }
        }
        let smooth = mode == .terrain ? smoothDiffraction(distances).last ?? 0 : 0
        let diffraction = g0 == nil ? 0 : max(0, knifeEdgeLoss(sight.scaledNu / rootWavelength) - smooth)
        var obstruction: (Coordinate, Double)?
        if !sight.lineOfSight, g0 != nil {
            let t = w.horizonDistance / d
            let xy = Coordinate(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
            obstruction = (try dem.fromLonLat().transform(xy, inverse: true), w.horizonGround + g0!)
        }
        let loss = mode == .los ? nil : basic + diffraction
        let closes = mode == .los ? (sight.lineOfSight || g0 == nil) : loss! <= budget.mapl
        return LinkEvaluation(distance: d, pathLoss: loss, diffraction: diffraction, mapl: budget.mapl,
                              lineOfSight: sight.lineOfSight, obstruction: obstruction, profile: profile,
                              siteGround: g0, targetGround: profile.last?.ground, covered: closes && d <= reach && beam)
    }
}
