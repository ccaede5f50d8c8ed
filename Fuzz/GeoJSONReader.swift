// libFuzzer target for GeoJSONReader, compiled by Scripts/fuzz in one module with GeoIO's sources
// and Geo's Shape.swift (so there is nothing to import).
//
// Oracle: any bytes either read or fail with an InputError (never a trap, a hang or a memory
// error), and whatever was read is written back by GeoJSONWriter as GeoJSON that reads again
// into the same features with the same geometry types.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSONReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let collection: FeatureCollection
    do {
        collection = try GeoJSONReader.read(input, source: "fuzz.geojson")
    } catch let error as InputError {
        _ = error.description
        return 0
    } catch {
        fatalError("GeoJSONReader threw \(type(of: error)), not an InputError: \(error)")
    }
    let written = GeoJSONWriter(precision: 15).encode(collection)
    let again: FeatureCollection
    do {
        again = try GeoJSONReader.read(bytes: written, source: "rewritten.geojson")
    } catch {
        fatalError("GeoJSONWriter wrote GeoJSON that does not read back: \(error)\n\(String(decoding: written, as: UTF8.self))")
    }
    precondition(again.features.count == collection.features.count, "feature count changed on rewrite")
    for (a, b) in zip(collection.features, again.features) {
        precondition(a.geometry?.typeName == b.geometry?.typeName, "geometry type changed on rewrite")
        precondition(a.geometry?.coordinateCount == b.geometry?.coordinateCount, "coordinate count changed on rewrite")
        precondition(a.properties == b.properties, "properties changed on rewrite")
    }
    return 0
}
