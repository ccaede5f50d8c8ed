import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Lowers the scheduling priority of every thread of this process by `steps` nice levels (at most
/// to 19); threads started afterwards inherit it from the thread that starts them. A process this
/// one started before keeps its priority, so on a busy machine the scheduler gives it a core of its
/// own first. A hint only: a thread whose priority cannot be read or changed keeps its own, and an
/// unprivileged process cannot take the priority back.
public func givePriorityAway(steps: Int32) {
    #if os(Linux)
    guard steps > 0, let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return }
    for task in tasks {
        guard let tid = id_t(task) else { continue }
        errno = 0
        let now = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid)
        if now == -1 && errno != 0 { continue }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, min(19, now + steps))
    }
    #endif
}

/// The nice level of the calling thread (Linux keeps one per thread; `who` 0 is the caller).
func currentThreadNice() -> Int32 {
    #if os(Linux)
    return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    #else
    return getpriority(PRIO_PROCESS, 0)
    #endif
}
