// The reference's optional per-candidate statistics: the most similar pool members and the mean similarity
// over the whole pool (Self-Instruct's `most_similar` and `avg_similarity_score`). They need a full scan.

public struct SimilarityStatistics: Sendable, Hashable {
    /// Up to `k` members with the highest F, highest first; ties by lower pool index.
    public var top: [(member: Int, score: Double)]
    /// Mean F over the whole pool, summed as numpy's `np.mean` does (pairwise), 0 for an empty pool.
    public var mean: Double

    public init(scores: [Double], top k: Int = 10) {
        top = scores.indices
            .sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
            .prefix(k)
            .map { ($0, scores[$0]) }
        mean = scores.isEmpty ? 0 : NumpySum.sum(scores) / Double(scores.count)
    }

    public static func == (lhs: SimilarityStatistics, rhs: SimilarityStatistics) -> Bool {
        lhs.mean.bitPattern == rhs.mean.bitPattern && lhs.top.count == rhs.top.count
            && zip(lhs.top, rhs.top).allSatisfy { $0.member == $1.member && $0.score.bitPattern == $1.score.bitPattern }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(mean.bitPattern)
        for entry in top { hasher.combine(entry.member); hasher.combine(entry.score.bitPattern) }
    }
}
