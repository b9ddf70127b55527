// The offline novelty filter behind `sictl dedup`: seeds start the pool, candidates are decided in order.

/// Runs the greedy filter over candidates with any `NoveltyFilter` implementation.
public struct DedupRun<Filter: NoveltyFilter> {
    public private(set) var filter: Filter
    private var vocabulary: TokenVocabulary
    private var members: [PoolMember] = []
    public private(set) var kept = 0
    public private(set) var rejected = 0

    /// Starts the pool with the seed instructions (never filtered against each other, as in the references).
    /// Tokens come from `language`'s tokenizer (`en`: `rouge_score`'s).
    public init(filter: Filter, seeds: [SeedTask], language: RunLanguage = .en) {
        self.filter = filter
        vocabulary = TokenVocabulary(language: language)
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
