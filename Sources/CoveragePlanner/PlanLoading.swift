import Foundation
import Geo
import GeoIO
import Coverage

extension InputLoader {
    /// Candidate site locations (`--candidates`): GeoJSON points, lon/lat, in file order.
    public mutating func candidateSites(_ fc: FeatureCollection, file: String) throws -> [Coordinate] {
        let toLonLat = try lonLatTransform(fc, file: file)
        var out: [Coordinate] = []
        for f in fc.features {
            let fail = Self.failure(file, f)
            guard let shape = f.geometry else { throw fail("geometry", "null; a candidate site is a Point") }
            switch try checked(shape, toLonLat, fail) {
            case .point(let c): out.append(c)
            case .multiPoint(let cs): out.append(contentsOf: cs)
            default: throw fail("geometry", "a \(shape.typeName); a candidate site is a Point or MultiPoint")
            }
        }
        return out
    }

    /// Corridors a fibre extension may follow (`--corridors`: roads, power lines): GeoJSON lines, lon/lat.
    public mutating func corridors(_ fc: FeatureCollection, file: String) throws -> [[Coordinate]] {
        let toLonLat = try lonLatTransform(fc, file: file)
        var out: [[Coordinate]] = []
        for f in fc.features {
            let fail = Self.failure(file, f)
            guard let shape = f.geometry else { throw fail("geometry", "null; a corridor is a LineString") }
            switch try checked(shape, toLonLat, fail) {
            case .lineString(let cs): out.append(cs)
            case .multiLineString(let ls): out.append(contentsOf: ls)
            default: throw fail("geometry", "a \(shape.typeName); a corridor is a LineString or MultiLineString")
            }
        }
        return out
    }
}
