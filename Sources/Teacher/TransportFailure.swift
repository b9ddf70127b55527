/// Why an exchange produced no response, independent of the HTTP library.
public enum TransportFailure: String, Sendable, Hashable, CaseIterable {
    /// Connect or total timeout elapsed.
    case timedOut
    /// Name resolution or TCP connect failed (refused, unreachable).
    case connectFailed
    /// The connection broke mid-exchange (reset, empty reply, truncated body, framing error).
    case connectionLost
    /// TLS handshake or certificate verification failed.
    case tls
    /// The request itself is unusable (malformed URL, unsupported scheme).
    case invalidRequest
    /// The response exceeded the configured size limit.
    case responseTooLarge
    /// The transport is shut down.
    case shutDown
    /// Anything else the library reported.
    case other
}
