/// Counters of the work done, for benchmarks.
public struct NoveltyIndexStatistics: Sendable, Hashable {
    public var candidates = 0
    /// Pairs whose LCS was computed.
    public var pairsScored = 0
    /// Pairs decided by a bound alone (never scored).
    public var pairsSkipped = 0
    /// Posting entries read.
    public var postingsRead = 0

    public init() {}
}
