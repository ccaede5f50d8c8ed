@testable import Coverage
import Geo
import XCTest

/// The villages kept in the side file come back to the bit, and compactly when their coordinates
/// were read from text with a few decimals.
final class VillagesAsReadTests: XCTestCase {
    /// The side file's bytes for `kept`, as the writer hands them on in pieces.
    func encoded(_ kept: VillagesAsRead) -> [UInt8] { sideFileBytes { $0.villagesAsRead(kept, flush: $1) } }

    func roundTrip(_ kept: VillagesAsRead) throws -> (VillagesAsRead, bytes: Int) {
        let bytes = encoded(kept)
        return try readingSideFile(bytes) { r in
            let back = try r.villagesAsRead()
            XCTAssertEqual(r.at, bytes.count)
            return (back, bytes.count)
        }
    }

    func bits(_ cs: [Coordinate]) -> [UInt64] { cs.flatMap { [$0.x.bitPattern, $0.y.bitPattern] } }

    func bits(_ s: Shape) -> [[UInt64]] {
        switch s {
        case .point(let c): return [bits([c])]
        case .multiPoint(let cs), .lineString(let cs): return [bits(cs)]
        case .multiLineString(let rs), .polygon(let rs): return rs.map(bits)
        case .multiPolygon(let ps): return ps.flatMap { $0.map(bits) + [[]] }
        case .geometryCollection(let gs): return gs.flatMap(bits)
        }
    }

    func testVillagesComeBackToTheBit() throws {
        let square = [Coordinate(108.123456, 13.654321), Coordinate(108.124456, 13.654321), Coordinate(108.124456, 13.655321),
                      Coordinate(108.123456, 13.654321)]
        // Three decimals, none, a long decimal and a number no power of ten gives back (kept as its bits).
        let odd = [Coordinate(108, 14), Coordinate(108.5, 14.125), Coordinate(108.1 + 0.2, 14.000000000001), Coordinate(108, 14)]
        let villages = [
            Village(id: "V1", name: "Làng O2", commune: "Vĩnh Kim", district: "Vĩnh Thạnh", province: "Bình Định",
                    population: 812, households: 203.5, center: Coordinate(108.1239, 13.6547), shape: .polygon([square])),
            Village(id: "V2", name: "", shape: .multiPolygon([[odd, square], [square]])),
            Village(id: "V3", name: "x", population: -0.0, shape: .polygon([])),
        ]
        let many = (0..<2500).map { i in Village(id: "M\(i)", name: "n\(i)", shape: .polygon([square])) }
        let kept = VillagesAsRead(key: "k", warnings: ["w1", "w2"], villages: villages + many)
        let (back, _) = try roundTrip(kept)
        XCTAssertEqual(back.key, "k")
        XCTAssertEqual(back.warnings, ["w1", "w2"])
        XCTAssertEqual(back.villages.count, 2503)
        for (a, b) in zip(kept.villages, back.villages) {
            XCTAssertEqual(a.id, b.id); XCTAssertEqual(a.name, b.name); XCTAssertEqual(a.commune, b.commune)
            XCTAssertEqual(a.district, b.district); XCTAssertEqual(a.province, b.province)
            XCTAssertEqual(a.population?.bitPattern, b.population?.bitPattern)
            XCTAssertEqual(a.households?.bitPattern, b.households?.bitPattern)
            XCTAssertEqual(a.center.map { bits([$0]) }, b.center.map { bits([$0]) })
            XCTAssertEqual(bits(a.shape), bits(b.shape), a.id)
        }
        // Written again from what was read: the same bytes.
        XCTAssertNotNil(back.encoded)
        XCTAssertEqual(encoded(kept), encoded(back))
    }

    func testShapesComeBackToTheBit() throws {
        // -0.0, a subnormal, the ends of the lon/lat ranges, and every kind of shape.
        let odd = [Coordinate(108, 14), Coordinate(0.1 + 0.2, -0.0), Coordinate(1e-300, .leastNonzeroMagnitude),
                   Coordinate(-179.999999999999, 89.99999999999999), Coordinate(108, 14)]
        let shapes: [Shape] = [.polygon([odd]), .point(Coordinate(1e308, -2)), .multiPoint(odd), .lineString([]),
                               .multiLineString([odd, []]), .multiPolygon([[odd], []]),
                               .geometryCollection([.point(Coordinate(1, 2)), .lineString([])])]
        var w = IncrementalState.Writer()
        for s in shapes { w.shape(s, compact: true) }
        try readingSideFile(w.bytes) { r in
            for s in shapes { XCTAssertEqual(bits(try r.shape(compact: true)), bits(s)) }
            XCTAssertEqual(r.at, w.bytes.count)
        }
    }

