public import Logging
public import SelfInstruct
internal import CRabbitMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a publisher or consumer reaches the broker and what it does when the connection goes away.
public struct BrokerSettings: Sendable {
    /// `amqp://user:password@host:port/vhost`, or `amqps://` for TLS; the nodes of a cluster as a comma-separated list
    /// of such URLs, each connection then moving to the next node when its node goes away.
    public var url: String
    /// The node (index into the URL list) the first connect tries; nil picks one at random, spreading replicas.
    public var firstEndpoint: Int?
    /// CA, verification and client certificate for an `amqps://` URL.
    public var tls: BrokerTLS
    /// The heartbeat interval proposed to the broker (whole seconds); the connection thread services it.
    public var heartbeat: Duration
    /// Bound on the TCP connect.
    public var connectTimeout: Duration
    /// Bound on each synchronous AMQP round trip (declare, qos, consume, cancel, close).
    public var rpcTimeout: Duration
    /// Declared after every (re)connect, before publishing or consuming; nil declares nothing.
    public var topology: Topology?
    /// Delays between reconnect attempts (default: 100 ms doubling up to 30 s, fully jittered).
    public var backoff: Backoff
    /// A connection that stayed up this long resets the backoff.
    public var stableAfter: Duration
    /// Consecutive failures after which the façade gives up; nil retries forever.
    public var maxConsecutiveFailures: Int?
    /// Receives reconnects (info) and routine events (debug); the connection thread cannot see task-locals.
    public var logger: Logger

    /// Makes settings with production defaults.
    public init(
        url: String,
        logger: Logger,
        tls: BrokerTLS = BrokerTLS(),
        heartbeat: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(10),
        rpcTimeout: Duration = .seconds(30),
        topology: Topology? = nil,
        backoff: Backoff = Backoff(base: .milliseconds(100), cap: .seconds(30)),
        stableAfter: Duration = .seconds(10),
        maxConsecutiveFailures: Int? = nil,
        firstEndpoint: Int? = nil
    ) {
        self.url = url
        self.firstEndpoint = firstEndpoint
        self.tls = tls
        self.logger = logger
        self.heartbeat = heartbeat
        self.connectTimeout = connectTimeout
        self.rpcTimeout = rpcTimeout
        self.topology = topology
        self.backoff = backoff
        self.stableAfter = stableAfter
        self.maxConsecutiveFailures = maxConsecutiveFailures
    }
}

/// Runs `body` with a continuation and rethrows its `BrokerError` typed (only BrokerErrors are ever resumed).
func withBrokerContinuation(
    operation: String,
    _ body: (CheckedContinuation<Void, any Error>) -> Void
) async throws(BrokerError) {
    do {
        try await withCheckedThrowingContinuation { continuation in body(continuation) }
    } catch let error as BrokerError {
        throw error
    } catch {
        throw BrokerError(kind: .library, operation: operation, detail: "unexpected error \(error)")
    }
}
