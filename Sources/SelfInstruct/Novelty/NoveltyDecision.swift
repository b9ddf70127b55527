/// The outcome of comparing one candidate with the pool.
public struct NoveltyDecision: Sendable, Hashable {
    /// True when no pool member scores above the threshold.
    public var keep: Bool
    /// The highest F-measure against the pool (0 for an empty pool or a candidate without tokens).
    public var maxScore: Double
    /// Pool index of the first member reaching `maxScore` (nil when `maxScore` is 0).
    public var bestMatch: Int?

    public init(keep: Bool, maxScore: Double, bestMatch: Int?) {
        self.keep = keep
        self.maxScore = maxScore
        self.bestMatch = bestMatch
    }
}
