import Coverage
import Foundation
import Geo

/// Deterministic hills and valleys for the synthetic province: value noise in five octaves
/// (wavelengths 40 km to 0.5 km), lifted into mountains where a slow field is high and flattened
/// towards a coastal plain where it is low, so that some villages sit in valleys behind ridges.
public struct SyntheticTerrain: Sendable {
    let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// Height in metres at (x, y) km from the synthetic origin.
    public func height(_ x: Double, _ y: Double) -> Float {
        let octaves: [(Double, Double)] = [(40, 1), (12, 0.45), (4, 0.2), (1.4, 0.08), (0.5, 0.03)]
        var n = 0.0
        for (k, (wavelength, amplitude)) in octaves.enumerated() {
            n += amplitude * noise(x / wavelength, y / wavelength, UInt64(k))
        }
        let mountains = max(0, min(1, 0.5 + 1.6 * noise(x / 90, y / 90, 9)))
        let h = 30 + mountains * mountains * 1400 * max(0, n + 0.35) + 40 * n
        return Float(max(0, h))
    }

    /// Smooth value noise in [−1, 1]: hashed lattice values, smoothstep between them.
    func noise(_ x: Double, _ y: Double, _ octave: UInt64) -> Double {
        let x0 = x.rounded(.down), y0 = y.rounded(.down)
        let tx = x - x0, ty = y - y0
        let sx = tx * tx * (3 - 2 * tx), sy = ty * ty * (3 - 2 * ty)
        let i = Int64(x0), j = Int64(y0)
        let a = lattice(i, j, octave), b = lattice(i + 1, j, octave)
        let c = lattice(i, j + 1, octave), d = lattice(i + 1, j + 1, octave)
        return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy
    }

    func lattice(_ i: Int64, _ j: Int64, _ octave: UInt64) -> Double {
        var z = seed &+ UInt64(bitPattern: i) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(bitPattern: j) &* 0xC2B2_AE3D_27D4_EB4F &+ octave &* 0x1656_67B1_9E37_79F9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / 4_503_599_627_370_496 - 1
    }

    /// Writes a GeoTIFF of this terrain in WGS 84 at one arc-second (about 30 m) over the
    /// villages and sites of `input`, with 0.1° around them. Returns the grid's columns and rows.
    @discardableResult
    public func writeDEM(to path: String, covering input: AnalysisInput) throws -> (width: Int, height: Int) {
        var box = Bounds(of: input.villages.compactMap { $0.shape.bounds }.flatMap {
            [Coordinate($0.minX, $0.minY), Coordinate($0.maxX, $0.maxY)]
        } + input.sectors.map(\.location)) ?? Bounds(minX: 104.6, minY: 10.2, maxX: 104.7, maxY: 10.3)
        box = Bounds(minX: box.minX - 0.1, minY: box.minY - 0.1, maxX: box.maxX + 0.1, maxY: box.maxY + 0.1)
        let cell = 1.0 / 3600
        let west = (box.minX / cell).rounded(.down) * cell, north = (box.maxY / cell).rounded(.up) * cell
        let width = Int(((box.maxX - west) / cell).rounded(.up)), height = Int(((north - box.minY) / cell).rounded(.up))
        // Rows are made a block at a time on every core, then written in order.
        let block = 256
        var pending: [[Float]] = [], pendingStart = 0
        try Raster.writeGeoTIFF(path: path, width: width, height: height, geoTransform: [west, cell, 0, north, 0, -cell],
                                crs: "EPSG:4326", noData: nil) { r in
            if r >= pendingStart + pending.count {
                pendingStart = r
                pending = concurrentMap(min(block, height - r), chunk: 8) { k in
                    let lat = north - (Double(r + k) + 0.5) * cell
                    return (0..<width).map { c in
                        let km = SyntheticNetwork.km(Coordinate(west + (Double(c) + 0.5) * cell, lat))
                        return self.height(km.x, km.y)
                    }
                }
            }
            return pending[r - pendingStart]
        }
        return (width, height)
    }
}