    /// Villages taken from a side file skip the villages reader's checks: one the reader cannot
    /// have made makes the side file damaged (the villages file is then read), never a village.
    func testAVillageTheReaderCannotHaveMadeIsDamage() throws {
        let square = [Coordinate(108, 14), Coordinate(108.01, 14), Coordinate(108.01, 14.01), Coordinate(108, 14)]
        let good = Village(id: "a", name: "b", households: 12, center: Coordinate(108.005, 14.005), shape: .polygon([square]))
        XCTAssertEqual(try roundTrip(VillagesAsRead(key: "", warnings: [], villages: [good])).0.villages.count, 1)
        func with(_ change: (inout Village) -> Void) -> Village { var v = good; change(&v); return v }
        let bad: [(String, [Village])] = [
            ("an empty id", [with { $0.id = "" }]),
            ("an id twice", [good, with { $0.name = "c" }]),
            ("a ring not closed", [with { $0.shape = .polygon([Array(square.dropLast()) + [Coordinate(108, 14.01)]]) }]),
            ("a ring of three positions", [with { $0.shape = .polygon([[square[0], square[1], square[0]]]) }]),
            ("a point", [with { $0.shape = .point(square[0]) }]),
            ("a position off the globe", [with { $0.shape = .polygon([square.map { Coordinate($0.x + 100, $0.y) }]) }]),
            ("a position not a number", [with { $0.shape = .multiPolygon([[square], [[square[0], Coordinate(.nan, 14), square[1], square[2], square[0]]]]) }]),
            ("a polygon too wide to measure", [with { $0.shape = .polygon([square + [Coordinate(112, 14), square[0]]]) }]),
            ("parts too far apart to measure", [with { $0.shape = .multiPolygon([[square], [square.map { Coordinate($0.x + 3, $0.y) }]]) }]),
            ("a polar polygon", [with { $0.shape = .polygon([square.map { Coordinate($0.x, $0.y + 71) }]) }]),
            ("a centre off the globe", [with { $0.center = Coordinate(108, 91) }]),
            ("negative households", [with { $0.households = -1 }]),
            ("a population beyond any village", [with { $0.population = 1e9 }]),
            ("households not a number", [with { $0.households = .infinity }]),
        ]
        XCTAssertTrue(VillagesAsRead.isAsRead(good))
        for (what, villages) in bad {
            // The check of a polygon made agrees with the check of the side file's bytes.
            if villages.count == 1 { XCTAssertFalse(VillagesAsRead.isAsRead(villages[0]), what) }
            let bytes = encoded(VillagesAsRead(key: "k", warnings: [], villages: villages))
            try readingSideFile(bytes) { r in
                XCTAssertThrowsError(try r.villagesAsRead(), what) { XCTAssertEqual("\($0)", "report.reuse is damaged", what) }
            }
        }
    }

    /// A village read from a side file has its box at once and its polygon only when asked for;
    /// both are those of the village written, to the bit.
    func testAKeptPolygonIsMadeWhenAskedFor() throws {
        let square = [Coordinate(108.25, 14.5), Coordinate(108.5, 14.5), Coordinate(108.5, 14.75), Coordinate(108.25, 14.5)]
        // A ring kept as its numbers' bits (0.1 + 0.2), one lying further west and south, then a hole.
        let odd = [Coordinate(108.1 + 0.2, 14.6), Coordinate(108.2, 14.4), Coordinate(108.4, 14.6), Coordinate(108.1 + 0.2, 14.6)]
        let hole = [Coordinate(108.3, 14.55), Coordinate(108.35, 14.55), Coordinate(108.35, 14.6), Coordinate(108.3, 14.55)]
        let written = [Village(id: "a", name: "A", shape: .multiPolygon([[square], [odd, hole]])),
                       Village(id: "b", name: "B", shape: .polygon([hole]))]
        let (back, _) = try roundTrip(VillagesAsRead(key: "", warnings: [], villages: written))
        let zones = WorkingZones.boxes(of: back.villages)
        XCTAssertEqual(back.villages.map(\.isShapeMade), [false, false], "boxing the villages made no polygon")
        let a = try XCTUnwrap(zones[0])
        XCTAssertEqual([a.minX, a.minY, a.maxX, a.maxY].map(\.bitPattern), [108.2, 14.4, 108.5, 14.75].map(\.bitPattern))
        for (w, b) in zip(written, back.villages) {
            let box = try XCTUnwrap(b.bounds), made = try XCTUnwrap(w.shape.bounds)
            XCTAssertEqual([box.minX, box.minY, box.maxX, box.maxY].map(\.bitPattern), [made.minX, made.minY, made.maxX, made.maxY].map(\.bitPattern))
        }
        XCTAssertEqual(bits(back.villages[0].shape), bits(written[0].shape))
        XCTAssertEqual(back.villages.map(\.isShapeMade), [true, false])
        // A polygon given instead of the kept one is the village's from then on.
        var changed = back.villages[1]
        changed.shape = .polygon([square])
        XCTAssertEqual(changed.bounds?.maxY, 14.75)
        XCTAssertEqual(bits(changed.shape), bits(.polygon([square])))
        XCTAssertFalse(back.villages[1].isShapeMade, "the copy changed, not the village read")
    }

