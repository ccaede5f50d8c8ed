import XCTest
import Geo
@testable import CoveragePlanner
import CoverageReport
import TestSupport
import Coverage

/// Hand-computed plans, built in UTM zone 49N metres and given to the planner in lon/lat.
final class PlanTests: XCTestCase, UTMFrame {
    func square(_ x: Double, _ y: Double, _ side: Double) throws -> Shape { .polygon([try squareRing(x, y, side)]) }

    func plan(_ input: AnalysisInput, _ options: PlanOptions) throws -> CoveragePlanner.Plan {
        let result = try CoverageAnalysis(input: input, parameters: parameters()).run()
        return try GapPlanner(input: input, result: result, options: options).run()
    }

    // MARK: New sites

    func testTwoFarApartClustersGetOneSiteEach() throws {
        // Cluster A: three 1 km villages of 100 households around (0, 0); cluster B: two of 50
        // households 30 km east. One 2.5 km site covers a whole cluster, so with K = 2 the optimum
        // is one site per cluster, A first (more households).
        var villages: [Village] = []
        for (k, (x, y)) in [(0.0, 0.0), (1200.0, 0.0), (0.0, 1200.0)].enumerated() {
            villages.append(Village(id: "A\(k)", name: "Thôn A\(k)", commune: "Xã A", households: 100, shape: try square(x, y, 1000)))
        }
        for (k, (x, y)) in [(30_000.0, 0.0), (31_200.0, 0.0)].enumerated() {
            villages.append(Village(id: "B\(k)", name: "Thôn B\(k)", commune: "Xã B", households: 50, shape: try square(x, y, 1000)))
        }
        // An existing site far away, so the sites layer is not empty.
        let far = Sector(siteID: "X", operator: "Viettel", tech: .g4, location: try lonLat(15_000, 20_000))
        let input = AnalysisInput(villages: villages, sectors: [far])
        var options = PlanOptions()
        options.newSites = 2
        let p = try plan(input, options)

        XCTAssertEqual(p.sites.count, 2)
        XCTAssertEqual(p.sites[0].villages.filter(\.newlyCovered).map(\.index), [0, 1, 2])
        XCTAssertEqual(p.sites[0].householdsCovered, 300)
        XCTAssertEqual(p.sites[1].villages.filter(\.newlyCovered).map(\.index), [3, 4])
        XCTAssertEqual(p.sites[1].householdsCovered, 100)
        let a = try metres(p.sites[0].sector.location), b = try metres(p.sites[1].sector.location)
        XCTAssertTrue((0...2200).contains(a.x) && (0...2200).contains(a.y), "site A at \(a)")
        XCTAssertTrue((30_000...32_200).contains(b.x) && (0...1000).contains(b.y), "site B at \(b)")
        XCTAssertEqual(p.sites[0].areaCoveredM2, 3_000_000, accuracy: 1)
        XCTAssertEqual(p.sites[1].areaCoveredM2, 2_000_000, accuracy: 1)
        XCTAssertEqual(p.sites.map(\.sector.siteID), ["NEW-01", "NEW-02"])
        XCTAssertEqual(p.sites[0].radius, 2500)
        let text = PlanReport(plan: p).text()
        XCTAssertTrue(text.contains("Thôn A0 (Xã A)  mobile 0.0 % → 100.0 %"), text)
        XCTAssertTrue(text.contains("NEW-02,Proposed,"), text)

        // Adding the proposed sectors to the input and analysing again gives the predicted fractions.
        var with = input
        with.sectors += p.sites.map(\.sector)
        let again = try CoverageAnalysis(input: with, parameters: parameters()).run()
        XCTAssertEqual(again.villages.map(\.mobileStatus), Array(repeating: .covered, count: 5))
        for s in p.sites {
            for g in s.villages { XCTAssertEqual(again.villages[g.index].fraction(.mobile), g.after, accuracy: 1e-6) }
        }
    }

