import ArgumentParser
import Coverage
import Foundation
import GeoIO

/// The input files of an analysis, and reading them into the model.
struct InputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Villages: GeoJSON FeatureCollection of Polygon/MultiPolygon with id and name.", valueName: "file"))
    var villages: String?

    @Option(help: ArgumentHelp("Sites: CSV with one row per sector (or an OpenCelliD export, or GeoJSON points).", valueName: "file"))
    var sites: String?

    @Option(help: ArgumentHelp("Fibre routes and access nodes: GeoJSON lines and points.", valueName: "file"))
    var fibre: String?

    @Option(help: ArgumentHelp("Priority places: GeoJSON points or polygons with id, name, category.", valueName: "file"))
    var places: String?

    var usesBundledData: Bool { villages == nil && sites == nil && fibre == nil && places == nil }

    func validate() throws {
        if !usesBundledData && (villages == nil || sites == nil) {
            throw ValidationError("give both --villages and --sites (or no input at all for the bundled Bình Định data)")
        }
    }
}

extension InputOptions {
    /// The files to read: those given, or the bundled data's.
    func inputSet(inputCRS: String?) throws -> InputSet {
        if usesBundledData { return try InputSet.bundled(inputCRS: inputCRS) }
        return InputSet(villages: villages, sites: sites, fibre: fibre, places: places, inputCRS: inputCRS)
    }

    /// Reads and checks every input file (see `InputSet.load`).
    func load(inputCRS: String?) throws -> LoadedInputs {
        try inputSet(inputCRS: inputCRS).load()
    }
}

extension InputOptions {
    /// The bundled data's terrain, when the run is on the bundled data and it has one.
    func bundledDEM() throws -> (path: String, display: String)? {
        guard usesBundledData else { return nil }
        let root = try BundledData.locate()
        guard FileManager.default.fileExists(atPath: "\(root)/dem.tif") else { return nil }
        return ("\(root)/dem.tif", "\(BundledData.folder)/dem.tif")
    }
}
