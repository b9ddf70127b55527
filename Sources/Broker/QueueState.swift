/// A queue's counters as reported by `queue.declare-ok`.
public struct QueueState: Sendable, Hashable {
    /// The queue name (the server's choice when declared with an empty name).
    public let name: String
    /// Messages ready for delivery (not counting unacknowledged ones).
    public let messageCount: UInt32
    /// Active consumers.
    public let consumerCount: UInt32
}
