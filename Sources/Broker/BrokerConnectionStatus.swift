internal import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A snapshot of a publisher's or consumer's connection.
public struct BrokerConnectionStatus: Sendable, Equatable {
    /// True while a connection is open.
    public var isConnected: Bool
    /// Connections opened so far (1 after the first connect, 2 after the first reconnect, …).
    public var connectionsOpened: Int
    /// The error that ended the previous connection or connect attempt, if any.
    public var lastError: BrokerError?
    /// True once the façade has closed or given up; it never connects again.
    public var isFinished: Bool
}
