/// One valid instance as the shard plan sees it: which instance, and the instruction it belongs to (the split is
/// decided per instruction). The texts are read later, a page at a time, so planning a run costs 16 bytes a record.
public struct ShardKey: Sendable, Hashable {
    /// `instances.id`.
    public var id: Int64
    public var instructionID: Int64

    public init(id: Int64, instructionID: Int64) {
        self.id = id
        self.instructionID = instructionID
    }
}
