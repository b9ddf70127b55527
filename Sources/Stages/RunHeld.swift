public import SelfInstruct

/// Thrown by a handler whose run paused itself: the message must not call the teacher now. The runtime parks it
/// (`parked_messages`) and acks it; `sictl run resume` sends it again.
public struct RunHeld: Error, Sendable, Hashable, CustomStringConvertible {
    public var runID: Int64
    public var reason: PauseReason

    public init(runID: Int64, reason: PauseReason) {
        self.runID = runID
        self.reason = reason
    }

    public var description: String { "run \(runID) is paused (\(reason.rawValue))" }
}
