import XCTest
import Geo
@testable import Coverage
import TestSupport

/// Hand-computed cases, built in UTM zone 49N metres and given to the analysis in lon/lat.
final class AnalysisTests: XCTestCase, UTMFrame {
    func village(_ id: String, _ shape: Shape, center: Coordinate? = nil) -> Village {
        Village(id: id, name: "Thôn \(id)", commune: "Xã A", district: "Huyện B", center: center, shape: shape)
    }

    func run(_ villages: [Village], _ sectors: [Sector], fibre: [FibreFeature]? = nil, places: [PriorityPlace]? = nil,
             jobs: Int = 1) throws -> AnalysisResult {
        try CoverageAnalysis(input: AnalysisInput(villages: villages, sectors: sectors, fibre: fibre, places: places),
                             parameters: parameters(jobs: jobs)).run()
    }

    func testSquareHalfCoveredByA180DegreeSector() throws {
        let v = village("1", .polygon([try squareRing(0, 0, 2000)]))
        // Apex at the centre, facing east, radius far beyond the square: the east half is covered.
        let s = Sector(siteID: "S", operator: "Viettel", tech: .g4, location: try lonLat(1000, 1000),
                       azimuth: 90, beamwidth: 180, radius: 10_000)
        let r = try run([v], [s])
        XCTAssertEqual(r.villages[0].fraction(.mobile), 0.5, accuracy: 1e-4)
        XCTAssertEqual(r.villages[0].fraction(.g4), 0.5, accuracy: 1e-4)
        XCTAssertEqual(r.villages[0].fraction(.broadband), 0.5, accuracy: 1e-4)
        XCTAssertEqual(r.villages[0].fraction(.g2), 0)
        XCTAssertEqual(r.villages[0].areaM2, 4_000_000, accuracy: 1)
        XCTAssertEqual(r.villages[0].mobileStatus, .partial)
        // The uncovered west half is one gap of about 200 ha.
        XCTAssertEqual(r.villages[0].gaps.count, 1)
        XCTAssertEqual(r.villages[0].gaps[0].areaM2, 2_000_000, accuracy: 500)
    }

    /// Villages on both sides of 108°E get the UTM zones 48 and 49; a wedge on the boundary is
    /// taken by both zones, projected as a copy for the first and in place for the last, and a
    /// wedge far in zone 48 by that zone alone. Each village's result is the one it gets alone.
    func testAWedgeTakenByTwoZonesMeasuresAsInEachZoneAlone() throws {
        func square(_ id: String, lon: Double) -> Village {
            let ring = [Coordinate(lon, 13.995), Coordinate(lon + 0.01, 13.995), Coordinate(lon + 0.01, 14.005),
                        Coordinate(lon, 14.005), Coordinate(lon, 13.995)]
            return village(id, .polygon([ring]))
        }
        let west = square("W", lon: 107.99), east = square("E", lon: 108.0), far = square("F", lon: 107.5)
        let boundary = Sector(siteID: "B", operator: "Viettel", tech: .g4, location: Coordinate(108.0, 13.996),
                              azimuth: 0, beamwidth: 120, radius: 900)
        let inWest = Sector(siteID: "F", operator: "Viettel", tech: .g4, location: Coordinate(107.505, 14.0),
                            azimuth: 90, beamwidth: 90, radius: 800)
        func run(_ villages: [Village], jobs: Int) throws -> AnalysisResult {
            var p = AnalysisParameters()   // the working CRS from the villages: a UTM zone each
            p.jobs = jobs
            return try CoverageAnalysis(input: AnalysisInput(villages: villages, sectors: [boundary, inWest]), parameters: p).run()
        }
        let together = try run([west, east, far], jobs: 2)
        XCTAssertEqual(together.crsZones, ["EPSG:32648", "EPSG:32649"])
        for (k, v) in [west, east, far].enumerated() {
            let alone = try run([v], jobs: 1).villages[0]
            let r = together.villages[k]
            XCTAssertEqual(r.fraction(.mobile), alone.fraction(.mobile), "village \(v.id)")
            XCTAssertEqual(r.areaM2, alone.areaM2, "village \(v.id)")
            XCTAssertEqual(r.gaps.map(\.areaM2), alone.gaps.map(\.areaM2), "village \(v.id)")
            XCTAssertGreaterThan(r.fraction(.mobile), 0.05, "village \(v.id)")
            XCTAssertLessThan(r.fraction(.mobile), 0.95, "village \(v.id)")
        }
    }

