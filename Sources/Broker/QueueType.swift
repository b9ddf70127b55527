/// The queue implementations the adapter declares.
public enum QueueType: String, Sendable, Hashable {
    /// A classic queue on one node.
    case classic
    /// A replicated Raft-based queue (`x-queue-type=quorum`).
    case quorum
}
