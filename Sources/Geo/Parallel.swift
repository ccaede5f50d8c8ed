import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` over `0..<count` in chunks on `jobs` threads and returns the results in index order,
/// so the output never depends on the thread count. The first error (lowest index) is rethrown.
///
/// `body` runs on several threads at once: it may read shared values but must not change them.
/// Each thread gets its own GEOS and PROJ contexts (see `ThreadLocal`). `progress`, when given,
/// is advanced by each chunk done: by its items, or by the units `units(i)` counts for each of
/// them (a stage that maps groups of what it counts).
///
/// While the caller waits for the chunks the workers took, it runs other maps' queued work
/// (`WorkerPool.finish`), unless it is `handingOver`.
public func parallelMap<T>(_ count: Int, jobs: Int, chunk: Int = 64, progress: StageProgress? = nil,
                           units: ((Int) -> Int)? = nil, _ body: (Int) throws -> T) throws -> [T] {
    if count == 0 { return [] }
    let threads = max(1, min(jobs, (count + chunk - 1) / chunk))
    let advance = progress.map { p in
        { (done: Range<Int>) in p.advance(units.map { u in done.reduce(0) { $0 + u($1) } } ?? done.count) }
    }
    if threads == 1 {
        return try (0..<count).map { i in
            defer { if (i + 1) % chunk == 0 { advance?((i + 1 - chunk)..<(i + 1)) } }
            return try body(i)
        }
    }
    // Each result is made in its place in the array returned (no copy of the results afterwards:
    // a national run maps hundreds of thousands of sizeable values).
    return try withoutActuallyEscaping(body) { body in
        try Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            let work = SharedWork(count: count, chunk: chunk, advance: advance, body: body, into: buffer)
            // The caller drains too; whatever the workers have not started when it is done (they may be
            // busy with an enclosing map) is withdrawn.
            let tickets = WorkerPool.shared.post(threads - 1) { work.drain() }
            work.drain()
            WorkerPool.shared.finish(tickets, helpingOthers: (try? helping.value())?.others ?? true)
            try work.finish()
            initialized = count
        }
    }
}

/// `parallelMap` whose chunks of `chunk` indices each have a state of their own, made by `state`
/// when the chunk is begun and passed to `body` for each of its indices in order (a reader's
/// warnings and caches, say); the results are made in place as `parallelMap` makes them, and the
/// states come back in chunk order. The first error (lowest index) is thrown, as `parallelMap` does.
public func parallelMap<S, T>(_ count: Int, jobs: Int, chunk: Int, state: () -> S,
                              _ body: (inout S, Int) throws -> T) throws -> (results: [T], states: [S]) {
    let chunks = (count + chunk - 1) / chunk
    // Chunk `c` is `c * chunk ..< (c + 1) * chunk`, done by one thread in index order: its slot is
    // touched by that thread only.
    let slots = UnsafeMutableBufferPointer<S?>.allocate(capacity: chunks)
    slots.initialize(repeating: nil)
    defer { slots.deinitialize(); slots.deallocate() }
    let results = try withoutActuallyEscaping(state) { state in
        try parallelMap(count, jobs: jobs, chunk: chunk) { i -> T in
            let c = i / chunk
            if i % chunk == 0 { slots[c] = state() }
            return try body(&slots[c]!, i)
        }
    }
    return (results, slots.map { $0! })
}

/// Whether the calling thread's maps run other maps' queued work while they wait (`handingOver`).
private final class Helping { var others = true }
private let helping = ThreadLocal { Helping() }

/// Runs `body` with the maps this thread makes (`parallelMap`) only waiting for their own chunks
/// on the workers, never running other maps' queued work meanwhile: for a thread that hands
/// something over (`Handover`) to work that waits for it, which it would otherwise take from the
/// queue and wait for itself.
public func handingOver<T>(_ body: () throws -> T) rethrows -> T {
    guard let h = try? helping.value() else { return try body() }
    let before = h.others
    h.others = false
    defer { h.others = before }
    return try body()
}

/// `parallelMap` for work that cannot fail (on all cores unless told `jobs`).
public func concurrentMap<T>(_ count: Int, jobs: Int = defaultJobs, chunk: Int = 64, _ body: (Int) -> T) -> [T] {
    // The throwing form rethrows only what `body` throws: here, nothing.
    (try? parallelMap(count, jobs: jobs, chunk: chunk, body)) ?? []
}

/// `a` and `b` side by side on two threads; both results, or the error of `a` (else of `b`).
public func sideBySide<A, B>(_ a: () throws -> A, _ b: () throws -> B) throws -> (A, B) {
    var first: A?, second: B?
    try withoutActuallyEscaping(a) { a in
        try withoutActuallyEscaping(b) { b in
            let results = try parallelMap(2, jobs: 2, chunk: 1) { lane -> Any in lane == 0 ? try a() : try b() }
            first = results[0] as? A
            second = results[1] as? B
        }
    }
    return (first!, second!)
}

/// `sideBySide` for work that cannot fail.
public func concurrentPair<A, B>(_ a: () -> A, _ b: () -> B) -> (A, B) {
    // The throwing form throws only what `a` or `b` throws: here, nothing.
    try! sideBySide(a, b)
}

/// Limits the C allocator to `count` arenas (glibc makes up to eight per core, one for each new
/// thread that finds the others busy): what one stage's threads free is then reused by the next
/// stage's threads instead of staying in arenas no thread allocates from any more. The peak
/// memory of a national-scale run is the sum of the stages' leftovers otherwise (docs/benchmarks.md).
/// Whether the allocator took the limit.
@discardableResult
public func limitAllocatorArenas(_ count: Int = defaultJobs) -> Bool {
    #if canImport(Glibc)
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    let arenaMax: Int32 = -8   // M_ARENA_MAX in <malloc.h>, which Swift's Glibc module does not include
    guard let mallopt = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
    return unsafeBitCast(mallopt, to: Mallopt.self)(arenaMax, Int32(max(1, count))) == 1
    #else
    return false
    #endif
}

/// Asks mimalloc, when the process allocates through it (the covgap program does, see
/// Package.swift), to keep memory freed for `milliseconds` before it gives it back to the system
/// (25 ms by default): memory freed and soon taken again is then reused as it is, not given back
/// and touched in again page by page. Returns false without mimalloc.
@discardableResult
public func keepFreedMemory(milliseconds: Int) -> Bool {
    #if canImport(Glibc)
    typealias OptionSet = @convention(c) (Int32, Int) -> Void
    // mi_option_decommit_delay in <mimalloc.h> (mimalloc 2.0; 2.1 names it mi_option_purge_delay).
    let decommitDelay: Int32 = 15
    guard let set = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mi_option_set") else { return false }
    unsafeBitCast(set, to: OptionSet.self)(decommitDelay, max(0, milliseconds))
    return true
    #else
    return false
    #endif
}

/// Whether AddressSanitizer or ThreadSanitizer instruments this process (their runtimes export
/// these entry points); such a process frees what it made before it ends, so that its leaks show.
public let runsUnderSanitizer: Bool = {
    #if canImport(Glibc)
    let anyImage = UnsafeMutableRawPointer(bitPattern: 0)
    return dlsym(anyImage, "__asan_init") != nil || dlsym(anyImage, "__tsan_init") != nil
    #else
    return false
    #endif
}()

/// All cores of the machine, asked once: Foundation reads the control group's files on every
/// ask, and every map of a run asks.
public let defaultJobs: Int = ProcessInfo.processInfo.activeProcessorCount

/// The stack of the threads this file starts: the main thread's (8 MiB), since what runs on them
/// runs on the main thread too.
let threadStackSize = 8 << 20

/// `body` run on a thread of its own, started at once, beside the caller (for work that waits as
/// much as it computes, such as a file written while others are); `wait` gives its result or
/// rethrows its error. As with `parallelMap`, what `body` shares with the caller it may read but
/// not change, unless that is a lock's or a condition's.
///
/// `@unchecked Sendable`: `result` is written once by the thread, before `done` is signalled, and
/// read only after it; `body` is touched by the thread alone once it has started.
public final class BackgroundTask<T>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, Error>?
    private var body: (() throws -> T)?

    public init(_ body: @escaping () throws -> T) {
        self.body = body
        let thread = Thread { [self] in
            result = Result { try self.body!() }
            self.body = nil
            done.signal()
        }
        thread.stackSize = threadStackSize
        thread.start()
    }

    /// Waits for `body` to end (any number of times, from one thread at a time).
    public func wait() throws -> T {
        done.wait()
        defer { done.signal() }
        return try result!.get()
    }
}

/// The chunks of one `parallelMap`, taken by whichever thread is free, each result initialized in
/// its place in the array being made.
///
/// `@unchecked Sendable` is safe here: `next`, `firstError` and `made` change only under `lock`;
/// each element of `out` is initialized by the one thread that took its chunk and read only after
/// every thread has finished; `body` is the caller's, which promises to only read what it shares.
private final class SharedWork<T>: @unchecked Sendable {
    let count: Int, chunk: Int
    /// Tells the stage's progress that a chunk is done.
    let advance: ((Range<Int>) -> Void)?
    let body: (Int) throws -> T
    let out: UnsafeMutableBufferPointer<T>
    let lock = NSLock()
    var next = 0
    var firstError: (index: Int, error: Error)?
    /// The ranges of `out` initialized so far (to deinitialize them when a chunk fails).
    var made: [Range<Int>] = []

    init(count: Int, chunk: Int, advance: ((Range<Int>) -> Void)?, body: @escaping (Int) throws -> T, into out: UnsafeMutableBufferPointer<T>) {
        self.count = count
        self.chunk = chunk
        self.advance = advance
        self.body = body
        self.out = out
    }

    /// Takes chunks until none is left or a chunk has failed.
    func drain() {
        while true {
            lock.lock()
            let start = next
            next += chunk
            let stop = firstError != nil
            lock.unlock()
            if start >= count || stop { return }
            let end = min(start + chunk, count)
            for i in start..<end {
                do {
                    (out.baseAddress! + i).initialize(to: try body(i))
                } catch {
                    lock.lock()
                    made.append(start..<i)
                    if firstError == nil || i < firstError!.index { firstError = (i, error) }
                    lock.unlock()
                    return
                }
            }
            lock.lock()
            made.append(start..<end)
            lock.unlock()
            advance?(start..<end)
        }
    }

    /// After every thread is done: nothing when every result was made; else the results made are
    /// let go and the first error (lowest index) is thrown.
    func finish() throws {
        guard let firstError else { return }
        for r in made where !r.isEmpty { (out.baseAddress! + r.lowerBound).deinitialize(count: r.count) }
        throw firstError.error
    }
}

/// A value shared between threads, changed only under its lock.
public final class Locked<Value>: @unchecked Sendable {
    // Safe to share: every access to `stored` holds `lock`.
    private var stored: Value
    private let lock = NSLock()

    public init(_ value: Value) { stored = value }

    public var value: Value { lock.lock(); defer { lock.unlock() }; return stored }

    public func update(_ body: (inout Value) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        body(&stored)
    }
}

/// Starts the threads `parallelMap` runs on beside its caller, `count` of them, each with its
/// own allocator arena when `limitAllocatorArenas` left room for them (call that first, before
/// any other thread allocates): every stage of a run then allocates and frees on the same
/// threads and arenas. Without it the threads are started when a map first needs them.
public func startWorkers(_ count: Int = defaultJobs - 1) {
    WorkerPool.shared.ensure(count)
}

/// The threads `parallelMap` runs on beside its caller, kept for the whole process.
///
/// A pool of its own rather than the system's: the system's pool starts and retires threads as
/// it sees fit, and glibc gives each new thread an arena by turns once the limit is reached, so
/// two busy threads could share one (and wait for each other on every allocation), while
/// the memory a retired thread freed stayed in an arena nobody used any more.
///
/// `@unchecked Sendable`: `queued`, `started` and each ticket's state change only under `condition`.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// One drain of one map, taken by the first free worker.
    final class Ticket: @unchecked Sendable {
        fileprivate var job: (() -> Void)?
        fileprivate var running = false
        init(_ job: @escaping () -> Void) { self.job = job }
    }

    private let condition = NSCondition()
    private var queued: [Ticket] = []
    private var started = 0, ready = 0
    /// The workers' threads (`pthread_self`), as they started.
    private(set) var threads: [UInt] = []

    /// At least `count` workers running, each having taken its arena before this returns.
    func ensure(_ count: Int) {
        condition.lock()
        defer { condition.unlock() }
        while started < count {
            started += 1
            let thread = Thread { [self] in
                // The first allocation binds the thread to an arena: a new one while there is room.
                free(malloc(64))
                condition.lock()
                ready += 1
                threads.append(UInt(pthread_self()))
                condition.broadcast()
                condition.unlock()
                work()
            }
            thread.stackSize = threadStackSize
            thread.start()
            while ready < started { condition.wait() }
        }
    }

    /// `count` tickets that each run `job` once, queued for the workers.
    func post(_ count: Int, _ job: @escaping () -> Void) -> [Ticket] {
        guard count > 0 else { return [] }
        ensure(count)
        let tickets = (0..<count).map { _ in Ticket(job) }
        condition.lock()
        queued += tickets
        condition.broadcast()
        condition.unlock()
        return tickets
    }

    /// Withdraws the tickets no worker has taken and waits until the taken ones have run. While
    /// it waits, the caller runs other maps' tickets: a worker running one side of `sideBySide`
    /// posts its own maps' tickets, and with every worker busy they would otherwise run on that
    /// worker alone while this thread, done with the other side, sat idle. (A ticket taken here
    /// belongs to a map still waiting for it, so what it refers to outlives it; the maps' own
    /// waits are on work nested deeper, so no thread waits for itself.) A ticket may wait for
    /// what the caller is to hand over once this returns (`Handover`): a caller that hands over
    /// (`handingOver`) passes `helpingOthers` false and only waits.
    func finish(_ tickets: [Ticket], helpingOthers: Bool = true) {
        guard !tickets.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        queued.removeAll { q in tickets.contains { $0 === q } }
        for t in tickets where !t.running { t.job = nil }
        while tickets.contains(where: { $0.running || $0.job != nil }) {
            if queued.isEmpty || !helpingOthers { condition.wait() } else { runFirstQueued() }
        }
    }

    /// Runs queued tickets until `done` (asked under the pool's lock) is true; whatever makes it
    /// true calls `wake` after. As in `finish`, a ticket taken here belongs to a map still waiting
    /// for it; the caller must hold no lock a ticket could ask for.
    func help(until done: () -> Bool) {
        condition.lock()
        defer { condition.unlock() }
        while !done() {
            if queued.isEmpty { condition.wait() } else { runFirstQueued() }
        }
    }

    /// Wakes the threads in `help` to ask again.
    func wake() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            while queued.isEmpty { condition.wait() }
            runFirstQueued()
        }
    }

    /// Takes the first queued ticket and runs it; called, and returns, with `condition` locked.
    private func runFirstQueued() {
        let ticket = queued.removeFirst()
        ticket.running = true
        condition.unlock()
        run(ticket)
        condition.lock()
        ticket.job = nil
        ticket.running = false
        condition.broadcast()
    }

    /// Runs the ticket's job; the reference taken to it is let go on return, before the ticket
    /// says it has run (the map's closures must not outlive the map).
    @inline(never)
    private func run(_ ticket: Ticket) {
        condition.lock()
        let job = ticket.job
        condition.unlock()
        job?()
    }
}

/// A value made once, by the first thread that asks; the others wait for it.
/// `@unchecked Sendable`: `made` is read and written only under `lock`.
public final class Once<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var made: Value?
    private var make: (() -> Value)?

    public init(_ make: @escaping () -> Value) { self.make = make }

    public var value: Value {
        lock.lock(); defer { lock.unlock() }
        if let make {
            made = make()
            self.make = nil
        }
        return made!
    }

    /// Whether the value has been made (asked for).
    public var isMade: Bool { lock.lock(); defer { lock.unlock() }; return make == nil }
}

/// A value handed over once from one thread to those waiting for it (later hands are ignored).
/// `@unchecked Sendable`: `value` and `handed` change only under `condition`'s lock.
public final class Handover<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: T?
    private var handed = false

    public init() {}

    public func hand(_ v: T) {
        condition.lock()
        guard !handed else { condition.unlock(); return }
        value = v
        handed = true
        condition.broadcast()
        condition.unlock()
        WorkerPool.shared.wake()
    }

    private var isHanded: Bool { condition.lock(); defer { condition.unlock() }; return handed }

    /// The value, once it is handed over. Meanwhile the waiting thread runs the maps' queued
    /// work (`WorkerPool.help`): the value's maker may be mapping on all cores, with a worker
    /// waiting here too.
    public func wait() -> T {
        WorkerPool.shared.help(until: { isHanded })
        condition.lock(); defer { condition.unlock() }
        return value!
    }
}

/// Whether `letGoBeside` keeps what it is given until the process ends instead of freeing it: set
/// by a program that ends with `exit` as soon as its work is done, whose memory then goes with it
/// at once (freed value by value, the trees of a national run's last stage cost the cores tens of
/// milliseconds at its very end). Left unset under a sanitizer, so that a leak shows.
public let valuesGoWithTheProcess = Locked(false)

/// What `letGoBeside` keeps when `valuesGoWithTheProcess` is set.
private let keptToTheEnd = Locked<[Any]>([])

/// Lets go of `value` on a thread of its own at the lowest priority instead of the caller's: a
/// large tree of values (the map's data of a national run) costs its last owner tens of
/// milliseconds to free, in the middle of work that is waited for. The thread frees it when a
/// core is free; a process that ends first takes it along (its memory goes with it). With
/// `valuesGoWithTheProcess` set, nothing frees it: the process's end takes it.
public func letGoBeside<T>(_ value: consuming T) {
    if valuesGoWithTheProcess.value {
        let kept = consume value
        keptToTheEnd.update { $0.append(kept) }
        return
    }
    // Moved into a holder the thread empties: whichever thread lets go of the holder last, the
    // value goes on the thread (a copy captured by the body could be the caller's to free, should
    // the thread be done before the caller's own reference is gone).
    let held = LetGo(consume value)
    _ = BackgroundTask { [held] in
        #if canImport(Glibc)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
        held.value = nil
    }
}

/// A value on its way to `letGoBeside`'s thread. `@unchecked Sendable`: set on the caller's thread
/// before the thread starts, emptied on the thread, never touched otherwise.
private final class LetGo<T>: @unchecked Sendable {
    var value: T?
    init(_ value: consuming T) { self.value = value }
}
