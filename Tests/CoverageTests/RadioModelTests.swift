import XCTest
import Geo
@testable import Coverage
import TestSupport

/// The propagation models against figures computed by hand from the Hata, COST-231 and ITU-R P.526
/// formulas, on DEMs written by GDAL.
final class RadioModelTests: XCTestCase, UTMFrame {
    func radioParameters(_ mode: PropagationMode, dem: String?, arcStep: Double = 2) throws -> AnalysisParameters {
        var p = parameters(jobs: 2)
        p.arcStep = arcStep
        p.radio.mode = mode
        p.radio.dem = try dem.map { try Raster(contentsOf: $0) }
        return p
    }

    /// A flat DEM at 120 m around the origin, 50 m cells, 36 km square.
    func flatDEM() throws -> String {
        try DEMFile.write(minX: origin.x - 18_000, minY: origin.y - 18_000, maxX: origin.x + 18_000, maxY: origin.y + 18_000,
                          cell: 50) { _, _ in 120 }
    }

    /// Area-equivalent radius of a footprint, metres.
    func radius(_ fp: RadioFootprint) throws -> Double {
        let g = try Geometry(try Projection.cached(from: "EPSG:4326", to: utm).transform(fp.shape))
        return (try g.area() / .pi).squareRoot()
    }

    func testHataFormulasByHand() {
        // 900 MHz, hb 30 m, hm 1.5 m: a(hm) = (1.1·2.95424 − 0.7)·1.5 − (1.56·2.95424 − 0.8) = 0.01588;
        // urban L(1 km) = 69.55 + 26.16·2.95424 − 13.82·1.47712 − 0.01588 = 126.4033;
        // suburban −2·log²(900/28) − 5.4 = −9.9426; slope 44.9 − 6.55·1.47712 = 35.2249 dB/decade.
        let h900 = Hata(frequency: 900, baseHeight: 30, mobileHeight: 1.5, environment: .suburban)
        XCTAssertEqual(h900.a, 116.4607, accuracy: 1e-3)
        XCTAssertEqual(h900.b, 35.2249, accuracy: 1e-3)
        XCTAssertEqual(h900.model, "Okumura–Hata")
        XCTAssertNil(h900.validity)
        // 1800 MHz COST-231: 46.3 + 33.9·3.25527 − 20.4138 − 0.04297 = 136.1969; suburban −11.9386.
        let h1800 = Hata(frequency: 1800, baseHeight: 30, mobileHeight: 1.5, environment: .suburban)
        XCTAssertEqual(h1800.a, 124.2584, accuracy: 1e-3)
        XCTAssertEqual(h1800.model, "COST-231 Hata")
        // Rural 900: urban − 4.78·log²f + 18.33·log f − 35.94 = 126.4033 − 23.5064.
        XCTAssertEqual(Hata(frequency: 900, baseHeight: 30, mobileHeight: 1.5, environment: .rural).a, 102.8969, accuracy: 1e-3)
        XCTAssertNotNil(Hata(frequency: 3500, baseHeight: 30, mobileHeight: 1.5, environment: .urban).validity)
        // J(ν) from P.526 eq. 31: J(0) = 6.9 + 20·log10(√1.01 − 0.1) = 6.033 dB; J(−0.78) = 0.
        XCTAssertEqual(knifeEdgeLoss(0), 6.9 + 20 * log10(1.01.squareRoot() - 0.1), accuracy: 1e-12)
        XCTAssertEqual(knifeEdgeLoss(0), 6.03, accuracy: 0.01)
        XCTAssertEqual(knifeEdgeLoss(-1), 0)
        for v in [-0.5, 0, 0.7, 1.8973, 5] { XCTAssertEqual(inverseKnifeEdgeLoss(knifeEdgeLoss(v)), v, accuracy: 1e-9) }
        XCTAssertEqual(inverseKnifeEdgeLoss(0), -0.78)
    }

