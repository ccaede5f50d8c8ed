import Foundation
import Geo

/// Why a village is dark: the sector with the best link to its centre, and that link's losses.
public struct BestLink: Sendable {
    public var siteID: String
    public var `operator`: String
    public var tech: Tech
    public var link: LinkEvaluation
}

/// Sectors by the box they could reach, for the best-link search.
struct ReachIndex: Sendable {
    let models: [SectorModel]
    /// Each sector's box in lon/lat, round the disc of its reach (which holds its footprint).
    let reachBoxes: [Bounds]
    let boxes: BoundsIndex
    let parameters: AnalysisParameters

    init(sectors: [Sector], parameters: AnalysisParameters) {
        self.parameters = parameters
        models = sectors.map { SectorModel($0, parameters: parameters) }
        // Reach in degrees of latitude (at the equator's metres per degree, the fewest), widened
        // by the cosine for longitude.
        reachBoxes = models.map { m in
            let r = m.reach(parameters: parameters) / 110_574
            let c = m.sector.location, rx = r / max(0.1, cos(c.y * .pi / 180))
            return Bounds(minX: c.x - rx, minY: c.y - r, maxX: c.x + rx, maxY: c.y + r)
        }
        boxes = BoundsIndex(reachBoxes)
    }

    /// Whether the link of any sector whose reach and beam hold `point` (lon/lat) closes there.
    func covers(_ point: Coordinate) throws -> Bool {
        for i in boxes.query(Bounds(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y)).sorted() where models[i].inBeam(point) {
            if try models[i].link(to: point, parameters: parameters).covered { return true }
        }
        return false
    }

    /// The best link to `centre` among sectors whose reach and beam hold it: the largest margin (MAPL minus
    /// loss; line of sight first in `los`), ties to the nearer sector and then the first in the file.
    func best(to centre: Coordinate) throws -> BestLink? {
        let candidates = boxes.query(Bounds(minX: centre.x, minY: centre.y, maxX: centre.x, maxY: centre.y)).sorted()
        var best: (score: Double, distance: Double, link: LinkEvaluation, index: Int)?
        for i in candidates where models[i].inBeam(centre) {
            let link = try models[i].link(to: centre, parameters: parameters)
            let score = link.pathLoss.map { link.mapl - $0 } ?? (link.lineOfSight ? 1 : 0)
            if let b = best, (b.score, -b.distance) >= (score, -link.distance) { continue }
            best = (score, link.distance, link, i)
        }
        return best.map { b in
            let s = models[b.index].sector
            return BestLink(siteID: s.siteID, operator: s.operator, tech: s.tech, link: b.link)
        }
    }
}
