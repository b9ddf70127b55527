/// One decision as `sictl dedup` writes it.
public struct DedupRecord: Sendable, Hashable {
    public var index: Int
    public var keep: Bool
    public var maxScore: Double
    public var match: PoolMember?
    /// The reference's optional statistics: most similar members (highest first) and the mean F.
    public var mostSimilar: [(member: PoolMember, score: Double)]?
    public var meanScore: Double?

    /// `{"i": …, "keep": …, "max": …, "match": …}` on one line (no newline), plus `"most_similar"` and
    /// `"avg_similarity_score"` when statistics were computed.
    public var jsonLine: String {
        var line = "{\"i\": \(index), \"keep\": \(keep), \"max\": \(maxScore), \"match\": \(match?.jsonValue ?? "null")"
        if let mostSimilar {
            line += ", \"most_similar\": [" + mostSimilar.map { "[\($0.member.jsonValue), \($0.score)]" }.joined(separator: ", ") + "]"
        }
        if let meanScore { line += ", \"avg_similarity_score\": \(meanScore)" }
        return line + "}"
    }

    public static func == (lhs: DedupRecord, rhs: DedupRecord) -> Bool { lhs.jsonLine == rhs.jsonLine }
    public func hash(into hasher: inout Hasher) { hasher.combine(jsonLine) }
}