    func testFlatTerrainRadiusMatchesHandComputedHata() throws {
        let dem = try flatDEM()
        // Default link budget: EIRP 58 dBm, threshold −87 dBm, MAPL 145 dB, suburban.
        // 900 MHz: 10^((145 − 116.4607)/35.2249) km = 6.4596 km; 1800 MHz: 10^((145 − 124.2584)/35.2249) = 3.8800 km.
        for (tech, expected) in [(Tech.g2, 6459.6), (Tech.g4, 3880.0)] {
            let s = Sector(siteID: "S", operator: "V", tech: tech, location: try lonLat(0, 0))
            for mode in [PropagationMode.hata, .terrain] {
                let p = try radioParameters(mode, dem: mode == .terrain ? dem : nil)
                let fp = try SectorModel(s, parameters: p).footprint(parameters: p)
                XCTAssertEqual(fp.polygons.count, 1)
                XCTAssertEqual(fp.polygons[0].count, 1, "no holes on flat ground")
                XCTAssertEqual(try radius(fp), expected, accuracy: expected * 0.01, "\(tech) \(mode)")
            }
        }
    }

    func testFlatDEMTerrainGivesHataFractions() throws {
        let dem = try flatDEM()
        let sectors = [
            Sector(siteID: "A", operator: "V", tech: .g2, location: try lonLat(0, 0)),
            Sector(siteID: "B", operator: "M", tech: .g4, location: try lonLat(5000, 2000), azimuth: 200, beamwidth: 120),
            Sector(siteID: "C", operator: "M", tech: .g5, location: try lonLat(-3000, -1000), radius: 900),
        ]
        var villages: [Village] = []
        for i in 0..<5 {
            for j in 0..<5 {
                let x = Double(i) * 2600 - 6000, y = Double(j) * 2600 - 6000
                villages.append(Village(id: "\(i)-\(j)", name: "V", shape: .polygon([try squareRing(x, y, 1000)])))
            }
        }
        let input = AnalysisInput(villages: villages, sectors: sectors)
        let hata = try CoverageAnalysis(input: input, parameters: try radioParameters(.hata, dem: nil)).run()
        let terrain = try CoverageAnalysis(input: input, parameters: try radioParameters(.terrain, dem: dem)).run()
        var partial = 0
        for (a, b) in zip(hata.villages, terrain.villages) {
            for (x, y) in zip(a.fractions + a.operatorFractions, b.fractions + b.operatorFractions) {
                XCTAssertEqual(x, y, accuracy: 1e-3)
            }
            if a.fraction(.mobile) > 0.01 && a.fraction(.mobile) < 0.99 { partial += 1 }
        }
        XCTAssertGreaterThan(partial, 2, "some villages straddle a footprint edge")
    }

    /// A DEM at 0 m with one 10 m-wide north–south ridge of `height` at x = `ridgeX` metres from the origin.
    func ridgeDEM(ridgeX: Double, height: Double, cell: Double = 10) throws -> String {
        try DEMFile.write(minX: origin.x - 2_000, minY: origin.y - 3_000, maxX: origin.x + 7_000, maxY: origin.y + 3_000,
                          cell: cell) { x, _ in abs(x - (origin.x + ridgeX)) < cell / 2 ? height : 0 }
    }

    func testKnifeEdgeMatchesP526() throws {
        let dem = try ridgeDEM(ridgeX: 2005, height: 40)
        // Site and receiver on cell centres 4 km apart, the ridge cell's centre midway.
        let s = Sector(siteID: "S", operator: "V", tech: .g2, location: try lonLat(5, 5))
        let p = try radioParameters(.terrain, dem: dem)
        let link = try SectorModel(s, parameters: p).link(to: try lonLat(4005, 5), parameters: p)
        // By hand: d1 = d2 = 2000 m; Earth bulge d1·d2/(2·8494.667 km) = 0.2354 m; the ray from 30 m to
        // 1.5 m passes 15.75 m at the ridge, so h = 40 + 0.2354 − 15.75 = 24.485 m. λ = 299.79/900 = 0.33310 m;
        // ν = h·√(2d/(λ·d1·d2)) = 24.485·0.077487 = 1.8973; J(ν) = 6.9 + 20·log10(√((ν−0.1)²+1) + ν − 0.1) = 18.62 dB.
        // Smooth earth over 4 km with these heights is clear (J = 0).
        XCTAssertEqual(link.distance, 4000, accuracy: 2)
        XCTAssertEqual(link.diffraction, 18.62, accuracy: 0.5)
        XCTAssertFalse(link.lineOfSight)
        let o = try XCTUnwrap(link.obstruction)
        XCTAssertEqual(o.elevation, 40, accuracy: 1e-6)
        XCTAssertEqual(try metres(o.location).x, 2005, accuracy: 10)
        // Basic loss at 4 km: 116.4607 + 35.2249·log10(4) = 137.668 dB.
        XCTAssertEqual(link.pathLoss!, 137.668 + link.diffraction, accuracy: 0.01)
    }

