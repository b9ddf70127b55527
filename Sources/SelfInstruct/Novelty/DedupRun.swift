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

    /// `{"i": …, "keep": …, "max": …, "match": …}` on one line (no newline).
    public var jsonLine: String {
        "{\"i\": \(index), \"keep\": \(keep), \"max\": \(maxScore), \"match\": \(match?.jsonValue ?? "null")}"
    }
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
