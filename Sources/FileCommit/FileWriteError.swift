/// A file could not be written; `description` names the path and the operating system's reason.
public struct FileWriteError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The path the caller asked to write, as given.
    public var path: String
    /// What was being done when it failed: "create a temporary file", "write", "fsync", "rename".
    public var operation: String
    /// The operating system's explanation (`strerror(errno)`).
    public var reason: String
    /// The raw `errno` value.
    public var errno: Int32

    public init(path: String, operation: String, reason: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.reason = reason
        self.errno = errno
    }

    public var description: String { "\(path): cannot \(operation): \(reason)" }
}
