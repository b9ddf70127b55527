// The offline novelty filter behind `sictl dedup`: seeds start the pool, candidates are decided in order.

/// Who a pool member is: a seed (by its id) or an admitted candidate (by its 0-based input index).
public enum PoolMember: Sendable, Hashable {
    case seed(id: String)
    case candidate(index: Int)

    /// JSON for the `match` field: `"seed:<id>"` or the candidate index.
    public var jsonValue: String {
        switch self {
        case .seed(let id): JSONWriter.quoted("seed:" + id)
        case .candidate(let index): String(index)
        }
    }
}

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

/// Runs the greedy filter over candidates with any `NoveltyFilter` implementation.
public struct DedupRun<Filter: NoveltyFilter> {
    public private(set) var filter: Filter
    private var vocabulary = TokenVocabulary()
    private var members: [PoolMember] = []
    public private(set) var kept = 0
    public private(set) var rejected = 0

    /// Starts the pool with the seed instructions (never filtered against each other, as in the references).
    public init(filter: Filter, seeds: [SeedTask]) {
        self.filter = filter
        for seed in seeds {
            self.filter.admit(vocabulary.intern(seed.instruction))
            members.append(.seed(id: seed.id))
        }
    }

    public var poolCount: Int { members.count }

    /// Decides candidate number `index` and admits it when kept.
    public mutating func decide(_ instruction: String, index: Int) -> DedupRecord {
        let tokens = vocabulary.intern(instruction)
        let decision = filter.consider(tokens)
        if decision.keep {
            members.append(.candidate(index: index))
            kept += 1
        } else {
            rejected += 1
        }
        return DedupRecord(index: index, keep: decision.keep, maxScore: decision.maxScore,
                           match: decision.bestMatch.map { members[$0] })
    }
}

extension DedupRun where Filter == NoveltyIndex {
    /// Like `decide`, and also computes the reference's statistics against the pool before admission
    /// (top `k` most similar members and the mean F), which needs a full scan of the pool.
    public mutating func decideWithStatistics(_ instruction: String, index: Int, top k: Int = 10) -> DedupRecord {
        let tokens = vocabulary.intern(instruction)
        let statistics = SimilarityStatistics(scores: filter.scoresAgainstAllMembers(tokens), top: k)
        let topMembers = statistics.top.map { (member: members[$0.member], score: $0.score) }
        var record = decide(instruction, index: index)
        record.mostSimilar = topMembers
        record.meanScore = statistics.mean
        return record
    }
}
