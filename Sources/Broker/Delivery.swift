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
