// libFuzzer target for the household reader (points, CSV or GeoJSON), compiled by Scripts/fuzz in
// one module with the sources of Geo, GeoIO, FileCommit and Coverage.
//
// The first byte picks the form (even: CSV, odd: GeoJSON); the rest is the file. Oracle: any
// bytes either read or fail with an InputError (never a trap, a hang or a memory error), and
// every household point read lies in longitude/latitude with a finite, non-negative count.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHouseholds(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    var loader = InputLoader(inputCRS: nil)
    let points: [HouseholdPoint]
    do {
        if data[0] & 1 == 0 {
            points = try loader.households(try CSVReader.read(input, source: "fuzz.csv"))
        } else {
            points = try loader.households(try GeoJSONReader.read(input, source: "fuzz.geojson"), file: "fuzz.geojson")
        }
    } catch let error as InputError {
        _ = error.description
        return 0
    } catch {
        fatalError("the household reader threw \(type(of: error)), not an InputError: \(error)")
    }
    for p in points {
        precondition(p.count.isFinite && p.count >= 0, "a count of \(p.count) households was accepted")
        precondition(abs(p.location.x) <= 180 && abs(p.location.y) <= 90,
                     "a household at \(p.location.x), \(p.location.y) is outside longitude/latitude")
    }
    return 0
}