    func testGivenCandidatesAreTheOnlyPlacesConsideredAndRowsFollowSitesCSV() throws {
        let villages = [
            Village(id: "1", name: "Thôn 1", households: 10, shape: try square(0, 0, 1000)),
            Village(id: "2", name: "Thôn 2", households: 500, shape: try square(20_000, 0, 1000)),
        ]
        var options = PlanOptions()
        options.newSites = 3
        options.radius = 3000
        options.operatorName = "VNPT"
        // Only land near village 1 is on offer: village 2, though bigger, cannot be reached.
        options.candidates = [try lonLat(500, 500), try lonLat(8000, 500)]
        let p = try plan(AnalysisInput(villages: villages, sectors: []), options)
        XCTAssertEqual(p.sites.count, 1, "the second candidate covers nothing, so it is not proposed")
        XCTAssertEqual(p.candidateCount, 2)
        XCTAssertEqual(p.sites[0].villages.map(\.index), [0])
        XCTAssertEqual(p.sites[0].villages[0].before, 0)
        XCTAssertEqual(p.sites[0].villages[0].after, 1, accuracy: 1e-9)
        let report = PlanReport(plan: p)
        let c = p.sites[0].sector.location
        XCTAssertEqual(report.sitesRows(), [["NEW-01", "VNPT", String(format: "%.6f", c.y), String(format: "%.6f", c.x), "4G", "", "360", "3000"]])
        XCTAssertEqual(String(decoding: report.sitesCSV(), as: UTF8.self).split(separator: "\n").first,
                       "site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m")
    }

    func testNoSiteIsProposedWhenEveryVillageIsCovered() throws {
        let v = Village(id: "1", name: "Thôn 1", shape: try square(0, 0, 1000))
        let s = Sector(siteID: "S", operator: "Viettel", tech: .g2, location: try lonLat(500, 500))
        let p = try plan(AnalysisInput(villages: [v], sectors: [s]), PlanOptions())
        XCTAssertTrue(p.sites.isEmpty)
        XCTAssertTrue(PlanReport(plan: p).text().contains("none needed"))
    }

    // MARK: Fibre

    /// A village around `centre` (metres), far from the fibre so it is without fixed broadband.
    func village(_ id: String, centre: (Double, Double), households: Double?) throws -> Village {
        Village(id: id, name: "Thôn \(id)", households: households, center: try lonLat(centre.0, centre.1),
                shape: try square(centre.0 - 100, centre.1 - 100, 200))
    }

    func corridorPlan(fibre: [Shape], corridors: [[(Double, Double)]], villages: [Village]) throws -> CoveragePlanner.Plan {
        var options = PlanOptions()
        options.corridors = try corridors.map { try $0.map { try lonLat($0.0, $0.1) } }
        options.newSites = 0
        let input = AnalysisInput(villages: villages, sectors: [], fibre: fibre.map { FibreFeature(shape: $0) })
        return try plan(input, options)
    }

    // The L-shaped road: east 3 km along y = 0, then north 4 km along x = 3000, drawn as two lines
    // whose ends at the corner are 2 m apart (joined by snapping).
    let road: [[(Double, Double)]] = [[(0, 0), (3000, 0)], [(3000, 2), (3000, 4000)]]

    func testRouteAlongAnLShapedRoad() throws {
        // Access node 20 m south of the road's start; village centre 50 m east of its end:
        // 20 + 3000 + 2 + 3998 + 50 = 7070 m.
        let p = try corridorPlan(fibre: [.point(try lonLat(0, -20))], corridors: road,
                                 villages: [try village("1", centre: (3050, 4000), households: 100)])
        let f = try XCTUnwrap(p.fibre.first)
        XCTAssertEqual(try XCTUnwrap(f.routedM), 7070, accuracy: 1e-3)
        XCTAssertEqual(f.straightM, (3050.0 * 3050 + 4020 * 4020).squareRoot(), accuracy: 1e-3)
        XCTAssertEqual(f.lengthM, f.routedM!)
        XCTAssertEqual(f.costVND, 7.070 * 150_000_000, accuracy: 1)
        XCTAssertEqual(f.costPerHousehold!, 7.070 * 1_500_000, accuracy: 0.1)
        // The path starts at the access node, turns at the corner and ends at the centre.
        let path = try f.path.map(metres)
        XCTAssertEqual(path.first!.x, 0, accuracy: 1e-3); XCTAssertEqual(path.first!.y, -20, accuracy: 1e-3)
        XCTAssertEqual(path.last!.x, 3050, accuracy: 1e-3); XCTAssertEqual(path.last!.y, 4000, accuracy: 1e-3)
        XCTAssertTrue(path.contains { abs($0.x - 3000) < 1e-3 && abs($0.y) < 1e-3 })
    }

