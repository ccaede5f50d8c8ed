import ArgumentParser
import Coverage
import FileCommit
import Foundation
import Geo

extension PropagationMode: ExpressibleByArgument {}
extension Environment: ExpressibleByArgument {}

/// The radio model (docs/radio-model.md): propagation mode, terrain, link budget defaults. Shared
/// by every command that builds footprints.
struct RadioOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Terrain heights: any raster GDAL reads (GeoTIFF, SRTM .hgt, ESRI ASCII grid, VRT), metres, any CRS.", valueName: "file"))
    var dem: String?

    @Option(help: ArgumentHelp("How footprints are drawn: fixed (flat wedges of radius_m / --radius-*), hata (Okumura–Hata / COST-231 link budget on flat ground), terrain (hata plus terrain diffraction over --dem), los (line of sight over --dem within the radius).",
                               discussion: "Default: terrain with --dem (and for the bundled data, over its dem.tif), else fixed."))
    var propagation: PropagationMode?

    @Option(help: "Clutter class of sites without an environment column: urban, suburban, rural, open.")
    var environment: Environment = .suburban

    @Option(name: .customLong("rx-height-m"), help: "Receiver antenna height above ground, metres.")
    var rxHeight: Double = 1.5

    @Option(name: .customLong("threshold-dbm-2g"), help: "Received level a 2G sector must deliver, dBm.")
    var threshold2G: Double = Tech.g2.defaultThreshold
    @Option(name: .customLong("threshold-dbm-3g"), help: "Received level a 3G sector must deliver, dBm.")
    var threshold3G: Double = Tech.g3.defaultThreshold
    @Option(name: .customLong("threshold-dbm-4g"), help: "Received level a 4G sector must deliver, dBm.")
    var threshold4G: Double = Tech.g4.defaultThreshold
    @Option(name: .customLong("threshold-dbm-5g"), help: "Received level a 5G sector must deliver, dBm.")
    var threshold5G: Double = Tech.g5.defaultThreshold

    var mode: PropagationMode { propagation ?? (dem == nil ? .fixed : .terrain) }

    func validate() throws {
        guard rxHeight > 0 && rxHeight <= 100 else { throw ValidationError("--rx-height-m must be in (0, 100] metres, got \(rxHeight)") }
        for (name, t) in [("2g", threshold2G), ("3g", threshold3G), ("4g", threshold4G), ("5g", threshold5G)] where !(-200...0).contains(t) {
            throw ValidationError("--threshold-dbm-\(name) must be in −200…0 dBm, got \(t)")
        }
        if mode == .fixed && dem != nil {
            throw ValidationError("--dem is not used by --propagation fixed; leave it out or choose hata, terrain or los")
        }
    }

    /// The model's parameters with the radio model applied; reads the DEM once.
    /// - Parameter bundled: the bundled data's folder when the run reads it: its `dem.tif` is the
    ///   terrain unless `--dem` names another or `--propagation fixed` asks for flat wedges.
    func parameters(_ base: AnalysisParameters, bundled: String? = nil) throws -> AnalysisParameters {
        parameters(base, terrain: try terrain(bundled: bundled))
    }

    /// The propagation mode and, for one that needs it, the DEM read and its file fingerprinted
    /// (what `parameters(_:terrain:)` applies): the slow part, which a run can do beside reading
    /// its other inputs.
    func terrain(bundled: String? = nil) throws -> Terrain {
        var dem = dem.map { (path: $0, display: $0) }
        var mode = mode
        if dem == nil, propagation != .fixed, let bundled, FileManager.default.fileExists(atPath: "\(bundled)/\(BundledData.demFile)") {
            dem = ("\(bundled)/\(BundledData.demFile)", "\(BundledData.folder)/\(BundledData.demFile)")
            mode = propagation ?? .terrain
        }
        if (mode == .terrain || mode == .los) && dem == nil {
            throw ValidationError("--propagation \(mode.rawValue) needs --dem FILE (a terrain raster)")
        }
        guard let dem, mode != .fixed else { return Terrain(mode: mode) }
        // The grid is read while the file is fingerprinted: the file named (for a VRT, the VRT
        // itself); nil for GDAL's virtual paths (/vsizip/…).
        let (raster, sha256) = try sideBySide({ try Raster(contentsOf: dem.path, named: dem.display) },
                                              { SHA256.hex(ofFileAt: dem.path) })
        return Terrain(mode: mode, dem: raster, sha256: sha256)
    }

    /// The propagation mode a run uses, and its DEM (with the file's SHA-256) when the mode reads one.
    struct Terrain {
        var mode: PropagationMode
        var dem: Raster?
        var sha256: String?
    }

    func parameters(_ base: AnalysisParameters, terrain: Terrain) -> AnalysisParameters {
        var p = base
        p.radio.mode = terrain.mode
        p.radio.environment = environment
        p.radio.rxHeight = rxHeight
        p.radio.threshold = [.g2: threshold2G, .g3: threshold3G, .g4: threshold4G, .g5: threshold5G]
        if let dem = terrain.dem { (p.radio.dem, p.radio.demSHA256) = (dem, terrain.sha256) }
        return p
    }
}