    func testHighRidgeDarkensTheVillageBehindIt() throws {
        let dem = try ridgeDEM(ridgeX: 1505, height: 150, cell: 30)
        let s = Sector(siteID: "S", operator: "V", tech: .g2, location: try lonLat(0, 0))
        let behind = Village(id: "behind", name: "Làng O2", shape: .polygon([try squareRing(2900, -100, 200)]))
        let before = Village(id: "before", name: "Thôn 1", shape: .polygon([try squareRing(500, -100, 200)]))
        let input = AnalysisInput(villages: [behind, before], sectors: [s])
        let fixed = try CoverageAnalysis(input: input, parameters: parameters(jobs: 1)).run()
        XCTAssertEqual(fixed.villages[0].mobileStatus, .covered)
        let terrain = try CoverageAnalysis(input: input, parameters: try radioParameters(.terrain, dem: dem)).run()
        XCTAssertEqual(terrain.villages[0].mobileStatus, .uncovered)
        XCTAssertEqual(terrain.villages[0].fraction(.mobile), 0)
        XCTAssertEqual(terrain.villages[1].mobileStatus, .covered)
        // Without the ridge (hata) the same village is covered: Hata's 6.46 km reaches it.
        let hata = try CoverageAnalysis(input: input, parameters: try radioParameters(.hata, dem: nil)).run()
        XCTAssertEqual(hata.villages[0].mobileStatus, .covered)
    }

    func testRidgeLeavesAFarSlopeCoveredAsASecondStretch() throws {
        // A 60 m ridge at 1.5 km, then ground rising to 300 m at 5 km: a far slope seen over the shadow.
        let dem = try DEMFile.write(minX: origin.x - 1_000, minY: origin.y - 3_000, maxX: origin.x + 7_000, maxY: origin.y + 3_000,
                                    cell: 30) { x, _ in
            let d = x - origin.x
            if abs(d - 1515) < 15 { return 60 }
            return d > 2500 ? min(300, (d - 2500) * 0.15) : 0
        }
        let s = Sector(siteID: "S", operator: "V", tech: .g2, location: try lonLat(15, 15), azimuth: 90, beamwidth: 30)
        let p = try radioParameters(.los, dem: dem)
        var pp = p
        pp.radius[.g2] = 6000
        let fp = try SectorModel(s, parameters: pp).footprint(parameters: pp)
        XCTAssertEqual(fp.polygons.count, 2, "the near stretch and the far slope")
    }

