/// A failure of BEGIN, COMMIT or ROLLBACK, kept apart from the body's own errors.
public struct TransactionError: Error, Sendable, CustomStringConvertible {
    /// The statement that failed.
    public enum Phase: String, Sendable {
        case begin = "BEGIN"
        case commit = "COMMIT"
        case rollback = "ROLLBACK"
    }

    /// Which statement failed.
    public let phase: Phase
    /// Its error.
    public let underlying: StoreError
    /// For a failed ROLLBACK: the body's error that led to it.
    public let bodyError: (any Error)?

    /// Makes an error (the Database builds them).
    public init(phase: Phase, underlying: StoreError, bodyError: (any Error)? = nil) {
        self.phase = phase
        self.underlying = underlying
        self.bodyError = bodyError
    }

    /// True when a COMMIT lost its connection: the transaction may or may not have committed.
    public var outcomeUnknown: Bool {
        phase == .commit && underlying.classification == .reconnect
    }

    /// The phase and the underlying error, without values.
    public var description: String {
        var text = "transaction \(phase.rawValue) failed: \(underlying)"
        if outcomeUnknown { text += " (the commit may or may not have happened)" }
        if let bodyError { text += "; after the body failed with: \(bodyError)" }
        return text
    }
}
