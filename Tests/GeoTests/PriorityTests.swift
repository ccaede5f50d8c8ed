import Foundation
import XCTest
@testable import Geo

/// `givePriorityAway`: every thread of the process steps down, and threads started afterwards
/// inherit the lower priority from the thread that starts them.
final class PriorityTests: XCTestCase {
    func testEveryThreadAndEveryLaterThreadStepsDown() throws {
        #if !os(Linux)
        throw XCTSkip("thread priorities are Linux's")
        #else
        let before = currentThreadNice()
        let expected = min(19, before + 1)
        // A thread that exists before, asked for its priority after.
        let ready = DispatchSemaphore(value: 0), asked = DispatchSemaphore(value: 0), answered = DispatchSemaphore(value: 0)
        let earlier = Locked<Int32?>(nil)
        Thread {
            ready.signal()
            asked.wait()
            earlier.update { $0 = currentThreadNice() }
            answered.signal()
        }.start()
        ready.wait()
        givePriorityAway(steps: 1)
        XCTAssertEqual(currentThreadNice(), expected)
        asked.signal()
        answered.wait()
        XCTAssertEqual(earlier.value, expected)
        // A thread started afterwards.
        let later = Locked<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            later.update { $0 = currentThreadNice() }
            done.signal()
        }.start()
        done.wait()
        XCTAssertEqual(later.value, expected)
        // Nothing for no steps.
        givePriorityAway(steps: 0)
        XCTAssertEqual(currentThreadNice(), expected)
        #endif
    }
}
