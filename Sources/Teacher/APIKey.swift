#if canImport(FoundationEssentials)
#else
#endif

/// An API key. Its descriptions are always `[redacted]`; only the client reads the value.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }

    /// Only visible ASCII (0x21–0x7E): what an `Authorization: Bearer` header can carry safely.
    var isPrintableASCII: Bool { value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } }
}
