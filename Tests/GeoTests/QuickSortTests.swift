import TestSupport
import XCTest
@testable import Geo

final class QuickSortTests: XCTestCase {
    /// Against the standard library's sort, on keys made equal in x often, in every shape that
    /// upsets a quicksort: sorted, reversed, all equal, organ pipe, sawtooth, random.
    func testTheOrderIsTheStandardSortsForKeysWithDistinctTieBreaks() {
        var rng = SplitMix64(state: 0x2545_F491_4F6C_DD1D)
        func random(_ n: Int) -> Int { Int(rng.next() >> 33) % max(n, 1) }
        typealias Key = (x: Double, i: Int32)
        let before = { (a: Key, b: Key) in a.x != b.x ? a.x < b.x : a.i < b.i }
        let shapes: [(String, (Int, Int) -> Double)] = [
            ("random", { _, _ in Double(random(1_000)) }),
            ("few values", { _, _ in Double(random(3)) }),
            ("ascending", { k, _ in Double(k) }),
            ("descending", { k, n in Double(n - k) }),
            ("equal", { _, _ in 7 }),
            ("organ pipe", { k, n in Double(min(k, n - k)) }),
            ("sawtooth", { k, _ in Double(k % 17) }),
            ("ring and wedges", { k, n in k < n / 2 ? 1_000 * cos(Double(k) / Double(n) * 4 * .pi) : Double(random(2_000)) - 1_000 }),
        ]
        for (name, shape) in shapes {
            for n in Array(0...80) + [200, 1_000, 5_000] {
                var keys: [Key] = (0..<n).map { (x: shape($0, n), i: Int32($0)) }
                var shuffler = SplitMix64(state: UInt64(n))
                keys.shuffle(using: &shuffler)
                if name == "ascending" || name == "descending" || name == "organ pipe" || name == "sawtooth" {
                    keys.sort { $0.i < $1.i }   // their own order, not shuffled
                }
                let expected = keys.sorted(by: before)
                keys.withUnsafeMutableBufferPointer { quickSort($0, by: before) }
                XCTAssertTrue(keys.elementsEqual(expected) { $0.x == $1.x && $0.i == $1.i }, "\(name), \(n) keys")
            }
        }
        // Stretches that split too often are handed to the standard sort: the same order.
        for splits in [0, 1, 3] {
            var keys: [Key] = (0..<2_000).map { (x: Double(random(300)), i: Int32($0)) }
            let expected = keys.sorted(by: before)
            keys.withUnsafeMutableBufferPointer { quickSort($0, splits: splits, by: before) }
            XCTAssertTrue(keys.elementsEqual(expected) { $0.x == $1.x && $0.i == $1.i }, "at most \(splits) splits")
        }
        // Plain numbers with repeats: the same sequence as the standard sort.
        var numbers = (0..<3_000).map { _ in Double(random(50)) / 4 }
        let sorted = numbers.sorted()
        numbers.withUnsafeMutableBufferPointer { quickSort($0, by: <) }
        XCTAssertEqual(numbers, sorted)
    }
}
