/// What the connection thread read from the socket.
enum ConnectionEvent {
    /// A message for the consumer.
    case delivery(Delivery)
    /// `basic.ack` (positive) or `basic.nack` for publish sequence number `sequence` (and earlier ones if `multiple`).
    case confirm(sequence: UInt64, multiple: Bool, positive: Bool)
    /// A frame that needed no action (a resource alarm notice).
    case ignored
}