    func testTwoCarriersOfOneAntennaCountOnceInTheSweep() throws {
        // 4G at 1800 and at 2600 MHz on one sector of one operator, over hills: the 1800 MHz
        // footprint holds the 2600 MHz one, counts for the same layers, and is all the sweep needs.
        let dem = try DEMFile.write(minX: origin.x - 9_000, minY: origin.y - 9_000, maxX: origin.x + 9_000, maxY: origin.y + 9_000,
                                    cell: 30) { x, y in
            150 + 80 * sin((x - origin.x) / 700) * cos((y - origin.y) / 900)
        }
        let p = try radioParameters(.terrain, dem: dem)
        let location = try lonLat(0, 0)
        var low = Sector(siteID: "S", operator: "V", tech: .g4, location: location, azimuth: 45, beamwidth: 65)
        low.frequencyMHz = 1800
        var high = low
        high.frequencyMHz = 2600
        var other = high
        other.operator = "M"
        let sectors = [high, low, other]
        let lonLatFootprints = try SectorModel.footprints(of: sectors, parameters: p, jobs: 1)
        XCTAssertTrue(lonLatFootprints[0].heldBy.contains(lonLatFootprints[1].cells), "1800 MHz holds 2600 MHz")
        XCTAssertFalse(lonLatFootprints[1].heldBy.contains(lonLatFootprints[0].cells), "and not the other way round")
        let toUTM = try Projection.cached(from: "EPSG:4326", to: utm)
        let projected = try zip(sectors, lonLatFootprints).map { s, f in ProjectedFootprint(s, polygons: try f.polygons(in: toUTM), inner: nil, of: f) }
        // Layers: bit 0 the 4G class, bit 1 operator V, bit 2 operator M.
        let masks: [UInt64] = [0b011, 0b011, 0b101]
        XCTAssertEqual(VillageOverlay.needed(holders: VillageOverlay.holders(of: [0, 1, 2], in: projected), masks: masks), [false, true, true],
                       "the held 2600 MHz footprint of V is left out; M's equal one counts for M")
        // Equal footprints of one operator: the first is kept.
        XCTAssertEqual(VillageOverlay.needed(holders: VillageOverlay.holders(of: [0, 2], in: projected), masks: [0b1, 0b1]), [true, false])
        // The sweep gives the same areas without it: a village across the footprints' edges.
        let region = [[try toUTM.transform(try lonLat(200, 200)), try toUTM.transform(try lonLat(1_600, 200)),
                       try toUTM.transform(try lonLat(1_600, 1_600)), try toUTM.transform(try lonLat(200, 1_600)),
                       try toUTM.transform(try lonLat(200, 200))]]
        let covers = zip(projected, masks).map { LayeredCoverage.Cover(rings: $0.rings, layers: $1) }
        let all = LayeredCoverage.areas(region: region, covers: covers, layerCount: 3)
        let kept = LayeredCoverage.areas(region: region, covers: [covers[1], covers[2]], layerCount: 3)
        XCTAssertGreaterThan(all.covered[0], 0.05 * all.region)
        XCTAssertLessThan(all.covered[0], 0.999 * all.region, "the village is partly covered")
        for l in 0..<3 { XCTAssertEqual(all.covered[l], kept.covered[l], accuracy: 1e-6 * all.region) }
    }

