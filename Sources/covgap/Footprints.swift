import ArgumentParser
import Coverage
import FileCommit
import Foundation
import Geo
import GeoIO

struct Footprints: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the sector footprints as GeoJSON, for map viewers."
    )

    @Option(help: ArgumentHelp("Sites: CSV (or OpenCelliD export, or GeoJSON points).", valueName: "file"))
    var sites: String

    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var out: String?

    @Option(help: "Decimals of coordinates.")
    var precision: Int = 6

    @OptionGroup var model: ModelOptions
    @OptionGroup(title: "Radio model") var radio: RadioOptions

    func run() throws {
        let loaded = try InputOptions(villages: nil, sites: sites, fibre: nil, places: nil).loadSites(inputCRS: model.inputCRS)
        for w in loaded.warnings { FileHandle.standardError.write("covgap: warning: \(w)\n") }
        let parameters = try radio.parameters(model)
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
