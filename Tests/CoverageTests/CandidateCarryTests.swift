import Geo
import XCTest
@testable import Coverage

/// Candidates carried over from a previous run's side file are what a lookup among all sectors
/// finds, and strings are fingerprinted word by word as documented.
final class CandidateCarryTests: XCTestCase {
    /// A print that names its value (sectors with equal prints are identical rows).
    func print(_ v: UInt64) -> Fingerprint { Fingerprint(a: v, b: v &* 31) }

    /// Sectors as reach boxes on a line: sector with print p reaches x in [p, p + 2].
    func reach(_ p: Fingerprint) -> Bounds { Bounds(minX: Double(p.a), minY: 0, maxX: Double(p.a) + 2, maxY: 1) }

    func testTheKthSectorWithAPrintThenIsTheKthNow() {
        // Then: 5 7 5 9 3; now: 3 5 8 5 5 7 (9 removed, 8 added, a third 5 added).
        let then = [5, 7, 5, 9, 3].map { print($0) }
        let now = [3, 5, 8, 5, 5, 7].map { print($0) }
        let carry = SectorCarry(previous: then, now: now) { self.reach(now[$0]) }
        XCTAssertEqual(carry.now, [1, 5, 3, -1, 0])
        XCTAssertEqual(carry.added, [2, 4])
    }

    /// The bucketed order is one sort's by (a, b, index): across buckets, within one, with equal
    /// prints and with prints that share `a` but not `b`.
    func testPrintsAreOrderedAsOneSortOrdersThem() {
        var g = SystemRandomNumberGenerator()
        var prints = (0..<5_000).map { _ in Fingerprint(a: UInt64.random(in: 0...UInt64.max, using: &g), b: UInt64.random(in: 0...9, using: &g)) }
        prints += prints.prefix(300)                                                    // equal prints
        prints += prints.prefix(200).map { Fingerprint(a: $0.a, b: $0.b &+ 1) }        // same a, other b
        prints += (0..<400).map { Fingerprint(a: UInt64($0 % 7), b: UInt64(($0 * 13) % 5)) }  // one bucket
        prints.shuffle(using: &g)
        let sorted = prints.indices.sorted { (prints[$0].a, prints[$0].b, $0) < (prints[$1].a, prints[$1].b, $1) }
        let byPrint = SectorCarry.byPrint(prints)
        XCTAssertEqual(byPrint.map(\.i), sorted.map(Int32.init))
        XCTAssertTrue(byPrint.allSatisfy { prints[Int($0.i)] == Fingerprint(a: $0.a, b: $0.b) })
        XCTAssertTrue(SectorCarry.byPrint([]).isEmpty)
    }

    func testCarriedCandidatesAreTheLookupsAmongAllSectors() {
        let then = [5, 7, 5, 9, 3, 20].map { print($0) }
        let now = [3, 5, 8, 5, 5, 7, 20].map { print($0) }
        let carry = SectorCarry(previous: then, now: now) { self.reach(now[$0]) }
        let allNow = BoundsIndex(now.map(reach)), allThen = BoundsIndex(then.map(reach))
        // Boxes along the line, grown by a fifth of their size (as villages' are).
        for (lo, hi) in [(0.0, 1.0), (4.0, 4.5), (6.5, 7.0), (9.5, 10.0), (11.5, 12.0), (21.5, 30.0), (40.0, 41.0)] {
            let box = Bounds(minX: lo, minY: 0.2, maxX: hi, maxY: 0.4)
            let kept = IncrementalIndex.candidates(of: box, in: allThen, slack: 0)
            let (carried, same) = carry.candidates(from: kept, box: box, slack: 0)
            let looked = IncrementalIndex.candidates(of: box, in: allNow, slack: 0)
            XCTAssertEqual(carried, looked, "\(lo)…\(hi)")
            let printsThen = kept.map { then[Int($0)] }, printsNow = looked.map { now[Int($0)] }
            XCTAssertEqual(same, printsThen == printsNow, "\(lo)…\(hi)")
        }
        // 4.5…5.5 meets the 3 and the 5s: then 5, 5, 3 (indices 0, 2, 4), now 3, 5, 5 and the added 5.
        let box = Bounds(minX: 4.5, minY: 0.2, maxX: 5.5, maxY: 0.4)
        let (c, same) = carry.candidates(from: IncrementalIndex.candidates(of: box, in: allThen, slack: 0), box: box, slack: 0)
        XCTAssertEqual(c, [0, 1, 3, 4])
        XCTAssertFalse(same)
        // 21.5…30 meets 20 only, unchanged though it moved from index 5 to 6.
        let far = Bounds(minX: 21.5, minY: 0.2, maxX: 30, maxY: 0.4)
        XCTAssertEqual(carry.candidates(from: [5], box: far, slack: 0).candidates, [6])
        XCTAssertTrue(carry.candidates(from: [5], box: far, slack: 0).same)
    }

