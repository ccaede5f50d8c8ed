import ArgumentParser
import Coverage
import Foundation
import Geo
import GeoIO

struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the terrain profile from a site to a point, with the line of sight and the loss terms.",
        discussion: """
        One table of the terrain between the antenna and a receiver at --to (ground height, the \
        4/3-Earth ray from the antenna to the receiver, its clearance), then, for every sector of \
        the site, the link budget: Hata basic loss, terrain diffraction, path loss against the \
        maximum allowable path loss, and the obstruction that blocks the line of sight.
        """
    )

    @Option(help: ArgumentHelp("Sites: CSV (or OpenCelliD export, or GeoJSON points).", valueName: "file"))
    var sites: String

    @Option(help: ArgumentHelp("The site's site_id.", valueName: "ID"))
    var site: String

    @Option(help: ArgumentHelp("The receiver's position, latitude first: 14.123,108.987.", valueName: "LAT,LON"))
    var to: String

    @Option(help: "Most rows of the profile table (evenly spaced samples; the obstruction is always shown).")
    var rows: Int = 40

    @OptionGroup var model: ModelOptions
    @OptionGroup(title: "Radio model") var radio: RadioOptions

    func validate() throws {
        guard target != nil else { throw ValidationError("--to must be LAT,LON in degrees, e.g. 14.123,108.987; got \(to)") }
        guard rows >= 2 else { throw ValidationError("--rows must be at least 2") }
    }

    var target: Coordinate? {
        let parts = to.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lat = parts[0], let lon = parts[1], abs(lat) <= 90, abs(lon) <= 180 else { return nil }
        return Coordinate(lon, lat)
    }

    func run() throws {
        let loaded = try InputOptions(villages: nil, sites: sites, fibre: nil, places: nil).loadSites(inputCRS: model.inputCRS)
        var parameters = try radio.parameters(model.parameters)
        if parameters.radio.mode == .fixed { parameters.radio.mode = .hata }  // a profile needs a link budget
        let sectors = loaded.sectors.filter { $0.siteID == site }
        guard let first = sectors.first, let target else { throw UsageError("no site \"\(site)\" in \(sites)") }
        let models = sectors.map { SectorModel($0, parameters: parameters) }
        let links = try models.map { try $0.link(to: target, parameters: parameters) }
        let bearing = Geodesic.wgs84.inverse(from: first.location, to: target).azimuth1
        let d = links[0].distance
        print("Site \(site) at \(fixed(first.location.y, 6)), \(fixed(first.location.x, 6)) → \(fixed(target.y, 6)), \(fixed(target.x, 6)): "
              + "\(Int(d.rounded())) m, bearing \(fixed((bearing + 360).truncatingRemainder(dividingBy: 360), 1))°, model \(parameters.radio.mode.rawValue)")
        if let dem = parameters.radio.dem { print("DEM \(dem.path): \(dem.width) × \(dem.height) cells, \(dem.crsCode ?? "CRS in WKT"), \(dem.noDataCount) no-data") }

        // The profile once: the ray of the first sector's antenna (every sector of a site shares the mast unless height_m differs).
        let link = links[0], budget = models[0].budget
        if let g0 = link.siteGround, !link.profile.isEmpty {
            let ae = parameters.radio.earthRadius
            let tx = g0 + budget.height, rx = (link.targetGround ?? g0) + budget.rxHeight
            print("")
            print(pad(["distance m", "ground m", "ray m", "clearance m"]))
            let n = link.profile.count
            let stride = max(1, (n + rows - 2) / (rows - 1))
            let obstructionDistance = link.obstruction.map { Geodesic.wgs84.distance(from: first.location, to: $0.location) }
            for (k, sample) in link.profile.enumerated() {
                let nearObstruction = obstructionDistance.map { abs(sample.distance - $0) < d / Double(n) / 2 } ?? false
                guard k % stride == 0 || k == n - 1 || nearObstruction else { continue }
                let x = sample.distance
                let ray = tx + (rx - tx) * x / d - x * (d - x) / (2 * ae)
                let ground = sample.ground.map { fixed($0, 1) } ?? "no data"
                let clearance = sample.ground.map { fixed(ray - $0, 1) } ?? ""
                print(pad([fixed(x, 0), ground, fixed(ray, 1), clearance]) + (nearObstruction ? "  ← obstruction" : ""))
            }
        } else if parameters.radio.dem != nil {
            print("The site has no height in the DEM (no-data or outside it): flat-terrain loss only.")
        }
        print("")
        for (m, l) in zip(models, links) {
            let s = m.sector, b = m.budget
            let beam = s.isOmnidirectional ? "omni" : "azimuth \(fixed(s.azimuth!, 0))° ± \(fixed(s.beamwidth / 2, 0))°"
            print("\(s.operator) \(s.tech.rawValue) (\(beam)): \(fixed(b.height, 0)) m mast, \(fixed(b.frequency, 0)) MHz, EIRP \(fixed(b.eirp, 1)) dBm, "
                  + "threshold \(fixed(b.threshold, 1)) dBm, MAPL \(fixed(b.mapl, 1)) dB, \(b.environment.rawValue)")
            if let loss = l.pathLoss {
                print("  basic loss (\(m.hata.model)) \(fixed(loss - l.diffraction, 1)) dB + terrain diffraction \(fixed(l.diffraction, 1)) dB = \(fixed(loss, 1)) dB"
                      + (m.hata.validity.map { "  [outside validity: \($0)]" } ?? ""))
            }
            print("  line of sight: \(l.lineOfSight ? "clear" : "blocked")"
                  + (l.obstruction.map { " by \(fixed($0.elevation, 0)) m ground at \(fixed($0.location.y, 6)), \(fixed($0.location.x, 6))" } ?? ""))
            let inBeam = m.inBeam(target)
            let reach = m.reach(parameters: parameters)
            print("  → \(l.covered && inBeam ? "covered" : "not covered")"
                  + (inBeam ? "" : " (outside the beam)") + (l.distance > reach ? " (beyond the reach of \(Int(reach.rounded())) m)" : ""))
        }
    }

    func pad(_ cells: [String]) -> String { cells.map { String(repeating: " ", count: max(0, 12 - $0.count)) + $0 }.joined() }
}