    func testFootprintProgressCountsSectors() throws {
        let v = village("1", .polygon([try squareRing(0, 0, 1000)]))
        // Three sectors of one antenna position and direction (one group sharing its arcs) and one elsewhere.
        let here = try lonLat(500, 500), there = try lonLat(3000, 500)
        let sectors = [Tech.g2, .g3, .g4].map { Sector(siteID: "S", operator: "Viettel", tech: $0, location: here, azimuth: 90, beamwidth: 120, radius: 2000) }
            + [Sector(siteID: "T", operator: "Viettel", tech: .g4, location: there, azimuth: 270, beamwidth: 65, radius: 2000)]
        let events = Locked<[ProgressEvent]>([])
        let progress = StageProgress { e in events.update { $0.append(e) } }
        _ = try CoverageAnalysis(input: AnalysisInput(villages: [v], sectors: sectors), parameters: parameters(jobs: 2)).run(progress: progress)
        let footprints = events.value.filter { $0.stage == "footprints" && $0.finished }
        XCTAssertEqual(footprints.map(\.total), [4])
    }

    func testVillageInsideAnOmniCircleIsFullyCovered() throws {
        let v = village("1", .polygon([try squareRing(0, 0, 1000)]))
        let s = Sector(siteID: "S", operator: "MobiFone", tech: .g2, location: try lonLat(500, 500))  // 5 km radius
        let r = try run([v], [s])
        XCTAssertEqual(r.villages[0].fraction(.mobile), 1)
        XCTAssertEqual(r.villages[0].fraction(.g2), 1)
        XCTAssertEqual(r.villages[0].fraction(.broadband), 0)
        XCTAssertEqual(r.villages[0].operatorFractions, [1])
        XCTAssertEqual(r.villages[0].mobileStatus, .covered)
        XCTAssertTrue(r.villages[0].gaps.isEmpty)
    }

    func testVillageWithAHole() throws {
        // 2 km square with a 1 km hole in the middle: 3 km². A sector facing east from the centre
        // covers half of the ring-shaped village.
        let v = village("1", .polygon([try squareRing(0, 0, 2000), try squareRing(500, 500, 1000, clockwise: true)]))
        let s = Sector(siteID: "S", operator: "Viettel", tech: .g3, location: try lonLat(1000, 1000),
                       azimuth: 90, beamwidth: 180, radius: 10_000)
        let r = try run([v], [s])
        XCTAssertEqual(r.villages[0].areaM2, 3_000_000, accuracy: 1)
        XCTAssertEqual(r.villages[0].fraction(.mobile), 0.5, accuracy: 1e-4)
        XCTAssertEqual(r.villages[0].fraction(.g3), 0.5, accuracy: 1e-4)
    }

    func testMultiPolygonVillage() throws {
        // Two 1 km squares 20 km apart; an omni 2G circle covers only the first.
        let v = village("1", .multiPolygon([[try squareRing(0, 0, 1000)], [try squareRing(20_000, 0, 1000)]]))
        let s = Sector(siteID: "S", operator: "Viettel", tech: .g2, location: try lonLat(500, 500))
        let r = try run([v], [s])
        XCTAssertEqual(r.villages[0].areaM2, 2_000_000, accuracy: 1)
        XCTAssertEqual(r.villages[0].fraction(.mobile), 0.5, accuracy: 1e-9)
        XCTAssertEqual(r.villages[0].gaps.count, 1)
        XCTAssertEqual(r.villages[0].gaps[0].areaM2, 1_000_000, accuracy: 1)
    }

