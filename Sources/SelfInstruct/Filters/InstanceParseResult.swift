/// The instances kept for one task and the ones dropped, with reasons.
public struct InstanceParseResult: Sendable, Hashable {
    /// Kept instances, in parse order (empty means the task yields nothing).
    public var kept: [TaskInstance]
    /// Dropped instances, in the order the rules dropped them.
    public var dropped: [DroppedInstance]

    /// A result with the given kept and dropped instances.
    public init(kept: [TaskInstance] = [], dropped: [DroppedInstance] = []) {
        self.kept = kept
        self.dropped = dropped
    }
}
