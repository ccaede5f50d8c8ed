import XCTest
import Foundation
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

    /// A map of groups advances its stage by the units each group counts: ten groups of 1…10
    /// units make 55. The last item waits past the progress's tenth of a second, so that the
    /// event after its chunk shows every unit done.
    func testProgressAdvancesByTheUnitsOfEachItem() throws {
        for jobs in [1, 2] {
            let events = Locked<[ProgressEvent]>([])
            let progress = StageProgress { e in events.update { $0.append(e) } }
            progress.start("footprints", total: 55)
            _ = try parallelMap(10, jobs: jobs, chunk: 2, progress: progress, units: { $0 + 1 }) { i in
                if i == 9 { Thread.sleep(forTimeInterval: 0.12) }
                return i
            }
            XCTAssertEqual(events.value.last?.done, 55, "jobs \(jobs)")
            XCTAssertEqual(events.value.last?.finished, false)
        }
    }

    /// A failing map throws the error of the lowest index that failed and lets go of every result
    /// it had made: none is left alive, none is released twice.
    func testAFailedMapThrowsTheFirstErrorAndLetsGoOfItsResults() {
        final class Made: @unchecked Sendable {
            static let alive = Locked(0)
            init() { Self.alive.update { $0 += 1 } }
            deinit { Self.alive.update { $0 -= 1 } }
        }
        struct Failed: Error, Equatable { var index: Int }
        for jobs in [1, 2, 4] {
            XCTAssertThrowsError(try parallelMap(2000, jobs: jobs, chunk: 16) { i -> Made in
                if i == 500 || i == 900 { throw Failed(index: i) }
                return Made()
            }) { error in XCTAssertEqual(error as? Failed, Failed(index: 500), "jobs \(jobs)") }
            XCTAssertEqual(Made.alive.value, 0, "jobs \(jobs)")
        }
        let made = try? parallelMap(300, jobs: 4, chunk: 16) { _ in Made() }
        XCTAssertEqual(made?.count, 300)
        XCTAssertEqual(Made.alive.value, 300)
    }

    /// Each chunk has a state of its own, begun fresh and seeing its indices in order; the states
    /// come back in chunk order whatever the threads, and a failure throws the lowest index's error.
    func testChunksKeepAStateOfTheirOwn() throws {
        struct Seen { var indices: [Int] = []; var sum = 0 }
        for jobs in [1, 2, 4] {
            let (results, states) = try parallelMap(1003, jobs: jobs, chunk: 100, state: { Seen() }) { s, i -> Int in
                s.indices.append(i)
                s.sum += i
                return s.sum
            }
            XCTAssertEqual(states.count, 11, "jobs \(jobs)")
            for (c, s) in states.enumerated() {
                XCTAssertEqual(s.indices, Array((c * 100)..<min(1003, (c + 1) * 100)), "jobs \(jobs), chunk \(c)")
            }
            // Each result is the running sum within its own chunk: 1000 + 1001 + 1002 in the last.
            XCTAssertEqual(results[1002], 3003)
            XCTAssertEqual(results[100], 100)
            XCTAssertEqual(results[99], (0..<100).reduce(0, +))
            struct Failed: Error, Equatable { var index: Int }
            XCTAssertThrowsError(try parallelMap(1000, jobs: jobs, chunk: 10, state: { 0 }) { _, i -> Int in
                if i == 555 || i == 777 { throw Failed(index: i) }
                return i
            }) { error in XCTAssertEqual(error as? Failed, Failed(index: 555), "jobs \(jobs)") }
        }
        let empty = try parallelMap(0, jobs: 2, chunk: 10, state: { 0 }) { _, i in i }
        XCTAssertTrue(empty.results.isEmpty && empty.states.isEmpty)
    }

    func testMapsRunOnTheSameWorkersAndNestWithoutWaitingForEachOther() throws {
        // Which threads ran a map: the caller and the pool's workers, the same ones every time.
        func threads(_ jobs: Int) throws -> Set<UInt> {
            let seen = Locked(Set<UInt>())
            _ = try parallelMap(64, jobs: jobs, chunk: 1) { i -> Int in
                usleep(2_000)
                seen.update { $0.insert(UInt(pthread_self())) }
                return i
            }
            return seen.value
        }
        let first = try threads(3), second = try threads(3)
        XCTAssertGreaterThan(first.count, 1)
        // The caller and the pool's workers (other tests of this process may have started more than two).
        let pool = Set(WorkerPool.shared.threads)
        XCTAssertGreaterThanOrEqual(pool.count, 2)
        XCTAssertTrue(first.union(second).isSubset(of: pool.union([UInt(pthread_self())])), "\(first) \(second) \(pool)")
        // A map inside a map: the inner one is drained by whoever is free, callers included, in order.
        let nested = try parallelMap(8, jobs: 2, chunk: 1) { i in
            try parallelMap(50, jobs: 2, chunk: 3) { j in i * 100 + j }.reduce(0, +)
        }
        XCTAssertEqual(nested, (0..<8).map { i in (0..<50).map { j in i * 100 + j }.reduce(0, +) })
        // The first error (lowest index) comes back, and the workers go on serving maps after it.
        struct Failure: Error, Equatable { var index: Int }
        XCTAssertThrowsError(try parallelMap(100, jobs: 3, chunk: 2) { i -> Int in
            if i % 30 == 29 { throw Failure(index: i) }
            return i
        }) { XCTAssertEqual($0 as? Failure, Failure(index: 29)) }
        XCTAssertEqual(try parallelMap(10, jobs: 3, chunk: 1) { $0 }, Array(0..<10))
    }

    func testAThreadWaitingForItsTicketsRunsOthersMeanwhile() {
        // A pool of one worker, busy with ticket A, which posts ticket N for its own work and drains
        // it too. The caller waiting for A takes N from the queue instead of idling: N's items run on
        // both threads.
        let pool = WorkerPool()
        pool.ensure(1)
        let next = Locked(0), seen = Locked(Set<UInt>())
        func drain() {
            while true {
                var k = 0
                next.update { k = $0; $0 += 1 }
                guard k < 64 else { return }
                usleep(2_000)
                seen.update { $0.insert(UInt(pthread_self())) }
            }
        }
        let taken = DispatchSemaphore(value: 0)
        let a = pool.post(1) {
            taken.signal()
            let n = pool.post(1) { drain() }
            drain()
            pool.finish(n)
        }
        taken.wait()  // a ticket not taken yet would be withdrawn
        pool.finish(a)
        XCTAssertEqual(next.value, 64 + 2)
        XCTAssertEqual(seen.value.count, 2, "\(seen.value)")
        XCTAssertTrue(seen.value.contains(UInt(pthread_self())))
    }

    /// A thread that hands something over once its map is done must not, while it waits for the
    /// map's work on a worker, take a queued ticket that waits for that handover: it would wait for
    /// itself. Here the pool's one worker does the hander's share for 0.1 s after another ticket
    /// (F, waiting for the handover) is queued; a hander helping others takes F and never returns.
    func testAThreadThatHandsOverDoesNotTakeWorkWaitingForIt() {
        let pool = WorkerPool()
        pool.ensure(1)
        let handed = DispatchSemaphore(value: 0), shareTaken = DispatchSemaphore(value: 0)
        let fQueued = DispatchSemaphore(value: 0), handerDone = DispatchSemaphore(value: 0), fDone = DispatchSemaphore(value: 0)
        let fThread = Locked<UInt>(0), handerThread = Locked<UInt>(0)
        _ = BackgroundTask {
            handerThread.update { $0 = UInt(pthread_self()) }
            let started = DispatchSemaphore(value: 0)
            let share = pool.post(1) {
                started.signal()
                shareTaken.signal()
                fQueued.wait()
                usleep(100_000)
            }
            started.wait()  // a ticket not taken yet would be withdrawn
            pool.finish(share, helpingOthers: false)
            handed.signal()
            handerDone.signal()
        }
        shareTaken.wait()
        _ = pool.post(1) {
            handed.wait()
            fThread.update { $0 = UInt(pthread_self()) }
            fDone.signal()
        }
        fQueued.signal()
        XCTAssertEqual(handerDone.wait(timeout: .now() + 10), .success, "the hander took the work waiting for it")
        XCTAssertEqual(fDone.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(pool.threads.count, 1)
        XCTAssertEqual(fThread.value, pool.threads.first, "the waiting work ran on the worker")
        XCTAssertNotEqual(fThread.value, handerThread.value)
    }

    /// Scripts/sanitize sets the sanitizer's options; the normal suite runs without them.
    func testASanitizedProcessKnowsIt() {
        let env = ProcessInfo.processInfo.environment
        XCTAssertEqual(runsUnderSanitizer, env["ASAN_OPTIONS"] != nil || env["TSAN_OPTIONS"] != nil)
    }

    /// A background task runs beside its caller: here it cannot end until the caller, still
    /// running, lets it; its result (or error) comes back on every wait.
    func testABackgroundTaskRunsBesideItsCallerAndGivesBackItsResultOrError() throws {
        let go = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let task = BackgroundTask { () -> [Int] in
            started.signal()
            go.wait()
            return (0..<5).map { $0 * 3 }
        }
        XCTAssertEqual(started.wait(timeout: .now() + 30), .success, "the task never started")
        go.signal()
        XCTAssertEqual(try task.wait(), [0, 3, 6, 9, 12])
        XCTAssertEqual(try task.wait(), [0, 3, 6, 9, 12])

        struct Refused: Error, Equatable { let why: String }
        let failing = BackgroundTask { () -> Int in throw Refused(why: "disk full") }
        XCTAssertThrowsError(try failing.wait()) { XCTAssertEqual($0 as? Refused, Refused(why: "disk full")) }
        XCTAssertThrowsError(try failing.wait()) { XCTAssertEqual($0 as? Refused, Refused(why: "disk full")) }
    }

    /// A value let go of beside its caller is freed on another thread, once the caller's own
    /// reference is gone.
    func testAValueLetGoBesideIsFreedOnAnotherThread() {
        final class Watched {
            let freed: DispatchSemaphore, on: Locked<UInt?>
            init(_ freed: DispatchSemaphore, _ on: Locked<UInt?>) { self.freed = freed; self.on = on }
            deinit { on.update { $0 = UInt(pthread_self()) }; freed.signal() }
        }
        let freed = DispatchSemaphore(value: 0), on = Locked<UInt?>(nil)
        letGoBeside([Watched(freed, on), Watched(freed, on)])
        XCTAssertEqual(freed.wait(timeout: .now() + 30), .success, "never freed")
        XCTAssertEqual(freed.wait(timeout: .now() + 30), .success, "the second never freed")
        XCTAssertNotNil(on.value)
        XCTAssertNotEqual(on.value, UInt(pthread_self()))
    }

    /// A handover gives every waiter the first value handed, once it is handed; later hands are ignored.
    func testAHandoverGivesTheFirstValueToEveryWaiter() {
        let handover = Handover<Int?>()
        let waiting = DispatchGroup(), seen = Locked<[Int?]>([])
        for _ in 0..<3 {
            waiting.enter()
            Thread { seen.update { $0.append(handover.wait()) }; waiting.leave() }.start()
        }
        XCTAssertEqual(waiting.wait(timeout: .now() + 0.2), .timedOut, "a waiter went on before anything was handed")
        handover.hand(nil)
        handover.hand(7)
        XCTAssertEqual(waiting.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(seen.value.count, 3)
        XCTAssertTrue(seen.value.allSatisfy { $0 == nil }, "\(seen.value)")
        XCTAssertEqual(handover.wait(), nil)
    }

    /// Threads waiting for a handover run the maps' queued work meanwhile: here every worker and
    /// one more thread wait, and a map made on another thread (the value's maker) is done on several.
    func testThreadsWaitingForAHandoverDoQueuedWork() {
        let handover = Handover<Int>()
        startWorkers(max(1, defaultJobs - 1))
        // Every worker started so far (other tests' maps may have started more).
        let workers = WorkerPool.shared.threads.count
        let waited = BackgroundTask { concurrentMap(workers + 1, jobs: workers + 1, chunk: 1) { _ in handover.wait() } }
        Thread.sleep(forTimeInterval: 0.2)
        let maker = BackgroundTask { () -> Set<UInt> in
            defer { handover.hand(5) }
            // As many threads as the workers and this one (more would start a worker).
            return Set(concurrentMap(40, jobs: workers + 1, chunk: 1) { _ -> UInt in usleep(10_000); return UInt(pthread_self()) })
        }
        XCTAssertGreaterThan(try maker.wait().count, 1, "the map was done on its own thread alone")
        XCTAssertEqual(try waited.wait(), [Int](repeating: 5, count: workers + 1))
    }

    /// With `valuesGoWithTheProcess` set, a value let go of beside is kept, never freed.
    func testAValueLetGoBesideIsKeptWhenValuesGoWithTheProcess() {
        final class Watched {
            let freed: DispatchSemaphore
            init(_ freed: DispatchSemaphore) { self.freed = freed }
            deinit { freed.signal() }
        }
        let before = valuesGoWithTheProcess.value
        defer { valuesGoWithTheProcess.update { $0 = before } }
        valuesGoWithTheProcess.update { $0 = true }
        let freed = DispatchSemaphore(value: 0)
        letGoBeside(Watched(freed))
        XCTAssertEqual(freed.wait(timeout: .now() + 0.5), .timedOut, "freed")
    }

    func testTheAllocatorTakesTheArenaLimit() throws {
        try XCTSkipIf(runsUnderSanitizer, "a sanitizer's allocator replaces glibc's and has no arenas to limit")
        // glibc's mallopt(M_ARENA_MAX, n) returns 1 when it takes the value.
        XCTAssertTrue(limitAllocatorArenas(2))
        XCTAssertTrue(limitAllocatorArenas())
    }

    /// Without mimalloc nothing is asked; with it loaded (as the covgap program links it), its delay
    /// before freed memory goes back to the system is the one given, read back through its own API.
    func testMimallocKeepsFreedMemoryAsLongAsAsked() throws {
        try XCTSkipIf(runsUnderSanitizer, "a sanitizer's allocator replaces the process's; mimalloc is not loaded beside it")
        let any = UnsafeMutableRawPointer(bitPattern: 0)
        if dlsym(any, "mi_option_set") == nil { XCTAssertFalse(keepFreedMemory(milliseconds: 1000)) }
        guard let library = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_GLOBAL) else {
            throw XCTSkip("libmimalloc.so.2 is not installed (Scripts/setup installs it)")
        }
        typealias OptionGet = @convention(c) (Int32) -> Int
        let get = unsafeBitCast(try XCTUnwrap(dlsym(library, "mi_option_get")), to: OptionGet.self)
        XCTAssertEqual(get(15), 25, "mimalloc's default delay, 25 ms, at the option's place")
        XCTAssertTrue(keepFreedMemory(milliseconds: 1000))
        XCTAssertEqual(get(15), 1000)
        XCTAssertTrue(keepFreedMemory(milliseconds: 25))
        XCTAssertEqual(get(15), 25)
    }
}
