// The greedy ROUGE-L novelty filter of both reference pipelines: a candidate is rejected when its F-measure
// against any pool member (seeds first, then every admitted candidate, in admission order) exceeds the
// threshold; otherwise it joins the pool.

/// A novelty filter over a growing pool of tokenised instructions. Implementations must return the same
/// decision, score and best match as `BruteForceNoveltyFilter` for every input; ties on the score resolve
/// to the lowest pool index.
public protocol NoveltyFilter {
    /// A candidate is rejected when its best F-measure is strictly greater than this (0.7 in both references).
    var threshold: Double { get }
    /// Number of pool members (seeds plus admitted candidates).
    var poolCount: Int { get }
    /// Compares `tokens` with the whole pool without changing it.
    mutating func evaluate(_ tokens: [Int32]) -> NoveltyDecision
    /// Adds `tokens` to the pool as member number `poolCount`.
    mutating func admit(_ tokens: [Int32])
}

extension NoveltyFilter {
    /// Evaluates a candidate and admits it when it is kept: one step of the greedy filter.
    public mutating func consider(_ tokens: [Int32]) -> NoveltyDecision {
        let decision = evaluate(tokens)
        if decision.keep { admit(tokens) }
        return decision
    }
}
