// libFuzzer target for the speed-test reader (Ookla tiles and test points, CSV or GeoJSON),
// compiled by Scripts/fuzz in one module with the sources of Geo, GeoIO, FileCommit and Coverage.
//
// The first byte picks the form (even: CSV, odd: GeoJSON) and the class of tiles; the rest is
// the file. Oracle: any bytes either read or fail with an InputError (never a trap, a hang or a
// memory error), and every test read has a finite, non-negative download speed, an area in
// longitude/latitude, and a non-negative count of tests.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpeedTests(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let tileClass: SpeedClass = [.g4, .g5, .fixed][Int(data[0] >> 1) % 3]
    var loader = InputLoader(inputCRS: nil)
    let set: SpeedTestSet
    do {
        if data[0] & 1 == 0 {
            set = try loader.speedTests(try CSVReader.read(input, source: "fuzz.csv"), tileClass: tileClass)
        } else {
            set = try loader.speedTests(try GeoJSONReader.read(input, source: "fuzz.geojson"), file: "fuzz.geojson", tileClass: tileClass)
        }
    } catch let error as InputError {
        _ = error.description
        return 0
    } catch {
        fatalError("the speed-test reader threw \(type(of: error)), not an InputError: \(error)")
    }
    for t in set.tests {
        precondition(t.downloadMbps.isFinite && t.downloadMbps >= 0, "download \(t.downloadMbps) Mb/s was accepted")
        precondition(t.tests.isFinite && t.tests >= 0, "a count of \(t.tests) tests was accepted")
        try! t.area.forEachCoordinate { c in
            precondition(abs(c.x) <= 180 && abs(c.y) <= 90, "a test at \(c.x), \(c.y) is outside longitude/latitude")
        }
    }
    return 0
}
