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