    func testReorderedSectorsAreTheSameOnlyInTheSameOrderOfPrints() {
        // Then 1 2 3, now 3 2 1: the same sectors, not in the same order.
        let then = [1, 2, 3].map { print($0) }
        let now = [3, 2, 1].map { print($0) }
        let carry = SectorCarry(previous: then, now: now) { self.reach(now[$0]) }
        let r = carry.candidates(from: [0, 1, 2], box: Bounds(minX: 0, minY: 0, maxX: 10, maxY: 1), slack: 0)
        XCTAssertEqual(r.candidates, [0, 1, 2])
        XCTAssertFalse(r.same)
        // Two identical rows swapped with each other: the same.
        let twins = [print(4), print(4), print(6)], twinsNow = [print(4), print(6), print(4)]
        let swapped = SectorCarry(previous: twins, now: twinsNow) { self.reach(twinsNow[$0]) }
        XCTAssertEqual(swapped.now, [0, 2, 1])
        let s = swapped.candidates(from: [0, 1, 2], box: Bounds(minX: 0, minY: 0, maxX: 10, maxY: 1), slack: 0)
        XCTAssertEqual(s.candidates, [0, 1, 2])
        XCTAssertFalse(s.same, "4 4 6 then, 4 6 4 now")
        let t = swapped.candidates(from: [0, 1], box: Bounds(minX: 0, minY: 0, maxX: 4.5, maxY: 1), slack: 0)
        XCTAssertEqual(t.candidates, [0, 2])
        XCTAssertTrue(t.same)
    }

    func testStringsAreFedAsTheirLengthThenLittleEndianWords() {
        func fed(_ words: [UInt64]) -> Fingerprint { var f = Fingerprint(); words.forEach { f.add($0) }; return f }
        func of(_ s: String) -> Fingerprint { var f = Fingerprint(); f.add(s); return f }
        XCTAssertEqual(of(""), fed([0]))
        XCTAssertEqual(of("abc"), fed([3, 0x63_62_61]))
        XCTAssertEqual(of("abcdefgh"), fed([8, 0x68_67_66_65_64_63_62_61]))
        XCTAssertEqual(of("abcdefghi"), fed([9, 0x68_67_66_65_64_63_62_61, 0x69]))
        // Longer than a string kept inline (15 bytes): its bytes on the heap, read the same way.
        XCTAssertEqual(of("abcdefghijklmnopq"), fed([17, 0x68_67_66_65_64_63_62_61, 0x70_6F_6E_6D_6C_6B_6A_69, 0x71]))
        // "Đà" is C4 90 C3 A0 in UTF-8.
        XCTAssertEqual(of("Đà"), fed([4, 0xA0_C3_90_C4]))
        // A string bridged from Foundation reads the same as a native one.
        XCTAssertEqual(of(NSString(string: "Vĩnh Kim, xã 9") as String), of("Vĩnh Kim, xã 9"))
    }

    func testFirstIndexFindsTheFirstOfEachPrint() {
        // Low bits all equal (every print starts at the same slot), repeats, and a print absent.
        let prints = [7, 3, 7, 9, 3, 11].map { Fingerprint(a: UInt64($0) << 40, b: UInt64($0)) }
        let first = FirstIndex(prints)
        XCTAssertEqual(prints.map { first[$0] }, [0, 1, 0, 3, 1, 5])
        XCTAssertNil(first[Fingerprint(a: 5 << 40, b: 5)])
        XCTAssertNil(first[Fingerprint(a: 7 << 40, b: 8)], "same first half, other second")
        XCTAssertNil(FirstIndex([])[prints[0]])
        // Many prints: each found at its first position.
        let many = (0..<5000).map { Fingerprint(a: UInt64($0 % 1700) &* 0x9E37_79B9_7F4A_7C15, b: UInt64($0 % 1700)) }
        let table = FirstIndex(many)
        for (i, f) in many.enumerated() { XCTAssertEqual(table[f], i % 1700) }
        // 60,000 prints that agree in their low 32 bits of both words, as a side file could be
        // written to hold: spread by the table's seed (probed from one slot, they would take
        // 1.8 billion steps).
        let crafted = (0..<60_000).map { Fingerprint(a: UInt64($0) << 32, b: UInt64($0) << 32) }
        let spread = FirstIndex(crafted)
        XCTAssertEqual(spread[crafted[59_999]], 59_999)
        XCTAssertEqual(spread[crafted[0]], 0)
        XCTAssertNil(spread[Fingerprint(a: 60_000 << 32, b: 60_000 << 32)])
    }
}
