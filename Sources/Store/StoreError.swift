/// A failure of the PostgreSQL adapter, with the server's diagnostics and what the caller should do about it.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A small, bounded set of failure kinds, stable enough to store as a reason.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case invalidURL = "invalid_url"
        case connect = "connect"
        case connectionLost = "connection_lost"
        case serializationConflict = "serialization_conflict"
        case uniqueViolation = "unique_violation"
        case constraintViolation = "constraint_violation"
        case invalidStatement = "invalid_statement"
        case dataError = "data_error"
        case queryCanceled = "query_canceled"
        case insufficientResources = "insufficient_resources"
        case accessDenied = "access_denied"
        case internalError = "internal_error"
        case invalidParameter = "invalid_parameter"
        case server = "server"
        case closed = "closed"
        case protocolError = "protocol_error"
        /// A column was missing or its text did not convert to the requested Swift type.
        case decoding = "decoding"
    }

    /// What the caller does next.
    public enum Classification: String, Sendable, Equatable {
        /// Transient: open a new connection and try again (SQLSTATE class 08, 57P01…).
        case reconnect
        /// Transient: run the whole transaction again (40001, 40P01, lock timeouts).
        case retry
        /// The row already exists (23505): an idempotent consumer treats the work as done.
        case alreadyDone = "already_done"
        /// Retrying cannot help: dead-letter the message.
        case permanent
        /// Configuration or server trouble an operator must fix: pause the run.
        case fatal

        /// True for the classifications that a retry or reconnect may cure.
        public var isTransient: Bool { self == .reconnect || self == .retry }
    }

    /// The failure kind.
    public let kind: Kind
    /// The statement name or SQL verb that failed, such as `INSERT` or `connect`.
    public let operation: String
    /// The five-character SQLSTATE when the server sent one.
    public let sqlState: String?
    /// The server's or libpq's primary message.
    public let message: String
    /// The server's DETAIL field; it may quote row values, so only `debugDescription` shows it.
    public let detail: String?
    /// The server's HINT field.
    public let hint: String?
    /// The violated constraint's name, for integrity errors.
    public let constraint: String?
    /// Reconnect, retry, already done, dead-letter or operator attention.
    public let classification: Classification

    /// Makes an error; kind and classification default to those that the SQLSTATE implies.
    public init(
        kind: Kind? = nil,
        operation: String,
        sqlState: String? = nil,
        message: String,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        classification: Classification? = nil
    ) {
        let implied = Self.classify(sqlState: sqlState)
        self.kind = kind ?? implied.kind
        self.operation = operation
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.classification = classification ?? implied.classification
    }

    /// Kind, operation, SQLSTATE and the primary message; never parameter values or DETAIL.
    public var description: String {
        var text = "\(kind.rawValue) during \(operation)"
        if let sqlState { text += " [\(sqlState)]" }
        // Data exceptions (class 22) quote the offending input in their primary message.
        if sqlState?.hasPrefix("22") == true {
            text += ": data exception (message withheld: it may quote a bound value)"
        } else {
            text += ": \(message)"
        }
        if let constraint { text += " (constraint \(constraint))" }
        return text
    }

    /// Everything, including DETAIL and HINT, for debug-level logs.
    public var debugDescription: String {
        var parts = ["StoreError(kind: \(kind.rawValue)", "operation: \(operation)", "classification: \(classification.rawValue)"]
        if let sqlState { parts.append("sqlstate: \(sqlState)") }
        parts.append("message: \(message)")
        if let detail { parts.append("detail: \(detail)") }
        if let hint { parts.append("hint: \(hint)") }
        if let constraint { parts.append("constraint: \(constraint)") }
        return parts.joined(separator: ", ") + ")"
    }

    /// Maps a SQLSTATE to the adapter's kind and the classification the worker acts on.
    public static func classify(sqlState: String?) -> (kind: Kind, classification: Classification) {
        guard let sqlState, sqlState.utf8.count == 5 else { return (.server, .permanent) }
        let errorClass = sqlState.prefix(2)
        switch sqlState {
        case "23505": return (.uniqueViolation, .alreadyDone)
        case "40001", "40P01": return (.serializationConflict, .retry)
        case "55P03": return (.serializationConflict, .retry)  // lock_not_available (NOWAIT, lock_timeout)
        case "57P01", "57P02", "57P03": return (.connectionLost, .reconnect)  // admin/crash shutdown, starting up
        case "57014": return (.queryCanceled, .retry)  // statement_timeout or pg_cancel_backend
        case "53300": return (.insufficientResources, .reconnect)  // too_many_connections
        case "42501": return (.accessDenied, .fatal)
        case "3D000": return (.accessDenied, .fatal)  // the database does not exist
        default: break
        }
        switch errorClass {
        case "08": return (.connectionLost, .reconnect)
        case "23": return (.constraintViolation, .permanent)
        case "22": return (.dataError, .permanent)
        case "42": return (.invalidStatement, .permanent)
        case "28": return (.accessDenied, .fatal)
        case "53": return (.insufficientResources, .fatal)  // disk full, out of memory: an operator's problem
        case "58", "XX": return (.internalError, .fatal)
        default: return (.server, .permanent)
        }
    }
}
