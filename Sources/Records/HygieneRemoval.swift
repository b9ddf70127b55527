public import SelfInstruct

/// An instance the hygiene pass removed, stored as rejected with the reason's code.
public struct HygieneRemoval: Sendable, Hashable {
    public var instance: TaskInstance
    /// A removing reason (`reason.removes`).
    public var reason: HygieneReason

    public init(instance: TaskInstance, reason: HygieneReason) {
        precondition(reason.removes, "\(reason.code) normalises; it does not remove")
        self.instance = instance
        self.reason = reason
    }
}
