import Foundation
import Geo

extension ProjectedFootprint {
    /// Every sector's propagation-model footprint in lon/lat, on all cores, in input order.
    static func modelLonLat(_ sectors: [Sector], parameters: AnalysisParameters, jobs: Int) throws -> [RadioFootprint] {
        try SectorModel.footprints(of: sectors, parameters: parameters, jobs: jobs)
    }

    /// A lon/lat model footprint in the CRS `crs`.
    static func projecting(_ footprint: RadioFootprint, of sector: Sector, to crs: String) throws -> ProjectedFootprint {
        try projecting([footprint], of: [sector], to: crs)[0]
    }

    /// Footprints that share their corners (`RadioFootprint.cornerKey`) in the CRS `crs`: the
    /// corners go through PROJ once.
    static func projecting(_ footprints: [RadioFootprint], of sectors: [Sector], to crs: String) throws -> [ProjectedFootprint] {
        guard let first = footprints.first else { return [] }
        let corners = try first.corners(in: try Projection.cached(from: "EPSG:4326", to: crs))
        return zip(footprints, sectors).map { footprint, sector in
            let projected = footprint.projected(corners: corners)
            return ProjectedFootprint(sector, polygons: projected.polygons, inner: projected.inner, of: footprint)
        }
    }

    /// What the model has to say of a run's footprints (`footprints[i]` is `sectors[i]`'s).
    static func modelWarnings(_ sectors: [Sector], _ footprints: [RadioFootprint], parameters: AnalysisParameters) -> [String] {
        var warnings: [String] = []
        var outside: [String: Int] = [:], order: [String] = []
        if parameters.radio.mode != .los {
            for s in sectors {
                let hata = SectorModel(s, parameters: parameters).hata
                guard let v = hata.validity.map({ "\(hata.model): \($0)" }) else { continue }
                if outside[v] == nil { order.append(v) }
                outside[v, default: 0] += 1
            }
        }
        for v in order { warnings.append("\(outside[v]!) sector\(outside[v]! == 1 ? "" : "s") outside the model's validity: \(v)") }
        let off = footprints.indices.filter { footprints[$0].siteOffDEM }
        if let first = off.first {
            warnings.append("\(off.count) sector\(off.count == 1 ? "" : "s") stand on no-data or outside the DEM (first: site \(sectors[first].siteID)); their footprints are flat-terrain ones")
        }
        let missing = footprints.reduce(0) { $0 + $1.noDataSamples }
        if missing > 0 {
            warnings.append("\(missing) terrain samples fell on no-data cells or outside the DEM; each took the last height before it along its radial")
        }
        return warnings
    }
}

extension Footprint {
    /// Every sector's footprint in lon/lat under the parameters' propagation model (flat wedges
    /// for `fixed`), on all cores, in input order; with each footprint's reach in metres.
    public static func shapes(of sectors: [Sector], parameters: AnalysisParameters) throws -> [(shape: Shape, reach: Double)] {
        if parameters.radio.mode == .fixed {
            return sectors.map { (shape(of: $0, parameters: parameters), parameters.radius(for: $0)) }
        }
        return try SectorModel.footprints(of: sectors, parameters: parameters, jobs: max(1, parameters.jobs ?? defaultJobs)).map { ($0.shape, $0.reach) }
    }
}

extension ProjectedFootprint {
    /// One sector's footprint under the parameters' model: in the working CRS `crs`, in lon/lat,
    /// and its reach in metres (the radius for `fixed`). What the planner tries candidate sites with.
    public static func of(_ sector: Sector, parameters: AnalysisParameters, crs: String) throws -> (projected: ProjectedFootprint, lonLat: Shape, reach: Double) {
        let p = try Projection.cached(from: "EPSG:4326", to: crs)
        if parameters.radio.mode == .fixed {
            let radius = parameters.radius(for: sector)
            let ring = Footprint.ring(of: sector, radius: radius, arcStep: parameters.arcStep)
            return (ProjectedFootprint(sector, ring: try p.transformed(ring), radius: radius), .polygon([ring]), radius)
        }
        let f = try SectorModel(sector, parameters: parameters).footprint(parameters: parameters)
        return (try projecting(f, of: sector, to: crs), f.shape, f.reach)
    }
}
