import XCTest
import Geo
import GeoIO
@testable import Coverage
import TestSupport

/// Commune centres, household points and speed tests, hand-computed in UTM zone 49N metres.
final class PlanMeasuresTests: XCTestCase, UTMFrame {
    func village(_ id: String, _ x: Double, _ y: Double, _ side: Double) throws -> Village {
        Village(id: id, name: "Thôn \(id)", commune: "Xã A", district: "Huyện B", shape: .polygon([try squareRing(x, y, side)]))
    }

    func analyse(_ villages: [Village], _ sectors: [Sector], fibre: [FibreFeature]? = nil,
                 places: [PriorityPlace]? = nil) throws -> (AnalysisInput, AnalysisResult) {
        let input = AnalysisInput(villages: villages, sectors: sectors, fibre: fibre, places: places)
        return (input, try CoverageAnalysis(input: input, parameters: parameters()).run())
    }

    /// A 4G sector facing north (120°, 1,000 m): its arc has a vertex due north at exactly 1,000 m.
    /// A centre 1 m short of it is inside, 1 m beyond is outside.
    func testCentreJustInsideAndJustOutsideTheSectorEdge() throws {
        let site = try lonLat(5000, 5000)
        let sector = Sector(siteID: "S", operator: "Viettel", tech: .g4, location: site, azimuth: 0, beamwidth: 120, radius: 1000)
        let inside = Geodesic.wgs84.destination(from: site, azimuth: 0, distance: 999)
        let outside = Geodesic.wgs84.destination(from: site, azimuth: 0, distance: 1001)
        let places = [
            PriorityPlace(id: "C1", name: "UBND xã A", category: CommuneCentres.category, shape: .point(inside)),
            PriorityPlace(id: "C2", name: "UBND xã B", category: CommuneCentres.category, shape: .point(outside)),
            PriorityPlace(id: "H1", name: "Bệnh viện", category: "hospital", shape: .point(inside)),
        ]
        let (input, result) = try analyse([try village("1", 0, 0, 10_000)], [sector], places: places)
        let m = try PlanMeasures.measure(input: input, result: result)
        XCTAssertEqual(m.centres.map(\.id), ["C1", "C2"])
        XCTAssertEqual(m.centres.map(\.mobileCovered), [true, false])
        XCTAssertEqual(m.centres.map(\.fixedAvailable), [nil, nil], "no fibre layer")
        let f = CentreFigures(m.centres, hasFixed: false)
        XCTAssertEqual(f.mobilePct, 50)
        XCTAssertNil(f.fixedPct)
        // Centres are not asked for 5G: the places' 5G figures count the hospital only.
        let summary = Summary(input: input, result: result)
        XCTAssertEqual(summary.placesTotal, 1)
    }

    /// Fibre along y = 0; centres 999 m and 1,001 m from it, with the default 1,000 m reach.
    func testCentre999And1001MetresFromFibre() throws {
        let fibre = [FibreFeature(id: "F", shape: .lineString([try lonLat(0, 0), try lonLat(10_000, 0)]))]
        let places = [
            PriorityPlace(id: "C1", name: "UBND xã A", category: CommuneCentres.category, shape: .point(try lonLat(5000, 999))),
            PriorityPlace(id: "C2", name: "UBND xã B", category: CommuneCentres.category, shape: .point(try lonLat(5000, 1001))),
        ]
        let (input, result) = try analyse([try village("1", 0, -2000, 10_000)], [], fibre: fibre, places: places)
        let m = try PlanMeasures.measure(input: input, result: result)
        XCTAssertEqual(m.centres.map(\.fixedAvailable), [true, false])
        XCTAssertEqual(m.centres[0].fibreDistanceM!, 999, accuracy: 1e-3)
        XCTAssertEqual(m.centres[1].fibreDistanceM!, 1001, accuracy: 1e-3)
        XCTAssertEqual(m.centres.map(\.mobileCovered), [false, false])
        XCTAssertEqual(CentreFigures(m.centres, hasFixed: true).fixedPct, 50)
    }

