/// An instance that was not kept.
public struct DroppedInstance: Sendable, Hashable {
    /// 0-based position in parse order.
    public var position: Int
    /// The instance as parsed.
    public var instance: TaskInstance
    /// The first rule that dropped it.
    public var reason: InstanceDropReason

    /// A drop record for the instance at `position`.
    public init(position: Int, instance: TaskInstance, reason: InstanceDropReason) {
        self.position = position
        self.instance = instance
        self.reason = reason
    }
}