    func testOverlappingSectorsOfTwoOperators() throws {
        let v = village("1", .polygon([try squareRing(0, 0, 2000)]))
        let c = try lonLat(1000, 1000)
        let east = Sector(siteID: "A", operator: "Viettel", tech: .g4, location: c, azimuth: 90, beamwidth: 180, radius: 10_000)
        let north = Sector(siteID: "B", operator: "VinaPhone", tech: .g3, location: c, azimuth: 0, beamwidth: 180, radius: 10_000)
        let r = try run([v], [east, north])
        XCTAssertEqual(r.operators, ["Viettel", "VinaPhone"])
        XCTAssertEqual(r.villages[0].operatorFractions[0], 0.5, accuracy: 1e-3)
        XCTAssertEqual(r.villages[0].operatorFractions[1], 0.5, accuracy: 1e-3)
        XCTAssertEqual(r.villages[0].fraction(.mobile), 0.75, accuracy: 1e-3)
        XCTAssertEqual(r.villages[0].fraction(.g4), 0.5, accuracy: 1e-3)
        XCTAssertEqual(r.villages[0].fraction(.g3), 0.5, accuracy: 1e-3)
    }

    func testFibreDistanceStatusAndExtension() throws {
        let centre = try lonLat(0, 0)
        let v = village("1", .polygon([try squareRing(-500, -500, 1000)]), center: centre)
        // A north–south route 1,234 m east of the centre.
        let line = FibreFeature(id: "F1", shape: .lineString([try lonLat(1234, -5000), try lonLat(1234, 5000)]))
        let r = try run([v], [], fibre: [line])
        let fixed = try XCTUnwrap(r.villages[0].fixed)
        XCTAssertEqual(fixed.distanceM, 1234, accuracy: 1e-6)
        XCTAssertEqual(fixed.status, .unavailable)
        let expected = try lonLat(1234, 0)
        XCTAssertEqual(fixed.nearest.x, expected.x, accuracy: 1e-9)
        XCTAssertEqual(fixed.nearest.y, expected.y, accuracy: 1e-9)
        XCTAssertEqual(r.villages[0].centre, centre)
        // Within reach at a longer reach.
        var p = parameters(); p.fibreReach = 1500
        let r2 = try CoverageAnalysis(input: AnalysisInput(villages: [v], sectors: [], fibre: [line]), parameters: p).run()
        XCTAssertEqual(r2.villages[0].fixed?.status, .available)
        // With no sites at all every village is uncovered.
        XCTAssertEqual(r.villages[0].mobileStatus, .uncovered)
    }

    func testPriorityPointInsideAndOutside5G() throws {
        let five = Sector(siteID: "5", operator: "Viettel", tech: .g5, location: try lonLat(0, 0))  // 800 m
        let four = Sector(siteID: "4", operator: "Viettel", tech: .g4, location: try lonLat(3000, 0))
        let places = [
            PriorityPlace(id: "in", name: "Bệnh viện", category: "hospital", shape: .point(try lonLat(500, 0))),
            PriorityPlace(id: "out", name: "Ga Diêu Trì", category: "station", shape: .point(try lonLat(3000, 0))),
            PriorityPlace(id: "park", name: "KCN", category: "industrial_park", shape: .polygon([try squareRing(-200, -200, 400)])),
            PriorityPlace(id: "half", name: "KCN 2", category: "industrial_park", shape: .polygon([try squareRing(0, -200, 1600)])),
        ]
        let r = try run([], [five, four], places: places)
        XCTAssertEqual(r.places.map(\.has5G), [true, false, true, false])
        XCTAssertEqual(r.places[2].coverage5G ?? 0, 1, accuracy: 1e-9)
        XCTAssertLessThan(r.places[3].coverage5G ?? 1, 0.5)
    }

    func testStatusThresholdsAreInclusiveAsSpecified() {
        let p = AnalysisParameters()
        XCTAssertEqual(p.mobileStatus(0.95), .covered)
        XCTAssertEqual(p.mobileStatus(0.9499999), .partial)
        XCTAssertEqual(p.mobileStatus(0.05), .partial)
        XCTAssertEqual(p.mobileStatus(0.0499999), .uncovered)
        XCTAssertEqual(p.mobileStatus(0), .uncovered)
        XCTAssertEqual(p.mobileStatus(1), .covered)
    }

    func testFootprintGeometryFollowsSpec() {
        let s = Sector(siteID: "S", operator: "X", tech: .g4, location: Coordinate(109, 14), azimuth: 10, beamwidth: 65, radius: 2500)
        let ring = Footprint.ring(of: s, radius: 2500, arcStep: 2)
        // apex + (ceil(65/2) + 1 = 34) arc vertices + apex
        XCTAssertEqual(ring.count, 36)
        XCTAssertEqual(ring.first, ring.last)
        XCTAssertEqual(Geodesic.wgs84.distance(from: Coordinate(109, 14), to: ring[1]), 2500, accuracy: 1e-6)
        XCTAssertEqual(Geodesic.wgs84.inverse(from: Coordinate(109, 14), to: ring[1]).azimuth1, 10 - 32.5, accuracy: 1e-9)
        let omni = Footprint.ring(of: Sector(siteID: "O", operator: "X", tech: .g2, location: Coordinate(109, 14)), radius: 5000, arcStep: 2)
        XCTAssertEqual(omni.count, 181)
    }

