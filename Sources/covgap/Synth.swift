import ArgumentParser
import Coverage
import Foundation
import FileCommit
import SyntheticData
import Geo
import GeoIO

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a synthetic national-scale dataset, for benchmarks and cross-checks.",
        discussion: """
        Writes villages.geojson, sites.csv, fibre.geojson and places.geojson into --out: villages \
        as irregular polygons of about 3 km² (50–200 vertices; a few with holes or two parts) on a \
        jittered grid in a band over Vietnam's longitudes, sites with one to four techs and three \
        sectors each, fibre routes between nearby village centres, and priority places. The same \
        flags always give byte-identical files.

        Examples:
          covgap synth --villages 20000 --out synth-20k
        """
    )

    @Option(help: "Number of villages.")
    var villages: Int = 2000

    @Option(help: "Number of sites, each with one to four techs and three sectors per tech (default: 0.6 per village).")
    var sites: Int?

    @Option(help: "Random seed: the same seed gives the same files.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Folder to write into (created if missing).", valueName: "dir"))
    var out: String

    @Flag(help: "Also write dem.tif: synthetic hills and valleys over the villages at one arc-second (about 30 m), for --dem.")
    var dem = false

    func validate() throws {
        guard villages >= 1 else { throw ValidationError("--villages must be at least 1") }
        if let sites, sites < 1 { throw ValidationError("--sites must be at least 1") }
    }

    func run() throws {
        let siteCount = sites ?? max(1, Int((Double(villages) * 0.6).rounded()))
        let input = SyntheticNetwork(villages: villages, sites: siteCount, seed: seed).generate()
        let writer = GeoJSONWriter(precision: 6)

        let villageFeatures: [(properties: JSONObject, geometry: Shape?)] = input.villages.map { v in
            var p: JSONObject = ["id": .string(v.id), "name": .string(v.name)]
            if let c = v.commune { p.append("commune", .string(c)) }
            if let d = v.district { p.append("district", .string(d)) }
            if let pr = v.province { p.append("province", .string(pr)) }
            if let n = v.population { p.append("population", .number(n)) }
            if let h = v.households { p.append("households", .number(h)) }
            if let c = v.center { p.append("center", [.number(c.x), .number(c.y)]) }
            return (p, v.shape)
        }

        var sites = CSVWriter(header: ["site_id", "operator", "tech", "lat", "lon", "azimuth", "beamwidth", "radius_m"])
        for s in input.sectors {
            sites.append([s.siteID, s.operator, s.tech.rawValue, fixed(s.location.y, 6), fixed(s.location.x, 6),
                          s.azimuth.map { fixed($0, 1) } ?? "", s.isOmnidirectional ? "" : fixed(s.beamwidth, 0),
                          s.radius.map { fixed($0, 0) } ?? ""])
        }

        let fibre: [(properties: JSONObject, geometry: Shape?)] = (input.fibre ?? []).map { f in
            (["id": f.id.map(JSONValue.string) ?? .null, "operator": f.operator.map(JSONValue.string) ?? .null], f.shape)
        }
        let places: [(properties: JSONObject, geometry: Shape?)] = (input.places ?? []).map { p in
            (["id": .string(p.id), "name": .string(p.name), "category": .string(p.category)], p.shape)
        }

        try OutputFolder(out).write([
            ("villages.geojson", writer.encode(villageFeatures)),
            ("sites.csv", sites.bytes),
            ("fibre.geojson", writer.encode(fibre)),
            ("places.geojson", writer.encode(places)),
        ])
        if dem {
            let (w, h) = try SyntheticTerrain(seed: seed).writeDEM(to: (out as NSString).appendingPathComponent("dem.tif"), covering: input)
            FileHandle.standardError.writeLine("covgap synth: dem.tif, \(w) × \(h) cells of 1″")
        }
        FileHandle.standardError.writeLine("covgap synth: \(input.villages.count) villages, \(siteCount) sites (\(input.sectors.count) sectors), \(input.fibre?.count ?? 0) fibre features, \(input.places?.count ?? 0) places → \(out)")
    }
}
