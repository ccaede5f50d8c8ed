// libFuzzer target for the GDAL vector reader (VectorSource through VectorInput, then the village
// loader), compiled by Scripts/fuzz in one module with the sources of Geo, GeoIO, FileCommit and
// Coverage, and linked with the system's GDAL.
//
// The first byte picks the format by the file's extension (KML, GeoPackage, GML, FlatGeobuf,
// GPX, MapInfo MIF, or a GeoJSON that GDAL reads); the rest is written to a file of that name,
// as a planner's file would arrive. Oracle: any bytes either read or fail with an InputError
// (never a trap, a hang, a memory error or an error of another type), every layer converts to
// features and to a table, and the village loader either accepts the features or refuses them
// with an InputError.

import Foundation

private let extensions = ["kml", "gpkg", "gml", "fgb", "gpx", "mif", "geojsonseq", "shp.zip"]
private let folder: String = {
    let path = NSTemporaryDirectory() + "covgap-fuzz-ogr-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOGR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let ext = extensions[Int(data[0]) % extensions.count]
    let path = "\(folder)/input.\(ext)"
    let bytes = Data(bytes: data + 1, count: size - 1)
    guard FileManager.default.createFile(atPath: path, contents: bytes) else { fatalError("cannot write \(path)") }
    defer {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            try? FileManager.default.removeItem(atPath: "\(folder)/\(name)")
        }
    }
    do {
        let layers = try VectorInput.read(VectorInput.Source(path), display: "fuzz.\(ext)", assumedCRS: nil)
        for layer in layers {
            let fc = VectorInput.featureCollection(layer)
            precondition(fc.features.count == layer.features.count, "features lost converting layer \(layer.name)")
            do {
                let table = try VectorInput.table(layer, display: "fuzz.\(ext)")
                precondition(table.rows.count == layer.features.count, "rows lost converting layer \(layer.name)")
                precondition(table.rows.allSatisfy { $0.fields.count == table.header.count }, "a row's fields do not match the header")
            } catch let error as InputError {
                _ = error.description
            }
            var loader = InputLoader(inputCRS: nil)
            do {
                let villages = try loader.villages(fc, file: "fuzz.\(ext)")
                precondition(villages.count == fc.features.count, "villages lost from layer \(layer.name)")
            } catch let error as InputError {
                _ = error.description
            }
        }
    } catch let error as InputError {
        _ = error.description
    } catch {
        fatalError("the GDAL reader threw \(type(of: error)), not an InputError: \(error)")
    }
    return 0
}
