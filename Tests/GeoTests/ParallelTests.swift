import XCTest
@testable import Geo

final class ParallelTests: XCTestCase {
    func testResultsInIndexOrderWhateverTheThreads() throws {
        let one = try parallelMap(1000, jobs: 1, chunk: 7) { $0 * $0 }
        let four = try parallelMap(1000, jobs: 4, chunk: 7) { $0 * $0 }
        XCTAssertEqual(one, (0..<1000).map { $0 * $0 })
        XCTAssertEqual(four, one)
        let (a, b) = try sideBySide({ "left" }, { 42 })
        XCTAssertEqual(a, "left")
        XCTAssertEqual(b, 42)
    }

    func testTheAllocatorTakesTheArenaLimit() {
        // glibc's mallopt(M_ARENA_MAX, n) returns 1 when it takes the value.
        XCTAssertTrue(limitAllocatorArenas(2))
        XCTAssertTrue(limitAllocatorArenas())
    }
}