    func testRepairedBowTieVillageIsAnalysedAndReported() throws {
        let a = try lonLat(0, 0), b = try lonLat(1000, 1000), c = try lonLat(1000, 0), d = try lonLat(0, 1000)
        let v = village("bow", .polygon([[a, b, c, d, a]]))
        let r = try run([v], [Sector(siteID: "S", operator: "X", tech: .g2, location: try lonLat(500, 500))])
        XCTAssertEqual(r.villages[0].areaM2, 500_000, accuracy: 1)
        XCTAssertNotNil(r.villages[0].repairedShape)
        XCTAssertEqual(r.villages[0].fraction(.mobile), 1)
        XCTAssertEqual(r.warnings.count, 1)
        XCTAssertTrue(r.warnings[0].contains("Self-intersection"), r.warnings[0])
    }

    func testThreadCountDoesNotChangeResults() throws {
        var villages: [Village] = []
        var sectors: [Sector] = []
        for i in 0..<60 {
            let x = Double(i % 10) * 1500, y = Double(i / 10) * 1500
            villages.append(village("\(i)", .polygon([try squareRing(x, y, 1400)])))
            if i % 3 == 0 {
                sectors.append(Sector(siteID: "S\(i)", operator: i % 2 == 0 ? "Viettel" : "MobiFone", tech: .g4,
                                      location: try lonLat(x, y), azimuth: Double(i * 37 % 360), beamwidth: 90, radius: 2000))
            }
        }
        let one = try run(villages, sectors, jobs: 1)
        let two = try run(villages, sectors, jobs: 2)
        XCTAssertEqual(one.villages.map(\.fractions), two.villages.map(\.fractions))
        XCTAssertEqual(one.villages.map(\.operatorFractions), two.villages.map(\.operatorFractions))
        XCTAssertGreaterThan(one.villages.map { $0.fraction(.mobile) }.reduce(0, +), 1)
    }

    func testAZonesAntennaGroupsAreTheWholeTablesRestrictedToIt() throws {
        // Three antennas: A (two sectors), B (three, one of them omni at the same place is another
        // antenna), C (one); the table's order mixes them.
        func sector(_ x: Double, _ azimuth: Double?, _ beamwidth: Double = 120) throws -> Sector {
            Sector(siteID: "S\(x)", operator: "Viettel", tech: .g4, location: try lonLat(x, 0),
                   azimuth: azimuth, beamwidth: azimuth == nil ? 360 : beamwidth, radius: 1000)
        }
        let table = [try sector(0, 90), try sector(100, 0), try sector(0, 90), try sector(100, 0),
                     try sector(100, nil), try sector(200, 45), try sector(100, 0)]
        let all = CoverageAnalysis.antennaGroups(table)
        XCTAssertEqual(all, [[0, 2], [1, 3, 6], [4], [5]])
        // The sectors the whole table's groups were made for, and a zone near some of them.
        let ids = Array(table.indices)
        for zone in [[0, 1, 3, 5], [2, 6], [4], Array(table.indices)] {
            let restricted = try XCTUnwrap(CoverageAnalysis.restricted(all, of: ids, to: zone, count: table.count))
            let direct = CoverageAnalysis.antennaGroups(zone.map { table[$0] })
            XCTAssertEqual(restricted.sorted { $0[0] < $1[0] }, direct.sorted { $0[0] < $1[0] }, "zone \(zone)")
        }
        XCTAssertEqual(CoverageAnalysis.restricted(all, of: ids, to: [0, 1, 3, 5], count: table.count), [[0], [1, 2], [3]])
        // A sector of the zone the groups were not made for: nil, and the zone is grouped itself.
        XCTAssertNil(CoverageAnalysis.restricted([[0], [1]], of: [0, 2], to: [1, 2], count: table.count))
    }
}
