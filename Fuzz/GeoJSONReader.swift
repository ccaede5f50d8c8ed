// libFuzzer target for GeoJSONReader, compiled by Scripts/fuzz in one module with Geo's, GeoIO's
// and FileCommit's sources (so there is nothing to import).
//
// Oracle: any bytes either read or fail with an InputError (never a trap, a hang or a memory
// error); the features array split between threads (as large files are read) gives the same
// collection or the same error as reading in order; and whatever was read is written back by
// GeoJSONWriter as GeoJSON that reads again into the same features with the same geometry types.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSONReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let split = Result { try GeoJSONReader.read(input, source: "fuzz.geojson", jobs: 2, parallelBytes: 0) }
    let collection: FeatureCollection
    do {
        collection = try GeoJSONReader.read(input, source: "fuzz.geojson", jobs: 1)
    } catch let error as InputError {
        _ = error.description
        guard case .failure(let other as InputError) = split, other == error else {
            fatalError("the split read disagrees with the ordered read's error \(error): \(split)")
        }
        return 0
    } catch {
        fatalError("GeoJSONReader threw \(type(of: error)), not an InputError: \(error)")
    }
    guard case .success(let other) = split, other == collection else {
        fatalError("the split read disagrees with the ordered read: \(split)")
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
