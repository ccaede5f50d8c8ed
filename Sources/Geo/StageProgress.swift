import Foundation

/// What a long stage has done so far, for a progress display.
public struct ProgressEvent: Sendable, Equatable {
    /// "read", "footprints", "overlay", "fibre", "places", "encode", "write".
    public var stage: String
    public var done: Int
    public var total: Int
    /// Seconds since the stage started.
    public var elapsed: Double
    /// True once, when the stage ends.
    public var finished: Bool

    public init(stage: String, done: Int, total: Int, elapsed: Double, finished: Bool) {
        self.stage = stage; self.done = done; self.total = total; self.elapsed = elapsed; self.finished = finished
    }

    /// Seconds left at the pace so far, once there is a pace to go by.
    public var remaining: Double? {
        guard done > 0, total > done, elapsed > 0.2 else { return nil }
        return elapsed / Double(done) * Double(total - done)
    }
}

/// Counts the work of one stage at a time and hands events to a sink: at the start, at most ten
/// times a second while it runs, and when it finishes. Worker threads call `advance` concurrently.
///
/// `@unchecked Sendable` is safe: every mutable field is read and written under `lock`, and the
/// sink is itself `@Sendable`.
public final class StageProgress: @unchecked Sendable {
    private let sink: @Sendable (ProgressEvent) -> Void
    private let lock = NSLock()
    private var stage = "", done = 0, total = 0
    private var started = Date(), lastEmit = Date.distantPast

    public init(_ sink: @escaping @Sendable (ProgressEvent) -> Void) { self.sink = sink }

    /// Starts `stage` with `total` units of work (villages, sectors, files, bytes…).
    public func start(_ stage: String, total: Int) {
        lock.lock()
        self.stage = stage; self.total = total; done = 0; started = Date(); lastEmit = started
        let e = event(finished: false)
        lock.unlock()
        sink(e)
    }

    /// `n` more units done.
    public func advance(_ n: Int = 1) {
        lock.lock()
        done = min(total, done + n)
        let now = Date()
        guard now.timeIntervalSince(lastEmit) >= 0.1 else { lock.unlock(); return }
        lastEmit = now
        let e = event(finished: false)
        lock.unlock()
        sink(e)
    }

    /// The stage is done.
    public func finish() {
        lock.lock()
        done = total
        let e = event(finished: true)
        lock.unlock()
        sink(e)
    }

    private func event(finished: Bool) -> ProgressEvent {
        ProgressEvent(stage: stage, done: done, total: total, elapsed: Date().timeIntervalSince(started), finished: finished)
    }
}
