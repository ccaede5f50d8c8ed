import Foundation

/// Runs `body` over `0..<count` in chunks on `jobs` threads and returns the results in index order,
/// so the output never depends on the thread count. The first error (lowest index) is rethrown.
public func parallelMap<T>(_ count: Int, jobs: Int, chunk: Int = 64, _ body: (Int) throws -> T) throws -> [T] {
    if count == 0 { return [] }
    let threads = max(1, min(jobs, (count + chunk - 1) / chunk))
    if threads == 1 { return try (0..<count).map(body) }
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer { slots.deinitialize(); slots.deallocate() }
    let lock = NSLock()
    var next = 0
    var firstError: (index: Int, error: Error)?
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
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
            }
        }
    }
    if let firstError { throw firstError.error }
    return slots.map { $0! }
}

/// `parallelMap` on all cores for work that cannot fail.
public func concurrentMap<T>(_ count: Int, chunk: Int = 64, _ body: (Int) -> T) -> [T] {
    // The throwing form rethrows only what `body` throws: here, nothing.
    (try? parallelMap(count, jobs: defaultJobs, chunk: chunk, body)) ?? []
}

/// All cores of the machine.
public var defaultJobs: Int { ProcessInfo.processInfo.activeProcessorCount }
