import Records

/// Which dead letters a listing or replay looks at.
public struct DeadLetterSelection: Sendable, Hashable {
    public var runID: Int64?
    /// A stage name as stored (`generate`, `filter.instructions`, …); nil for all.
    public var stage: String?
    /// Only these `dead_letters.id`s (empty: no restriction).
    public var ids: [Int64]
    /// Also letters already replayed (listing only; a replay never re-sends a replayed letter).
    public var includeReplayed: Bool

    public init(runID: Int64? = nil, stage: String? = nil, ids: [Int64] = [], includeReplayed: Bool = false) {
        self.runID = runID
        self.stage = stage
        self.ids = ids
        self.includeReplayed = includeReplayed
    }

    var filter: DeadLettersTable.Filter {
        DeadLettersTable.Filter(runID: runID, stage: stage, ids: ids, includeReplayed: includeReplayed)
    }
}
