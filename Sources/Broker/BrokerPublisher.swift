/// Publishes persistent messages with publisher confirms over its own connection, from any task.
///
/// Each `publish` returns when the broker confirms the message (`basic.ack`) and throws `publishNacked` on
/// `basic.nack`. Up to `window` messages are in flight at once; more wait in the mailbox. When the connection
/// dies, every unconfirmed or unsent publish fails with the same transient error (the caller republishes: the
/// outbox relay does) and the publisher reconnects with backoff, declaring the topology again.
public final class BrokerPublisher: Sendable {
    private let core = DriverCore()

    /// Starts the connection thread; it connects in the background (see `waitUntilConnected()`).
    public init(settings: BrokerSettings, window: Int = 1000) {
        ConnectionDriver.start(core: core, settings: settings, role: .publisher(window: max(window, 1)),
                               name: "si-amqp-pub")
    }

    /// Starts a publisher and waits for its first connection (retrying per `settings`).
    public static func connect(settings: BrokerSettings, window: Int = 1000) async throws(BrokerError) -> BrokerPublisher {
        let publisher = BrokerPublisher(settings: settings, window: window)
        do throws(BrokerError) {
            try await publisher.waitUntilConnected()
        } catch {
            await publisher.close()
            throw error
        }
        return publisher
    }

    deinit {
        // A forgotten close() must not leave the thread and its connection running.
        core.submit(.close(nil))
    }

    /// Publishes one persistent message and returns once the broker has confirmed it.
    public func publish(exchange: String, routingKey: String, body: [UInt8], messageID: String? = nil)
        async throws(BrokerError)
    {
        try await withBrokerContinuation(operation: "basic.publish") { continuation in
            core.submit(PublishRequest(exchange: exchange, routingKey: routingKey, body: body, messageID: messageID,
                                       continuation: continuation))
        }
    }

    /// Returns once a connection is open; throws if the publisher gave up or was closed.
    public func waitUntilConnected() async throws(BrokerError) {
        try await withBrokerContinuation(operation: "connection.open") { continuation in
            core.submit(.awaitConnected(continuation))
        }
    }

    /// The connection's state, for health checks and tests.
    public var status: BrokerConnectionStatus { core.status }

    /// Fails unsent messages, waits (up to the RPC timeout) for confirms in flight, closes channel and connection.
    public func close() async {
        await withCheckedContinuation { continuation in core.submit(.close(continuation)) }
    }
}
