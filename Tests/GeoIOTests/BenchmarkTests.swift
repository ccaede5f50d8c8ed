import XCTest
import Foundation
@testable import GeoIO

/// Throughput of the GeoJSON reader and writer on a generated file. Skipped unless
/// `GEOIO_BENCH_MB` is set (e.g. `GEOIO_BENCH_MB=100 swift test -c release --filter BenchmarkTests`);
/// for peak memory, run a release binary under `/usr/bin/time -v`.
final class BenchmarkTests: XCTestCase {
    func testGeoJSONThroughput() throws {
        guard let mb = ProcessInfo.processInfo.environment["GEOIO_BENCH_MB"].flatMap(Int.init) else {
            throw XCTSkip("set GEOIO_BENCH_MB to run")
        }
        var text: [UInt8] = Array(#"{"type":"FeatureCollection","features":["#.utf8)
        var generator = SystemRandomNumberGenerator()
        var k = 0
        while text.count < mb * 1_000_000 {
            let cx = 108.5 + Double.random(in: 0..<1, using: &generator)
            let cy = 14.0 + Double.random(in: 0..<1, using: &generator)
            var ring: [String] = []
            for i in 0..<200 {
                let a = 2 * Double.pi * Double(i) / 200
                ring.append("[\(fixed(cx + 0.01 * cos(a), 7)),\(fixed(cy + 0.01 * sin(a), 7))]")
            }
            ring.append(ring[0])
            let line = (k == 0 ? "\n" : ",\n") + #"{"type":"Feature","properties":{"id":"V\#(k)","name":"Làng Kà Bưng","commune":"Canh Liên"},"geometry":{"type":"Polygon","coordinates":[["#
                + ring.joined(separator: ",") + "]]}}"
            text.append(contentsOf: line.utf8)
            k += 1
        }
        text.append(contentsOf: "\n]}\n".utf8)

        let t0 = Date()
        let fc = try GeoJSONReader.read(bytes: text, source: "bench.geojson")
        let t1 = Date()
        let out = GeoJSONWriter().encode(fc)
        let t2 = Date()
        XCTAssertEqual(fc.features.count, k)
        let size = Double(text.count) / 1e6
        print(String(format: "GeoJSON %.0f MB, %d features: read %.0f MB/s, write %.0f MB/s",
                     size, k, size / t1.timeIntervalSince(t0), Double(out.count) / 1e6 / t2.timeIntervalSince(t1)))
    }
}