    func testSixDecimalRingsTakeAboutTwoBytesANumber() throws {
        // A ring of 1,000 vertices about 50 m apart (and its closing one), as a GeoJSON file with six decimals holds them.
        var ring = (0..<1000).map { i -> Coordinate in
            let a = Double(i) / 1000 * 2 * .pi
            let x = ((108.5 + 0.008 * cos(a)) * 1e6).rounded() / 1e6, y = ((13.9 + 0.008 * sin(a)) * 1e6).rounded() / 1e6
            return Coordinate(x, y)
        }
        ring.append(ring[0])
        XCTAssertEqual(CompactCoordinates.decimals(of: ring), 6)
        let (back, size) = try roundTrip(VillagesAsRead(key: "", warnings: [], villages: [Village(id: "a", name: "b", shape: .polygon([ring]))]))
        XCTAssertEqual(bits(back.villages[0].shape), bits(.polygon([ring])))
        // 2,000 numbers: at most two bytes each (the first vertex's and a few headers aside), where
        // their bits would take 16,000.
        XCTAssertLessThan(size, 4_100)
        // Numbers no power of ten gives back exactly keep their bits.
        XCTAssertNil(CompactCoordinates.decimals(of: [Coordinate(0.1 + 0.2, 1)]))
        XCTAssertEqual(CompactCoordinates.decimals(of: [Coordinate(108.5, 14)]), 6)
        XCTAssertEqual(CompactCoordinates.decimals(of: [Coordinate(108.1234567, 14)]), 7)
        XCTAssertNil(CompactCoordinates.decimals(of: [Coordinate(-0.0, 14)]))
    }

    func testADamagedBlockIsAMismatchNotACrash() throws {
        let square = [Coordinate(1, 2), Coordinate(1.5, 2), Coordinate(1.5, 2.5), Coordinate(1, 2)]
        let bytes = encoded(VillagesAsRead(key: "k", warnings: [], villages: [Village(id: "a", name: "b", shape: .polygon([square]))]))
        XCTAssertEqual(try readingSideFile(bytes) { try $0.villagesAsRead() }.villages.count, 1)
        for cut in 1..<bytes.count {
            try readingSideFile(Array(bytes.prefix(cut))) { r in XCTAssertThrowsError(try r.villagesAsRead(), "cut at \(cut)") }
        }
    }

    /// The villages' blocks hold `blockSize` villages each but the last, as the writer makes them
    /// (each is read into its place): blocks cut otherwise, or a count other than theirs, are damage.
    func testBlocksOfOtherSizesAreDamage() throws {
        let square = [Coordinate(1, 2), Coordinate(1.5, 2), Coordinate(1.5, 2.5), Coordinate(1, 2)]
        let villages = (0..<4).map { Village(id: "v\($0)", name: "n", shape: .polygon([square])) }
        func file(_ blocks: [ArraySlice<Village>], count: Int) -> [UInt8] {
            var w = IncrementalState.Writer()
            w.string("k"); w.varint(0); w.varint(UInt64(count)); w.varint(UInt64(blocks.count))
            for b in blocks {
                var block = IncrementalState.Writer()
                b.forEach { block.village($0) }
                w.varint(UInt64(block.bytes.count))
                w.bytes += block.bytes
            }
            return w.bytes
        }
        let three = villages[..<3]
        XCTAssertEqual(file([three], count: 3), encoded(VillagesAsRead(key: "k", warnings: [], villages: Array(three))))
        XCTAssertEqual(try readingSideFile(file([three], count: 3)) { try $0.villagesAsRead() }.villages.map(\.id), ["v0", "v1", "v2"])
        for (blocks, count) in [([villages[..<2], villages[2..<3]], 3), ([villages[..<0], three], 3), ([three, villages[..<0]], 3),
                                ([villages[...]], 3), ([three], 4), ([three], 2)] {
            try readingSideFile(file(blocks, count: count)) { r in
                XCTAssertThrowsError(try r.villagesAsRead(), "\(blocks.map(\.count)) for \(count)")
            }
        }
    }
}
