public import SelfInstruct

/// The outcome of a status change.
public struct RunTransition: Sendable, Hashable, Codable {
    public var runID: Int64
    public var name: String
    public var from: RunStatus
    public var to: RunStatus
    /// Generation tokens issued into the outbox by `start` or re-issued by `resume` (0 for other verbs).
    public var tokensIssued: Int
    /// Messages a self-paused run had parked, sent again by `resume`.
    public var messagesUnparked: Int = 0
}