    func testModelFootprintsHoldTheirInnerFanAndLieInTheirHull() throws {
        // Hills with a ridge next to one site: some footprints are whole out to some distance in
        // every direction, one is shadowed close to its mast.
        let dem = try DEMFile.write(minX: origin.x - 9_000, minY: origin.y - 9_000, maxX: origin.x + 9_000, maxY: origin.y + 9_000,
                                    cell: 30) { x, y in
            let u = x - origin.x, v = y - origin.y
            return 150 + 80 * sin(u / 700) * cos(v / 900) + 40 * sin((u + 1.3 * v) / 410) + (abs(u - 2_300) < 45 ? 150 : 0)
        }
        let sectors = [Sector(siteID: "S", operator: "V", tech: .g4, location: try lonLat(15, 15), azimuth: 80, beamwidth: 65),
                       Sector(siteID: "S", operator: "V", tech: .g2, location: try lonLat(15, 15), azimuth: 200, beamwidth: 120),
                       Sector(siteID: "T", operator: "M", tech: .g2, location: try lonLat(-2_000, 1_000)),
                       Sector(siteID: "R", operator: "M", tech: .g4, location: try lonLat(2_200, 0), azimuth: 90, beamwidth: 65)]
        let toUTM = try Projection.cached(from: "EPSG:4326", to: utm)
        var inners = 0, held = 0, missed = 0, between = 0
        for mode in [PropagationMode.terrain, .los] {
            let p = try radioParameters(mode, dem: dem)
            for (s, f) in zip(sectors, try SectorModel.footprints(of: sectors, parameters: p, jobs: 1)) {
                let (polygons, ring) = try f.projected(in: toUTM)
                let shape = try Geometry(.multiPolygon(polygons)).makeValid()
                let projected = ProjectedFootprint(s, polygons: polygons, inner: ring, of: f)
                XCTAssertTrue(projected.separable, "\(s.siteID) \(mode): a hull")
                let hull = projected.window
                XCTAssertLessThan(try shape.difference(try .polygon([hull.ring])).area(), 1e-6, "\(s.siteID) \(mode): in its hull")
                if let ring, let window = projected.inner {
                    inners += 1
                    XCTAssertEqual(window.ring, ring, "the fan is convex")
                    XCTAssertLessThan(try Geometry.polygon([ring]).difference(shape).area(), 1e-6, "\(s.siteID) \(mode): holds its fan")
                    XCTAssertGreaterThan(f.innerReach, 1)
                }
                if s.siteID == "R" {
                    // The ridge stands 55–145 m east of R's mast: the fan stops at it.
                    XCTAssertGreaterThan(f.innerReach, 50, "\(mode)")
                    XCTAssertLessThan(f.innerReach, 150, "\(mode)")
                }
                // Villages of 200 m on a 400 m grid: whenever the windows speak, GEOS agrees.
                for i in -12...12 {
                    for j in -12...12 {
                        let (x, y) = (origin.x + Double(i) * 400, origin.y + Double(j) * 400)
                        let square = [Coordinate(x, y), Coordinate(x + 200, y), Coordinate(x + 200, y + 200), Coordinate(x, y + 200), Coordinate(x, y)]
                        let village = try Geometry.polygon([square])
                        let box = Bounds(minX: x, minY: y, maxX: x + 200, maxY: y + 200)
                        if projected.holdsAll(square, within: box) {
                            XCTAssertTrue(try shape.covers(village), "\(s.siteID) \(mode) holds [\(i), \(j)]")
                            held += 1
                        } else if projected.separates(square, within: box) {
                            XCTAssertFalse(try shape.intersects(village), "\(s.siteID) \(mode) misses [\(i), \(j)]")
                            missed += 1
                        } else {
                            between += 1
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(inners, 4)
        // Cells joined at the means of their ends: the fan reaches the nearest far end; a column
        // that starts away from the mast (here joined to 10 m) leaves no fan.
        XCTAssertEqual(PolarTrace.Cells([[(0, 500)], [(0, 400)]], periodic: false).innerReach, 400)
        // All round, both boundaries join the two columns: every far corner at the mean, 450 m.
        XCTAssertEqual(PolarTrace.Cells([[(0, 500), (700, 900)], [(0, 400), (800, 850)]], periodic: true).innerReach, 450)
        XCTAssertEqual(PolarTrace.Cells([[(0, 500)], [(20, 400)]], periodic: false).innerReach, 0)
        XCTAssertEqual(PolarTrace.Cells([[(0, 500)], []], periodic: false).innerReach, 0)
        XCTAssertGreaterThan(held, 20)
        XCTAssertGreaterThan(missed, 1_000)
        XCTAssertGreaterThan(between, 100)
    }

    func testSectorsOfOneAntennaWalkedTogetherGetTheirOwnFootprints() throws {
        // Hills, a ridge line and a no-data hole: shadows, far slopes and substituted heights.
        let dem = try DEMFile.write(minX: origin.x - 9_000, minY: origin.y - 9_000, maxX: origin.x + 9_000, maxY: origin.y + 9_000,
                                    cell: 30, noData: -9999) { x, y in
            let u = x - origin.x, v = y - origin.y
            if abs(u - 2_000) < 60 && abs(v) < 300 { return -9999 }
            return 150 + 80 * sin(u / 700) * cos(v / 900) + 40 * sin((u + 1.3 * v) / 410) + (abs(u - 3_000) < 45 ? 70 : 0)
        }
        let location = try lonLat(15, 15)
        // Four technologies of one antenna direction (four reaches), another direction, an omni.
        let sectors = [Tech.g2, .g3, .g4, .g5].map { Sector(siteID: "S", operator: "V", tech: $0, location: location, azimuth: 80, beamwidth: 65) }
            + [Sector(siteID: "S", operator: "V", tech: .g4, location: location, azimuth: 200, beamwidth: 65),
               Sector(siteID: "T", operator: "M", tech: .g2, location: try lonLat(-2_000, 1_000))]
        for mode in [PropagationMode.terrain, .los] {
            var p = try radioParameters(mode, dem: dem)
            p.radius[.g2] = 7_000
            let together = try SectorModel.footprints(of: sectors, parameters: p, jobs: 2)
            XCTAssertEqual(Set(sectors.map { SectorModel.Radials(SectorModel($0, parameters: p), arcStep: p.arcStep) }).count, 3)
            var reaches: Set<Double> = []
            for (s, f) in zip(sectors, together) {
                let alone = try SectorModel(s, parameters: p).footprint(parameters: p)
                XCTAssertEqual(f.polygons, alone.polygons, "\(s.tech) \(s.azimuth ?? -1) \(mode)")
                XCTAssertEqual(f.noDataSamples, alone.noDataSamples)
                XCTAssertEqual(f.samples, alone.samples)
                XCTAssertGreaterThan(f.samples, 0)
                reaches.insert(f.reach)
            }
            // The hills leave holes or islands somewhere, and the hole in the DEM is met.
            XCTAssertTrue(together.contains { $0.polygons.count > 1 || $0.polygons.contains { $0.count > 1 } }, "\(mode)")
            XCTAssertGreaterThan(together.reduce(0) { $0 + $1.noDataSamples }, 0)
            if mode == .terrain { XCTAssertEqual(reaches.count, 4, "one reach per technology") }
            // A footprint held by another of its antenna (by their cells) lies inside it: the
            // overlay lets the holder stand for it.
            let toUTM = try Projection.cached(from: "EPSG:4326", to: utm)
            var held = 0
            for (i, f) in together.enumerated() {
                XCTAssertFalse(f.heldBy.isEmpty && together.indices.contains { k in
                    k != i && together[k].cells == f.cells && AntennaKey(sectors[k]) == AntennaKey(sectors[i])
                }, "an equal footprint of the antenna holds it")
                let inner = try Geometry(.multiPolygon(f.polygons(in: toUTM))).makeValid()
                for outer in f.heldBy {
                    let holder = try XCTUnwrap(together.indices.first { k in
                        k != i && together[k].cells == outer && AntennaKey(sectors[k]) == AntennaKey(sectors[i])
                    })
                    let outerShape = try Geometry(.multiPolygon(together[holder].polygons(in: toUTM))).makeValid()
                    XCTAssertGreaterThan(try inner.area(), 1e5)
                    XCTAssertLessThan(try inner.difference(outerShape).area(), 1e-3, "\(sectors[i].tech) in \(sectors[holder].tech), \(mode)")
                    held += 1
                }
                // And one that no mate's cells hold sticks out of each of them.
                for k in together.indices where k != i && AntennaKey(sectors[k]) == AntennaKey(sectors[i]) && !f.heldBy.contains(together[k].cells) {
                    let other = try Geometry(.multiPolygon(together[k].polygons(in: toUTM))).makeValid()
                    XCTAssertGreaterThan(try inner.difference(other).area(), 0, "\(sectors[i].tech) not in \(sectors[k].tech), \(mode)")
                }
            }
            XCTAssertGreaterThan(held, 0, "\(mode)")
        }
        // In the working CRS the corners are placed along the projected radials, the chords from
        // the site to the column edges at the ray distance (10 km), which every sector of the
        // antenna shares: each within 10 cm of the point its distance along its radial's geodesic
        // gives (6.3 cm at most here; a corner placed in lon/lat and projected on its own is
        // further off, its chord being straight in degrees).
        let p = try radioParameters(.terrain, dem: dem)
        let toUTM = try Projection.cached(from: "EPSG:4326", to: utm)
        var corners = 0, worst = 0.0
        for (s, f) in zip(sectors, try SectorModel.footprints(of: sectors, parameters: p, jobs: 1)) {
            let radials = SectorModel.Radials(SectorModel(s, parameters: p), arcStep: p.arcStep)
            let placed = try f.polygons(in: toUTM)
            XCTAssertEqual(placed.map { $0.map(\.count) }, f.polygons.map { $0.map(\.count) })
            let site = try toUTM.transform(f.site), edges = try toUTM.transformed(f.edges)
            for vertex in f.loops.joined() where vertex.v > 0 {
                let u = f.periodic ? vertex.u % f.edges.count : vertex.u
                let azimuth = radials.start + Double(u) * radials.span / Double(radials.count)
                let truth = try toUTM.transform(Geodesic.wgs84.destination(from: f.site, azimuth: azimuth, distance: vertex.v))
                let t = vertex.v / SectorModel.rayDistance
                let corner = Coordinate(site.x + t * (edges[u].x - site.x), site.y + t * (edges[u].y - site.y))
                worst = max(worst, ((corner.x - truth.x) * (corner.x - truth.x) + (corner.y - truth.y) * (corner.y - truth.y)).squareRoot())
                corners += 1
            }
        }
        XCTAssertGreaterThan(corners, 400)
        XCTAssertLessThan(worst, 0.1)
    }
}
