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

/// `np.add.reduce` over a contiguous float64 array: numpy's pairwise summation (8 accumulators in blocks of
/// up to 128, recursive halving above). Matching it keeps the mean's last bits equal to the reference's
/// (checked against numpy 2.4 for lengths 1 to 52,177).
public enum NumpySum {
    public static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwise($0) }
    }

    static func pairwise(_ a: UnsafeBufferPointer<Double>) -> Double {
        let n = a.count
        if n < 8 {
            var res = 0.0
            for x in a { res += x }
            return res
        } else if n <= 128 {
            var r = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
            var i = 8
            while i < n - n % 8 {
                r.0 += a[i]; r.1 += a[i + 1]; r.2 += a[i + 2]; r.3 += a[i + 3]
                r.4 += a[i + 4]; r.5 += a[i + 5]; r.6 += a[i + 6]; r.7 += a[i + 7]
                i += 8
            }
            var res = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
            while i < n { res += a[i]; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwise(UnsafeBufferPointer(rebasing: a[..<n2])) + pairwise(UnsafeBufferPointer(rebasing: a[n2...]))
        }
    }
}
