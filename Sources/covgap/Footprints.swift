import ArgumentParser
import Coverage
import FileCommit
import Foundation
import Geo
import GeoIO

struct Footprints: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the sector footprints as GeoJSON, for map viewers.",
        discussion: """
        One polygon per sector (an omnidirectional antenna is a circle), with its site_id, \
        operator and tech, drawn as the analysis draws it: the edge of a sector is a series of \
        points every --arc-step degrees at its radius, joined by straight lines.

        Examples:
          covgap footprints --sites sites.csv --out footprints.geojson
          covgap footprints --sites sites.csv --arc-step 1 | ogr2ogr footprints.gpkg /vsistdin/
        """
    )

    @Option(help: ArgumentHelp("Sites: CSV (or OpenCelliD export, or GeoJSON points).", valueName: "file"))
    var sites: String

    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var out: String?

    @Option(help: "Decimals of coordinates.")
    var precision: Int = 6

    @OptionGroup var footprint: FootprintOptions
    @OptionGroup(title: "Radio model") var radio: RadioOptions

    func validate() throws {
        if let out, sameFile(out, sites) {
            throw ValidationError("--out \(out) is the sites file itself; writing there would replace the input")
        }
    }

    func run() throws {
        let loaded = try InputOptions(villages: nil, sites: sites, fibre: nil, places: nil).loadSites(inputCRS: footprint.inputCRS)
        for w in loaded.warnings { FileHandle.standardError.writeLine("covgap: warning: \(w)") }
        let parameters = try radio.parameters(footprint.parameters)
        let shapes = try Footprint.shapes(of: loaded.sectors, parameters: parameters)
        let features: [(properties: JSONObject, geometry: Shape?)] = zip(loaded.sectors, shapes).map { s, shape in
            let radius = shape.reach
            let props: JSONObject = [
                "site_id": .string(s.siteID), "operator": .string(s.operator), "tech": .string(s.tech.rawValue),
                "azimuth": s.isOmnidirectional ? .null : .number(s.azimuth!),
                "beamwidth": .number(s.isOmnidirectional ? 360 : s.beamwidth),
                "radius_m": .number(radius),
                "position_uncertainty_m": s.positionUncertainty.map(JSONValue.number) ?? .null,
            ]
            return (props, shape.shape)
        }
        let bytes = GeoJSONWriter(precision: precision).encode(features)
        if let out {
            try AtomicFile.write(bytes, to: out)
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}

extension InputOptions {
    init(villages: String?, sites: String?, fibre: String?, places: String?) {
        self.init()
        self.villages = villages; self.sites = sites; self.fibre = fibre; self.places = places
    }

    /// Just the sites file.
    func loadSites(inputCRS: String?) throws -> (sectors: [Sector], warnings: [String]) {
        guard let sites else { throw UsageError("--sites is required") }
        return try InputSet.sites(at: sites, inputCRS: inputCRS)
    }
}

/// Whether two paths name one file: the same path once symbolic links are resolved, or the same
/// device and inode (a hard link).
func sameFile(_ a: String, _ b: String) -> Bool {
    let ua = URL(fileURLWithPath: a).resolvingSymlinksInPath().standardizedFileURL
    let ub = URL(fileURLWithPath: b).resolvingSymlinksInPath().standardizedFileURL
    if ua.path == ub.path { return true }
    let fm = FileManager.default
    guard let x = try? fm.attributesOfItem(atPath: ua.path), let y = try? fm.attributesOfItem(atPath: ub.path) else { return false }
    return (x[.systemNumber] as? NSNumber) == (y[.systemNumber] as? NSNumber)
        && (x[.systemFileNumber] as? NSNumber) == (y[.systemFileNumber] as? NSNumber)
}
