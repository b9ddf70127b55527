import SelfInstruct
/// A failure of the AMQP adapter: what went wrong, during which operation, and what the caller should do about it.
public struct BrokerError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A small, bounded set of failure kinds, stable enough to store as a reason.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case invalidURL = "invalid_url"
        case connect = "connect"
        case authentication = "authentication"
        case accessRefused = "access_refused"
        case notFound = "not_found"
        case preconditionFailed = "precondition_failed"
        case resourceLocked = "resource_locked"
        case connectionClosed = "connection_closed"
        case channelClosed = "channel_closed"
        case consumerCancelled = "consumer_cancelled"
        case timeout = "timeout"
        case publishNacked = "publish_nacked"
        case protocolError = "protocol_error"
        /// TLS set-up, handshake or certificate verification (`amqps://`).
        case tls = "tls"
        case closed = "closed"
        case library = "library"
    }

    /// What the caller does next: reconnect or retry, dead-letter, or stop and call an operator.
    public enum Classification: String, Sendable, Equatable {
        case transient
        case permanent
        case fatal
    }

    /// The failure kind.
    public let kind: Kind
    /// The AMQP method or adapter step that failed, such as `queue.declare` or `basic.publish`.
    public let operation: String
    /// The C library's or the server's own text, captured at the failure site (never a URL with credentials).
    public let detail: String
    /// Reconnect/retry, dead-letter, or operator attention.
    public let classification: Classification
    /// The AMQP reply code when the server closed the channel or connection (404, 406, 320, …).
    public let serverCode: UInt16?
    /// The rabbitmq-c status code when the library reported the failure (negative `amqp_status_enum`).
    public let libraryStatus: Int32?

    /// Makes an error; the classification defaults to the kind's usual one.
    public init(
        kind: Kind,
        operation: String,
        detail: String,
        classification: Classification? = nil,
        serverCode: UInt16? = nil,
        libraryStatus: Int32? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.detail = detail
        self.classification = classification ?? Self.defaultClassification(for: kind)
        self.serverCode = serverCode
        self.libraryStatus = libraryStatus
    }

    public var description: String {
        "\(kind.rawValue) during \(operation): \(detail)"
    }

    public var debugDescription: String {
        var parts = ["BrokerError(kind: \(kind.rawValue)", "operation: \(operation)", "classification: \(classification.rawValue)"]
        if let serverCode { parts.append("server code: \(serverCode)") }
        if let libraryStatus { parts.append("library status: \(libraryStatus)") }
        parts.append("detail: \(detail))")
        return parts.joined(separator: ", ")
    }

    static func defaultClassification(for kind: Kind) -> Classification {
        switch kind {
        case .connect, .connectionClosed, .channelClosed, .consumerCancelled, .timeout, .publishNacked, .resourceLocked:
            return .transient
        case .notFound, .preconditionFailed, .library:
            return .permanent
        case .invalidURL, .authentication, .accessRefused, .protocolError, .closed, .tls:
            return .fatal
        }
    }

    /// Maps an AMQP 0-9-1 reply code sent with `channel.close` or `connection.close` to a kind and classification.
    static func classify(serverCode: UInt16, connectionLevel: Bool) -> (Kind, Classification) {
        switch serverCode {
        case 320: return (.connectionClosed, .transient)  // connection-forced: broker shutting down or operator action
        case 403: return (.accessRefused, .fatal)  // permissions are configuration, not a passing state
        case 404: return (.notFound, .permanent)
        case 405: return (.resourceLocked, .transient)  // exclusive queue held by another connection
        case 406: return (.preconditionFailed, .permanent)  // e.g. a redeclare with different arguments
        case 506, 541: return (.connectionClosed, .transient)  // resource-error, internal-error
        case 402, 530, 540: return (.accessRefused, .fatal)  // invalid-path, not-allowed, not-implemented
        case 501, 502, 503, 504, 505: return (.protocolError, .fatal)  // our framing or method use is wrong
        default:
            return connectionLevel ? (.connectionClosed, .transient) : (.channelClosed, .transient)
        }
    }

    /// Maps a rabbitmq-c `amqp_status_enum` value (negative) to a kind and classification.
    static func classify(libraryStatus: Int32) -> (Kind, Classification) {
        switch libraryStatus {
        case -0x000D: return (.timeout, .transient)  // AMQP_STATUS_TIMEOUT
        case -0x0005, -0x0009, -0x0100: return (.connect, .transient)  // resolution, socket, TCP errors
        case -0x0007, -0x000F, -0x0011: return (.connectionClosed, .transient)  // closed, heartbeat timeout, socket closed
        case -0x0002, -0x0003, -0x0004, -0x0006, -0x000C, -0x0010: return (.protocolError, .fatal)
        case -0x0008: return (.invalidURL, .fatal)
        case -0x0013: return (.authentication, .fatal)  // broker does not offer PLAIN
        case -0x0001: return (.library, .transient)  // out of memory may pass
        default: return (.library, .permanent)
        }
    }

    /// True when this error means the TCP connection can no longer be used.
    var endsConnection: Bool {
        switch kind {
        case .connect, .connectionClosed, .protocolError, .authentication, .tls: return true
        default: return false
        }
    }
}

/// Redacts the password in a URL such as `amqp://user:secret@host:5672/vhost` for messages and logs.
func redactingPassword(in url: String) -> String {
    SecretRedaction.redactingPasswords(in: url)
}
