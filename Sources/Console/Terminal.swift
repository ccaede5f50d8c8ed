#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The process's standard output and error: whether each is a terminal, and writing to them.
public enum Terminal {
    /// Whether standard error is a terminal (progress bars), not a file or a pipe (one line per stage).
    public static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    /// Whether standard output is a terminal (the gap list is cut to fit a screen).
    public static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    public static func writeError(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