    /// Three household points, one beyond the only sector's reach: 2 of 3 have signal (66.7 %).
    func testThreeHouseholdsOneUncovered() throws {
        let sector = Sector(siteID: "S", operator: "Viettel", tech: .g4, location: try lonLat(1000, 1000), radius: 1000)
        let fibre = [FibreFeature(id: "F", shape: .point(try lonLat(1000, 1000)))]
        let points = [HouseholdPoint(location: try lonLat(1100, 1000)), HouseholdPoint(location: try lonLat(1000, 1500)),
                      HouseholdPoint(location: try lonLat(3500, 1000))]
        let (input, result) = try analyse([try village("1", 0, 0, 4000)], [sector], fibre: fibre)
        let m = try PlanMeasures.measure(input: input, result: result, households: points)
        let h = try XCTUnwrap(m.households)
        XCTAssertEqual(h.all, VillageHouseholds(total: 3, mobile: 2, fixed: 2))
        XCTAssertEqual(h.all.mobilePct!, 200.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(String(format: "%.1f", h.all.mobilePct!), "66.7")
        XCTAssertEqual(h.villages, [VillageHouseholds(total: 3, mobile: 2, fixed: 2)])
        XCTAssertEqual(h.outside, 0)
        // By area, the disc of 1,000 m covers π/16 ≈ 19.6 % of the 4 km square: partial. By
        // households, 66.7 % with signal is partial too; with the third point covered it would be covered.
        XCTAssertEqual(result.villages[0].mobileStatus, .partial)
        var byHouseholds = result
        h.applyStatus(to: &byHouseholds)
        XCTAssertEqual(byHouseholds.villages[0].mobileStatus, .partial)
        let all = HouseholdAccess(all: h.all, villages: [VillageHouseholds(total: 2, mobile: 2, fixed: 2)], outside: 0)
        all.applyStatus(to: &byHouseholds)
        XCTAssertEqual(byHouseholds.villages[0].mobileStatus, .covered)
    }

    /// Two Ookla tiles inside one village: 30 tests at 50 Mb/s and 10 at 20 Mb/s. Mean
    /// (30·50 + 10·20) / 40 = 42.5 Mb/s; 30 of 40 tests at or above 40 Mb/s (75 %); meets by the mean.
    func testTwoOoklaTilesInOneVillage() throws {
        func wkt(_ x: Double, _ y: Double) throws -> String {
            let r = try squareRing(x, y, 500)
            return "POLYGON((" + r.map { "\($0.x) \($0.y)" }.joined(separator: ", ") + "))"
        }
        let csv = """
        quadkey,tile,avg_d_kbps,avg_u_kbps,avg_lat_ms,tests,devices
        ,"\(try wkt(1000, 1000))",50000,10000,30,30,12
        ,"\(try wkt(2000, 2000))",20000,5000,45,10,4
        """
        var loader = InputLoader()
        let set = try loader.speedTests(try CSVReader.read(bytes: Array(csv.utf8), source: "tiles.csv"), tileClass: .g4)
        XCTAssertEqual(set.form, .tiles)
        XCTAssertEqual(set.tests.map(\.downloadMbps), [50, 20])
        let (input, result) = try analyse([try village("1", 0, 0, 4000), try village("2", 5000, 0, 4000)], [])
        let q = try set.quality(villages: input.villages, result: result, speed: SpeedParameters())
        let v = try XCTUnwrap(q[0][.g4])
        XCTAssertEqual(v.meanMbps, 42.5, accuracy: 1e-9)
        XCTAssertEqual(v.tests, 40, accuracy: 1e-6)
        XCTAssertEqual(v.shareAtFloor, 0.75, accuracy: 1e-9)
        XCTAssertEqual(v.status, .meets)
        XCTAssertNil(q[1][.g4], "no tests in the second village")
        XCTAssertNil(q[0][.g5])
    }

    /// A tile straddling two villages is shared by area: 3/4 of it in one, 1/4 in the other.
    func testTileStraddlingVillagesIsSharedByArea() throws {
        let ring = try [lonLat(3500, 1000), lonLat(4500, 1000), lonLat(4500, 2000), lonLat(3500, 2000), lonLat(3500, 1000)]
        let tile = SpeedTest(area: .polygon([ring]), downloadMbps: 30, tests: 40, speedClass: .g4)
        // Village 1 covers x 0…3750, village 2 x 3750…7500: the tile (x 3500…4500) lies 1/4 in the first, 3/4 in the second.
        let (input, result) = try analyse([try village("1", 0, 0, 3750), try village("2", 3750, 0, 3750)], [])
        let q = try SpeedTestSet(form: .tiles, tests: [tile]).quality(villages: input.villages, result: result, speed: SpeedParameters())
        XCTAssertEqual(q[0][.g4]!.tests, 10, accuracy: 1e-6)
        XCTAssertEqual(q[1][.g4]!.tests, 30, accuracy: 1e-6)
        XCTAssertEqual(q[0][.g4]!.meanMbps, 30, accuracy: 1e-9)
        // Ten tests are enough for a verdict: 30 Mb/s is below the 40 Mb/s floor in both.
        XCTAssertEqual(q[0][.g4]!.status, .below)
        XCTAssertEqual(q[1][.g4]!.status, .below)
    }

    /// Nine test points (fewer than the ten a verdict needs): no_data, with the mean still given.
    func testVillageWithNineTestsHasNoData() throws {
        let rows = (0..<9).map { k -> String in
            let c = try! lonLat(100 + Double(k) * 100, 500)
            return "\(c.y),\(c.x),\(k < 4 ? 120 : 80),4G,Viettel"
        }
        let csv = "lat,lon,download_mbps,tech,operator\n" + rows.joined(separator: "\n") + "\n"
        var loader = InputLoader()
        let set = try loader.speedTests(try CSVReader.read(bytes: Array(csv.utf8), source: "tests.csv"), tileClass: .g4)
        XCTAssertEqual(set.form, .points)
        let (input, result) = try analyse([try village("1", 0, 0, 2000)], [])
        let q = try set.quality(villages: input.villages, result: result, speed: SpeedParameters())[0][.g4]!
        XCTAssertEqual(q.tests, 9)
        XCTAssertEqual(q.meanMbps, (4 * 120 + 5 * 80) / 9.0, accuracy: 1e-9)
        XCTAssertEqual(q.status, .noData)
        // With --min-tests 9 the same tests get a verdict: the mean, 97.8 Mb/s, meets the 4G floor of 40.
        var speed = SpeedParameters()
        speed.minTests = 9
        XCTAssertEqual(try set.quality(villages: input.villages, result: result, speed: speed)[0][.g4]!.status, .meets)
    }

    /// Mobile tests in a village the model says is uncovered; a covered village whose tests are all below 1 Mb/s.
    func testMeasurementsAgainstTheModel() throws {
        let sector = Sector(siteID: "S", operator: "Viettel", tech: .g4, location: try lonLat(6000, 1000), radius: 3000)
        let (input, result) = try analyse([try village("1", 0, 0, 2000), try village("2", 5000, 0, 2000)], [sector])
        XCTAssertEqual(result.villages.map(\.mobileStatus), [.uncovered, .covered])
        let tests = try (0..<3).map { SpeedTest(area: .point(try lonLat(500 + Double($0) * 100, 500)), downloadMbps: 12, speedClass: .g4) }
            + (0..<10).map { SpeedTest(area: .point(try lonLat(5500 + Double($0) * 100, 500)), downloadMbps: 0.4, speedClass: .g4) }
        let set = SpeedTestSet(form: .points, tests: tests)
        let m = try PlanMeasures.measure(input: input, result: result, speedTests: set)
        XCTAssertEqual(m.disagreements.map(\.village), [0, 1])
        XCTAssertEqual(m.disagreements.map(\.kind), [.testsWhereUncovered, .coveredButSlow])
        XCTAssertEqual(m.disagreements[1].meanMbps, 0.4, accuracy: 1e-9)
    }

    func testWKTAndQuadkey() throws {
        XCTAssertEqual(try WKT.polygon("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"),
                       .polygon([[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1), Coordinate(0, 0)]]))
        XCTAssertEqual(try WKT.polygon("multipolygon(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))"),
                       .multiPolygon([[[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)]],
                                      [[Coordinate(5, 5), Coordinate(6, 5), Coordinate(6, 6), Coordinate(5, 5)]]]))
        XCTAssertThrowsError(try WKT.polygon("POLYGON((0 0, 1 0, 1 1, 0 1))")) { e in
            XCTAssertTrue("\(e)".hasPrefix("a ring must end where it starts"), "\(e)")
        }
        XCTAssertThrowsError(try WKT.polygon("POINT(1 2)")) { e in XCTAssertTrue("\(e)".contains("POINT is not a polygon"), "\(e)") }
        XCTAssertThrowsError(try WKT.polygon("POLYGON((0 0, 1 x, 1 1, 0 0))")) { e in XCTAssertEqual("\(e)", "expected a number at character 17") }
        // Quadkey "1": the north-east quarter of the world (x 1, y 0 at zoom 1).
        guard case .polygon(let rings)? = Quadkey.tile("1") else { return XCTFail("not a polygon") }
        XCTAssertEqual(rings[0][0].x, 0); XCTAssertEqual(rings[0][1].x, 180)
        XCTAssertEqual(rings[0][0].y, 0, accuracy: 1e-9); XCTAssertEqual(rings[0][2].y, 85.0511287798, accuracy: 1e-9)
        // Zoom 16 over Quy Nhơn: tile 1323012231101033 holds 109.22° E, 13.77° N? Its corners are 360/2^16 ° apart in lon.
        guard case .polygon(let z16)? = Quadkey.tile("1323012231101033") else { return XCTFail("not a polygon") }
        XCTAssertEqual(z16[0][1].x - z16[0][0].x, 360.0 / 65536, accuracy: 1e-12)
        XCTAssertNil(Quadkey.tile("1245"))
    }
}
