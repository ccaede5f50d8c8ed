import ArgumentParser
import Coverage
import Foundation
import GeoIO

/// The input files of an analysis, and reading them into the model.
struct InputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Villages: polygons with id and name (GeoJSON, or any GDAL vector source: .shp, .gpkg, .tab, .kml, PG:…; file:layer picks a layer).", valueName: "file"))
    var villages: String?

    @Option(help: ArgumentHelp("Sites: CSV with one row per sector (or an OpenCelliD export, GeoJSON points, an .xlsx/.ods sheet, or any GDAL point layer).", valueName: "file"))
    var sites: String?

    @Option(help: ArgumentHelp("Fibre routes and access nodes: lines and points (GeoJSON or any GDAL source; every layer is read).", valueName: "file"))
    var fibre: String?

    @Option(help: ArgumentHelp("Priority places: points or polygons with id, name, category (GeoJSON or any GDAL source).", valueName: "file"))
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
    func inputSet(inputCRS: String?, formats: InputFormatOptions? = nil) throws -> InputSet {
        var set = usesBundledData ? try InputSet.bundled(inputCRS: inputCRS)
            : InputSet(villages: villages, sites: sites, fibre: fibre, places: places, inputCRS: inputCRS, centres: formats?.centres)
        if let formats { set.fieldNames = formats.fieldNames }
        return set
    }

    /// Reads and checks every input file (see `InputSet.load`).
    func load(inputCRS: String?, formats: InputFormatOptions? = nil) throws -> LoadedInputs {
        try inputSet(inputCRS: inputCRS, formats: formats).load()
    }
}
