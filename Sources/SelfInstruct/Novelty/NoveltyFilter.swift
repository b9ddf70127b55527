// The greedy ROUGE-L novelty filter of both reference pipelines: a candidate is rejected when its F-measure
// against any pool member (seeds first, then every admitted candidate, in admission order) exceeds the
// threshold; otherwise it joins the pool.

/// Maps token strings to dense integer ids, once, so that comparisons work on integers.
public struct TokenVocabulary: Sendable {
    private var ids: [String: Int32] = [:]
    public private(set) var tokens: [String] = []

    public init() {}

    public var count: Int { tokens.count }

    /// The ids of `text`'s ROUGE tokens without growing the vocabulary: tokens it does not know all map to
    /// one id past the end (`count`), which no pool member contains. For decisions that may not admit.
    public func lookup(_ text: some StringProtocol) -> [Int32] {
        var out: [Int32] = []
        let unknown = Int32(tokens.count)
        RougeTokenizer.forEachToken(in: text) { bytes in
            out.append(ids[String(decoding: bytes, as: UTF8.self)] ?? unknown)
        }
        return out
    }

    /// The ids of `text`'s ROUGE tokens, interning new tokens.
    public mutating func intern(_ text: some StringProtocol) -> [Int32] {
        var out: [Int32] = []
        RougeTokenizer.forEachToken(in: text) { bytes in
            let token = String(decoding: bytes, as: UTF8.self)
            if let id = ids[token] {
                out.append(id)
            } else {
                let id = Int32(tokens.count)
                ids[token] = id
                tokens.append(token)
                out.append(id)
            }
        }
        return out
    }
}

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

/// The reference algorithm: every candidate against every pool member, exact LCS by dynamic programming.
public struct BruteForceNoveltyFilter: NoveltyFilter, Sendable {
    public let threshold: Double
    private var pool: [[Int32]] = []
    private var row: [Int32] = []

    public init(threshold: Double = 0.7) {
        self.threshold = threshold
    }

    public var poolCount: Int { pool.count }

    public mutating func evaluate(_ tokens: [Int32]) -> NoveltyDecision {
        var best = 0.0
        var bestIndex: Int?
        let m = tokens.count
        if m > 0 {
            for (index, member) in pool.enumerated() where !member.isEmpty {
                let lcs = lcsLength(tokens, member)
                let f = RougeL.fmeasure(lcs: lcs, m, member.count)
                if f > best {
                    best = f
                    bestIndex = index
                }
            }
        }
        return NoveltyDecision(keep: !(best > threshold), maxScore: best, bestMatch: bestIndex)
    }

    public mutating func admit(_ tokens: [Int32]) {
        pool.append(tokens)
    }

    private mutating func lcsLength(_ a: [Int32], _ b: [Int32]) -> Int {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in RougeL.lcsLength(a, b, row: &row) } }
    }
}
