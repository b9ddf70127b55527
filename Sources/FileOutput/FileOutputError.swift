#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file operation: which call, on which path, and the system's reason (`strerror`).
public struct FileOutputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The call that failed (`open`, `write`, `fsync`, `rename`, `mkdir`, …).
    public var operation: String
    /// The path it was called on.
    public var path: String
    /// The `errno` it failed with.
    public var code: Int32

    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}
