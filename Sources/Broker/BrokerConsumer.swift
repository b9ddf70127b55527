import Synchronization

/// Consumes one queue with manual acks over its own connection; prefetch bounds the unacknowledged deliveries.
///
/// Heartbeats keep flowing while the caller works on a delivery for as long as it likes. When the connection dies,
/// the consumer reconnects with backoff, declares the topology again and resumes; deliveries from the dead
/// connection are redelivered by the broker (acking one of those afterwards throws `connectionClosed`).
public final class BrokerConsumer: Sendable {
    private let core = DriverCore()
    private let started = Mutex(false)

    /// Starts the connection thread; nothing is consumed until `deliveries(queue:prefetch:)`.
    public init(settings: BrokerSettings) {
        ConnectionDriver.start(core: core, settings: settings, role: .consumer, name: "si-amqp-con")
    }

    /// Starts a consumer and waits for its first connection (retrying per `settings`).
    public static func connect(settings: BrokerSettings) async throws(BrokerError) -> BrokerConsumer {
        let consumer = BrokerConsumer(settings: settings)
        do throws(BrokerError) {
            try await consumer.waitUntilConnected()
        } catch {
            await consumer.close()
            throw error
        }
        return consumer
    }

    deinit {
        core.submit(.close(nil))
    }

    /// Starts consuming `queue` with at most `prefetch` unacknowledged deliveries (the caller's concurrency).
    ///
    /// Call once per consumer; the stream ends after `cancel()` or `close()` and throws if the consumer gives up.
    public func deliveries(queue: String, prefetch: UInt16) -> DeliveryStream {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        precondition(first, "BrokerConsumer.deliveries(queue:prefetch:) may be called once")
        core.submit(.startConsuming(queue: queue, prefetch: max(prefetch, 1)))
        return DeliveryStream(buffer: core.deliveries)
    }

    /// Acknowledges `delivery`: the broker forgets it. Returns once the ack is written.
    public func ack(_ delivery: Delivery) async throws(BrokerError) {
        try await withBrokerContinuation(operation: "basic.ack") { continuation in
            core.submit(.ack(deliveryTag: delivery.deliveryTag, epoch: delivery.epoch, continuation: continuation))
        }
    }

    /// Rejects `delivery`: back to the queue with `requeue`, otherwise to the dead-letter exchange.
    public func nack(_ delivery: Delivery, requeue: Bool) async throws(BrokerError) {
        try await withBrokerContinuation(operation: "basic.nack") { continuation in
            core.submit(.nack(deliveryTag: delivery.deliveryTag, epoch: delivery.epoch, requeue: requeue,
                              continuation: continuation))
        }
    }

    /// Stops consuming: no new deliveries, those not yet taken from the stream go back to the queue, the stream
    /// ends. Deliveries already taken can still be acked or nacked until `close()`.
    public func cancel() async {
        await withCheckedContinuation { continuation in core.submit(.cancel(continuation)) }
    }

    /// Returns once a connection is open; throws if the consumer gave up or was closed.
    public func waitUntilConnected() async throws(BrokerError) {
        try await withBrokerContinuation(operation: "connection.open") { continuation in
            core.submit(.awaitConnected(continuation))
        }
    }

    /// The connection's state, for health checks and tests.
    public var status: BrokerConnectionStatus { core.status }

    /// Cancels (requeueing what was not taken), then closes channel and connection; unacked deliveries the caller
    /// still holds return to the queue with the connection.
    public func close() async {
        await withCheckedContinuation { continuation in core.submit(.close(continuation)) }
    }
}
