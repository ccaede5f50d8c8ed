import Foundation
import Geo

/// A DEM written by GDAL itself: an ESRI ASCII grid converted to GeoTIFF by gdal_translate.
public enum DEMFile {
    /// `height(x, y)` at each cell centre, x and y in metres of `crs`; cells of `cell` metres
    /// from (`minX`, `minY`) to (`maxX`, `maxY`). Returns the GeoTIFF's path.
    public static func write(minX: Double, minY: Double, maxX: Double, maxY: Double, cell: Double,
                             crs: String = "EPSG:32649", noData: Double = -9999,
                             _ height: (Double, Double) -> Double) throws -> String {
        let cols = Int(((maxX - minX) / cell).rounded()), rows = Int(((maxY - minY) / cell).rounded())
        let dir = try TestFolders.make("dem")
        var text = "ncols \(cols)\nnrows \(rows)\nxllcorner \(minX)\nyllcorner \(minY)\ncellsize \(cell)\nNODATA_value \(noData)\n"
        text.reserveCapacity(cols * rows * 8)
        for r in 0..<rows {
            let y = maxY - (Double(r) + 0.5) * cell
            text += (0..<cols).map { c in String(format: "%.3f", height(minX + (Double(c) + 0.5) * cell, y)) }.joined(separator: " ")
            text += "\n"
        }
        let asc = dir.appendingPathComponent("dem.asc").path
        try text.write(toFile: asc, atomically: true, encoding: .utf8)
        let tif = dir.appendingPathComponent("dem.tif").path
        try runTool("/usr/bin/gdal_translate", ["-q", "-of", "GTiff", "-ot", "Float32", "-a_srs", crs, asc, tif])
        return tif
    }

    /// Runs a GDAL command-line tool; its standard output. Throws, with what the tool said, when it fails.
    @discardableResult
    public static func runTool(_ tool: String, _ args: [String]) throws -> String {
        let r = try Tool.run(tool, args)
        guard r.status == 0 else { throw GeoError.invalidInput("\(tool) \(args) exited \(r.status): \(r.stderr)") }
        return r.stdout
    }
}
