import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A forked child of the test process, for what ends a process (a signal handler's `_exit`).
public enum ChildProcess {
    public struct Outcome: Sendable {
        /// The child's exit status, nil when a signal ended it.
        public var exitStatus: Int32?
        /// The signal that ended the child, if one did.
        public var signal: Int32?
        /// What the child wrote to its standard error.
        public var stderr: String
    }

    /// Runs `body` in a child process whose standard error is collected, and waits for it. The
    /// child of a threaded process may only make async-signal-safe calls: `body` should touch
    /// memory and make system calls, and end with `_exit`.
    public static func run(_ body: () -> Never) -> Outcome {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return Outcome(exitStatus: nil, signal: nil, stderr: "pipe failed") }
        let child = fork()
        if child == 0 {
            dup2(ends[1], 2)
            body()
        }
        close(ends[1])
        var said: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 4096)
        while case let n = read(ends[0], &chunk, chunk.count), n > 0 { said += chunk[0..<n] }
        close(ends[0])
        var status: Int32 = 0
        guard child > 0, waitpid(child, &status, 0) == child else { return Outcome(exitStatus: nil, signal: nil, stderr: "fork failed") }
        let signal = status & 0x7F
        return Outcome(exitStatus: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
                       stderr: String(decoding: said, as: UTF8.self))
    }
}