    func testRouteEntersAtACrossingRoadAndWhereFibreCrossesARoad() throws {
        // A side road crossing the first leg at x = 1500, its south end 10 m from the access node:
        // 10 + 1000 + 1500 + 2 + 3998 + 50 = 6560 m.
        let crossing = road + [[(1500, -1000), (1500, 1000)]]
        let p = try corridorPlan(fibre: [.point(try lonLat(1500, -1010))], corridors: crossing,
                                 villages: [try village("1", centre: (3050, 4000), households: 100)])
        XCTAssertEqual(try XCTUnwrap(p.fibre.first?.routedM), 6560, accuracy: 1e-3)

        // A fibre route crossing the road at x = 1800 (and ending 500 m north of it): the extension
        // leaves the fibre where it crosses: 1200 + 2 + 3998 + 50 = 5250 m.
        let q = try corridorPlan(fibre: [.lineString([try lonLat(1800, -3000), try lonLat(1800, 500)])], corridors: road,
                                 villages: [try village("1", centre: (3050, 4000), households: 100)])
        let f = try XCTUnwrap(q.fibre.first)
        XCTAssertEqual(try XCTUnwrap(f.routedM), 5250, accuracy: 1e-3)
        XCTAssertEqual(f.straightM, (1250.0 * 1250 + 3500 * 3500).squareRoot(), accuracy: 1e-3)
    }

    func testNoRouteFallsBackToStraightAndRankingPutsUnknownHouseholdsLast() throws {
        let villages = [
            try village("far", centre: (-3000, 3000), households: 10),     // 2 km from the nearest road: no route
            try village("road", centre: (3050, 4000), households: 1000),   // routed, 7070 m, cheap per household
            try village("unknown", centre: (-2500, -2500), households: nil),
        ]
        let p = try corridorPlan(fibre: [.point(try lonLat(0, -20))], corridors: road, villages: villages)
        XCTAssertEqual(p.fibre.map { p.input.villages[$0.index].id }, ["road", "far", "unknown"])
        let far = p.fibre[1]
        XCTAssertNil(far.routedM)
        XCTAssertEqual(far.lengthM, far.straightM)
        XCTAssertEqual(far.straightM, (3000.0 * 3000 + 3020 * 3020).squareRoot(), accuracy: 1e-3)
        XCTAssertEqual(far.path.count, 2)
        XCTAssertNil(p.fibre[2].costPerHousehold)
    }

    func testStraightExtensionsEqualTheAnalysisDistances() throws {
        let villages = [try village("1", centre: (3050, 4000), households: 3), try village("2", centre: (-2000, 100), households: 3)]
        let input = AnalysisInput(villages: villages, sectors: [], fibre: [FibreFeature(shape: .lineString([try lonLat(0, -20), try lonLat(0, -5000)]))])
        let result = try CoverageAnalysis(input: input, parameters: parameters()).run()
        let p = try GapPlanner(input: input, result: result).run()
        XCTAssertEqual(p.fibre.count, 2)
        for f in p.fibre {
            XCTAssertNil(f.routedM)
            XCTAssertEqual(f.straightM, result.villages[f.index].fixed!.distanceM)
            XCTAssertEqual(f.path, [result.villages[f.index].fixed!.nearest, result.villages[f.index].centre])
        }
    }

    // MARK: 5G

    func testNearestUpgradableSiteOfEachOperator() throws {
        let place = PriorityPlace(id: "H", name: "Bệnh viện", category: "hospital", shape: .point(try lonLat(0, 0)))
        let sectors = [
            Sector(siteID: "V1", operator: "Viettel", tech: .g4, location: try lonLat(3000, 0), azimuth: 0, beamwidth: 120),
            Sector(siteID: "V1", operator: "Viettel", tech: .g4, location: try lonLat(3000, 0), azimuth: 120, beamwidth: 120),
            Sector(siteID: "V2", operator: "Viettel", tech: .g4, location: try lonLat(0, 2000)),
            Sector(siteID: "N1", operator: "VinaPhone", tech: .g4, location: try lonLat(1000, 0)),
            Sector(siteID: "N0", operator: "VinaPhone", tech: .g3, location: try lonLat(100, 0)),  // not 4G
            Sector(siteID: "M1", operator: "MobiFone", tech: .g5, location: try lonLat(5000, 0)),  // 5G, 800 m: misses
        ]
        let p = try plan(AnalysisInput(villages: [], sectors: sectors, places: [place]), PlanOptions())
        XCTAssertEqual(p.upgrades.count, 1)
        let u = p.upgrades[0]
        XCTAssertEqual(u.options.map(\.siteID), ["N1", "V2"])
        XCTAssertEqual(u.options[0].distanceM, 1000, accuracy: 1.5)  // geodesic vs UTM grid distance
        XCTAssertEqual(u.options[1].distanceM, 2000, accuracy: 3)
        XCTAssertEqual(u.options[0].distanceM, Geodesic.wgs84.distance(from: try lonLat(0, 0), to: try lonLat(1000, 0)))
    }
}
