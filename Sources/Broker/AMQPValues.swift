/// One message received from a queue, copied out of rabbitmq-c's buffers.
public struct Delivery: Sendable, Hashable {
    /// The channel-scoped tag to pass to `ack`/`nack`.
    public let deliveryTag: UInt64
    /// The message body.
    public let body: [UInt8]
    /// The publisher's `message_id` property, if it set one.
    public let messageID: String?
    /// True when the broker delivered this message before (it was nacked with requeue or its consumer died).
    public let redelivered: Bool
    /// The exchange the message was published to (empty for the default exchange).
    public let exchange: String
    /// The routing key it was published with.
    public let routingKey: String
    /// Which connection of a reconnecting consumer received it; an ack must go back through that same connection.
    var epoch: UInt64 = 0
}

/// A queue's counters as reported by `queue.declare-ok`.
public struct QueueState: Sendable, Hashable {
    /// The queue name (the server's choice when declared with an empty name).
    public let name: String
    /// Messages ready for delivery (not counting unacknowledged ones).
    public let messageCount: UInt32
    /// Active consumers.
    public let consumerCount: UInt32
}

/// A value in an AMQP argument table (`x-queue-type`, `x-max-length`, …).
public enum AMQPArgument: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case bool(Bool)
}

/// The queue implementations the adapter declares.
public enum QueueType: String, Sendable, Hashable {
    /// A classic queue on one node.
    case classic
    /// A replicated Raft-based queue (`x-queue-type=quorum`).
    case quorum
}

/// Where to connect, as parsed from an `amqp://` URL.
struct AMQPEndpoint: Sendable, Equatable {
    var host: String
    var port: Int
    var virtualHost: String
    var user: String
    var password: String

    /// The endpoint without its password, for error messages.
    var redactedDescription: String {
        "amqp://\(user)@\(host):\(port)/\(virtualHost == "/" ? "%2F" : virtualHost)"
    }
}

/// What the connection thread read from the socket.
enum ConnectionEvent {
    /// A message for the consumer.
    case delivery(Delivery)
    /// `basic.ack` (positive) or `basic.nack` for publish sequence number `sequence` (and earlier ones if `multiple`).
    case confirm(sequence: UInt64, multiple: Bool, positive: Bool)
    /// A frame that needed no action (a resource alarm notice).
    case ignored
}
