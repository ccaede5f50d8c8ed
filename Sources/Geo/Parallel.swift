import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` over `0..<count` in chunks on `jobs` threads and returns the results in index order,
/// so the output never depends on the thread count. The first error (lowest index) is rethrown.
///
/// `body` runs on several threads at once: it may read shared values but must not change them.
/// Each thread gets its own GEOS and PROJ contexts (see `ThreadLocal`). `progress`, when given,
/// is advanced by each chunk done.
public func parallelMap<T>(_ count: Int, jobs: Int, chunk: Int = 64, progress: StageProgress? = nil,
                           _ body: (Int) throws -> T) throws -> [T] {
    if count == 0 { return [] }
    let threads = max(1, min(jobs, (count + chunk - 1) / chunk))
    if threads == 1 {
        return try (0..<count).map { i in
            defer { if (i + 1) % chunk == 0 { progress?.advance(chunk) } }
            return try body(i)
        }
    }
    return try withoutActuallyEscaping(body) { body in
        let work = SharedWork(count: count, chunk: chunk, progress: progress, body: body)
        defer { work.release() }
        DispatchQueue.concurrentPerform(iterations: threads) { _ in work.drain() }
        return try work.results()
    }
}

/// `parallelMap` on all cores for work that cannot fail.
public func concurrentMap<T>(_ count: Int, chunk: Int = 64, _ body: (Int) -> T) -> [T] {
    // The throwing form rethrows only what `body` throws: here, nothing.
    (try? parallelMap(count, jobs: defaultJobs, chunk: chunk, body)) ?? []
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

/// All cores of the machine.
public var defaultJobs: Int { ProcessInfo.processInfo.activeProcessorCount }

/// The state of one `parallelMap`: the next chunk to take, a slot per result, the first error.
///
/// `@unchecked Sendable` is safe here: `next` and `firstError` change only under `lock`; each
/// slot is written by the one thread that took its chunk and read only after every thread has
/// finished; `body` is the caller's, which promises to only read what it shares.
private final class SharedWork<T>: @unchecked Sendable {
    let count: Int, chunk: Int
    let progress: StageProgress?
    let body: (Int) throws -> T
    let slots: UnsafeMutableBufferPointer<T?>
    let lock = NSLock()
    var next = 0
    var firstError: (index: Int, error: Error)?

    init(count: Int, chunk: Int, progress: StageProgress?, body: @escaping (Int) throws -> T) {
        self.count = count
        self.chunk = chunk
        self.progress = progress
        self.body = body
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    func release() {
        slots.deinitialize()
        slots.deallocate()
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
            for i in start..<min(start + chunk, count) {
                do {
                    slots[i] = try body(i)
                } catch {
                    lock.lock()
                    if firstError == nil || i < firstError!.index { firstError = (i, error) }
                    lock.unlock()
                    return
                }
            }
            progress?.advance(min(start + chunk, count) - start)
        }
    }

    func results() throws -> [T] {
        if let firstError { throw firstError.error }
        return slots.map { $0! }
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
