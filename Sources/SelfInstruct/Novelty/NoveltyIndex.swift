// The indexed exact novelty filter: the same decisions, scores and best matches as the brute-force greedy
// filter, without comparing each candidate with the whole pool.
//
// How a candidate C (m tokens) is decided against the pool:
// 1. Its distinct tokens are visited rarest first (by posting-list length). Each posting adds
//    min(count in C, count in member) to the member's multiset overlap accumulator.
// 2. A member that shares no visited token has overlap ≤ R, the token mass of C not yet visited, so its
//    F ≤ 2·min(R, n)/(m+n) ≤ 2R/(m+R). Once that bound is below the best F found so far, the remaining
//    (most frequent) tokens' postings are never read.
// 3. A touched member's F ≤ 2·min(overlap + R, m, n)/(m+n) (LCS ≤ multiset overlap ≤ the shorter length).
//    Members whose bound is below the best so far are skipped; the rest get an exact LCS by the
//    bit-parallel algorithm (Allison–Dix/Hyyrö), highest bound first, so the best rises quickly.
// Bounds are compared with a margin (1e-9) far above floating-point error and far below the gap between
// distinct scores, so no member that could equal or beat the best (even by rounding, as the exact-0.7
// cases do) is ever skipped; ties resolve to the lowest pool index exactly as in the brute-force filter.

public struct NoveltyIndex: NoveltyFilter, Sendable {
    public let threshold: Double
    public private(set) var statistics = NoveltyIndexStatistics()

    // The pool: member j's tokens are tokens[offsets[j] ..< offsets[j + 1]].
    private var tokens: [Int32] = []
    private var offsets: [Int] = [0]
    /// token id → postings, each `member << 8 | min(count, 255)` (one per distinct token of a member).
    private var postings: [[UInt32]] = []

    // Scratch space reused across evaluations; entries are valid only when their epoch is current.
    private var epoch: UInt32 = 0
    private var memberEpoch: [UInt32] = []
    private var overlap: [UInt32] = []
    private var tokenEpoch: [UInt32] = []
    private var tokenSlot: [Int32] = []
    private var touched: [Int32] = []
    private var masks: [UInt64] = []
    private var lanes: [UInt64] = []
    private var longCandidate: [Int32] = []
    private var dynamicProgrammingRow: [Int32] = []

    private static let boundMargin = 1e-9
    /// Longest candidate scored bit-parallel; longer ones (only from unusual input) use the dynamic programme.
    static let maxBitParallelTokens = 4096
    /// Overlap value marking a member already scored in the current evaluation (real overlaps are far smaller).
    private static let scoredMark = UInt32.max
    /// Most members (seeds included) an index holds: postings pack a member number into 24 bits. Runs and
    /// `sictl dedup` are checked against it before they start.
    public static let capacity = 1 << 24

    public init(threshold: Double = 0.7) {
        self.threshold = threshold
    }

    public var poolCount: Int { offsets.count - 1 }

    /// Adds a member in O(its length).
    public mutating func admit(_ memberTokens: [Int32]) {
        let member = poolCount
        precondition(member < Self.capacity, "NoveltyIndex holds at most \(Self.capacity) members")
        tokens.append(contentsOf: memberTokens)
        offsets.append(tokens.count)
        memberEpoch.append(0)
        overlap.append(0)
        guard !memberTokens.isEmpty else { return }
        growTokenTables(to: Int(memberTokens.max()!) + 1)
        // Distinct tokens with their counts, using the scratch tables under a fresh epoch.
        nextEpoch()
        var distinct: [Int32] = []
        for t in memberTokens {
            let i = Int(t)
            if tokenEpoch[i] != epoch {
                tokenEpoch[i] = epoch
                tokenSlot[i] = 1
                distinct.append(t)
            } else {
                tokenSlot[i] += 1
            }
        }
        for t in distinct {
            let count = UInt32(min(tokenSlot[Int(t)], 255))
            postings[Int(t)].append(UInt32(member) << 8 | count)
        }
    }

    public mutating func evaluate(_ candidate: [Int32]) -> NoveltyDecision {
        statistics.candidates += 1
        let m = candidate.count
        let pool = poolCount
        guard m > 0, pool > 0 else {
            statistics.pairsSkipped += pool
            return NoveltyDecision(keep: true, maxScore: 0, bestMatch: nil)
        }
        let (words, distinct, distinctCount) = prepare(candidate)
        let order = distinct.indices.sorted {
            let a = postings[Int(distinct[$0])].count, b = postings[Int(distinct[$1])].count
            return a != b ? a < b : $0 < $1
        }

        var best = 0.0
        var bestMember = -1
        var remaining = m
        touched.removeAll(keepingCapacity: true)
        var scored = 0
        var touchedAtLastProbe = 0

        for slot in order {
            let list = postings[Int(distinct[slot])]
            if list.count >= 32 && !touched.isEmpty {
                // Before reading a long posting list, raise the best score by scoring the most promising
                // members touched so far; the remaining (frequent) tokens may then not need reading at all.
                // Probing again only once the touched set has doubled keeps its scans linear in total.
                if touched.count >= 2 * touchedAtLastProbe {
                    scored += probe(remaining: remaining, m: m, words: words, best: &best, bestMember: &bestMember)
                    touchedAtLastProbe = touched.count
                }
                if untouchedBound(remaining: remaining, m: m) < best - Self.boundMargin { break }
            }
            let countInCandidate = UInt32(distinctCount[slot])
            statistics.postingsRead += list.count
            list.withUnsafeBufferPointer { list in
                memberEpoch.withUnsafeMutableBufferPointer { memberEpoch in
                    overlap.withUnsafeMutableBufferPointer { overlap in
                        for entry in list {
                            let member = Int(entry >> 8)
                            // A stored 255 means "255 or more": then only the candidate's count bounds the overlap.
                            let stored = entry & 0xFF
                            let add = stored == 0xFF ? countInCandidate : min(stored, countInCandidate)
                            if memberEpoch[member] != epoch {
                                memberEpoch[member] = epoch
                                overlap[member] = add
                                touched.append(Int32(member))
                            } else if overlap[member] != Self.scoredMark {
                                overlap[member] += add
                            }
                        }
                    }
                }
            }
            remaining -= distinctCount[slot]
        }
        scored += scoreRemaining(remaining: remaining, m: m, words: words, best: &best, bestMember: &bestMember)

        statistics.pairsScored += scored
        statistics.pairsSkipped += pool - scored
        return NoveltyDecision(keep: !(best > threshold), maxScore: best, bestMatch: bestMember >= 0 ? bestMember : nil)
    }

    /// Loads a candidate into the scratch tables: its distinct tokens, their counts, and their position masks
    /// (bit i of a token's lane set when C[i] is that token) for the bit-parallel LCS.
    /// `words` is 0 for candidates longer than `maxBitParallelTokens`: their masks would need
    /// distinct × m / 64 words, so their LCS uses the dynamic programme (O(n) memory) instead.
    private mutating func prepare(_ candidate: [Int32]) -> (words: Int, distinct: [Int32], distinctCount: [Int]) {
        growTokenTables(to: Int(candidate.max()!) + 1)
        nextEpoch()
        let words = candidate.count > Self.maxBitParallelTokens ? 0 : (candidate.count + 63) >> 6
        longCandidate = words == 0 ? candidate : []
        var distinct: [Int32] = []
        var distinctCount: [Int] = []
        masks.removeAll(keepingCapacity: true)
        for (position, t) in candidate.enumerated() {
            let i = Int(t)
            if tokenEpoch[i] != epoch {
                tokenEpoch[i] = epoch
                tokenSlot[i] = Int32(distinct.count)
                distinct.append(t)
                distinctCount.append(0)
                masks.append(contentsOf: repeatElement(0, count: words))
            }
            let slot = Int(tokenSlot[i])
            distinctCount[slot] += 1
            if words > 0 { masks[slot * words + (position >> 6)] |= 1 << UInt64(position & 63) }
        }
        return (words, distinct, distinctCount)
    }

    /// The exact F-measure of `candidate` against every pool member, in pool order: the full scan behind
    /// the reference's optional statistics (top-10 most similar, mean similarity).
    public mutating func scoresAgainstAllMembers(_ candidate: [Int32]) -> [Double] {
        let m = candidate.count
        guard m > 0 else { return [Double](repeating: 0, count: poolCount) }
        let (words, _, _) = prepare(candidate)
        return (0..<poolCount).map { member in
            let n = offsets[member + 1] - offsets[member]
            return n == 0 ? 0 : RougeL.fmeasure(lcs: lcsLength(member: member, m: m, words: words), m, n)
        }
    }

    /// Upper bound of F for a member sharing none of the visited tokens.
    @inline(__always)
    private func untouchedBound(remaining: Int, m: Int) -> Double {
        remaining == 0 ? 0 : Double(2 * remaining) / Double(m + remaining)
    }

    /// Bound of F for a touched member: LCS ≤ its overlap so far + the unvisited mass, and ≤ both lengths.
    @inline(__always)
    private func touchedBound(member: Int, remaining: Int, m: Int) -> Double {
        let n = offsets[member + 1] - offsets[member]
        let shared = min(Int(overlap[member]) + remaining, m, n)
        return Double(2 * shared) / Double(m + n)
    }

    /// Scores the few touched, not yet scored members with the highest bounds.
    private mutating func probe(remaining: Int, m: Int, words: Int, best: inout Double, bestMember: inout Int) -> Int {
        let width = 16
        var top: [(bound: Double, member: Int)] = []
        top.reserveCapacity(width + 1)
        var floor = best - Self.boundMargin
        for member32 in touched {
            let member = Int(member32)
            if overlap[member] == Self.scoredMark { continue }
            let bound = touchedBound(member: member, remaining: remaining, m: m)
            guard bound >= floor else { continue }
            if top.count == width {
                if bound <= top[width - 1].bound { continue }
                top.removeLast()
            }
            let at = top.firstIndex(where: { $0.bound < bound }) ?? top.count
            top.insert((bound, member), at: at)
            if top.count == width { floor = max(floor, top[width - 1].bound) }
        }
        for (_, member) in top { score(member: member, m: m, words: words, best: &best, bestMember: &bestMember) }
        return top.count
    }

    /// Scores every touched, not yet scored member whose bound can still reach the best score.
    private mutating func scoreRemaining(remaining: Int, m: Int, words: Int, best: inout Double, bestMember: inout Int) -> Int {
        var scored = 0
        for k in touched.indices {
            let member = Int(touched[k])
            let shared = overlap[member]
            if shared == Self.scoredMark { continue }
            // bound = 2·min(shared + R, m, n)/(m + n) ≥ best − margin, without a division per member.
            let n = offsets[member + 1] - offsets[member]
            let bounded = min(Int(shared) + remaining, m, n)
            if Double(2 * bounded) < (best - Self.boundMargin) * Double(m + n) { continue }
            score(member: member, m: m, words: words, best: &best, bestMember: &bestMember)
            scored += 1
        }
        return scored
    }

    /// Exact F against one member; the member is marked scored for the rest of this evaluation.
    @inline(__always)
    private mutating func score(member: Int, m: Int, words: Int, best: inout Double, bestMember: inout Int) {
        let n = offsets[member + 1] - offsets[member]
        let f = RougeL.fmeasure(lcs: lcsLength(member: member, m: m, words: words), m, n)
        overlap[member] = Self.scoredMark
        if f > best || (f == best && member < bestMember) {
            best = f
            bestMember = member
        }
    }

    /// LCS length of the current candidate (encoded in `masks`) and a pool member, bit-parallel:
    /// V starts all ones; per member token b with match mask M: U = V & M, V = (V + U) | (V − U);
    /// the LCS is the number of zero bits among the candidate's m positions.
    private mutating func lcsLength(member: Int, m: Int, words: Int) -> Int {
        let start = offsets[member], end = offsets[member + 1]
        if words == 0 {
            return tokens.withUnsafeBufferPointer { tokens in
                longCandidate.withUnsafeBufferPointer { candidate in
                    RougeL.lcsLength(candidate, UnsafeBufferPointer(rebasing: tokens[start..<end]), row: &dynamicProgrammingRow)
                }
            }
        }
        if words == 1 {
            var v: UInt64 = ~0
            tokens.withUnsafeBufferPointer { tokens in
                masks.withUnsafeBufferPointer { masks in
                    tokenEpoch.withUnsafeBufferPointer { tokenEpoch in
                        tokenSlot.withUnsafeBufferPointer { tokenSlot in
                            for k in start..<end {
                                let t = Int(tokens[k])
                                guard tokenEpoch[t] == epoch else { continue }
                                let u = v & masks[Int(tokenSlot[t])]
                                v = (v &+ u) | (v & ~u)
                            }
                        }
                    }
                }
            }
            let live: UInt64 = m == 64 ? ~0 : (1 << UInt64(m)) - 1
            return (~v & live).nonzeroBitCount
        }
        if lanes.count < words { lanes = [UInt64](repeating: 0, count: words) }
        for w in 0..<words { lanes[w] = ~0 }
        for k in start..<end {
            let t = Int(tokens[k])
            guard tokenEpoch[t] == epoch else { continue }
            let base = Int(tokenSlot[t]) * words
            var carry: UInt64 = 0
            for w in 0..<words {
                let v = lanes[w]
                let u = v & masks[base + w]
                // (V + U) across words: U ⊆ V, and V − U = V & ~U needs no borrow.
                let (sum1, overflow1) = v.addingReportingOverflow(u)
                let (sum, overflow2) = sum1.addingReportingOverflow(carry)
                carry = (overflow1 || overflow2) ? 1 : 0
                lanes[w] = sum | (v & ~u)
            }
        }
        var zeros = 0
        for w in 0..<words {
            let bits = min(64, m - w * 64)
            let live: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
            zeros += (~lanes[w] & live).nonzeroBitCount
        }
        return zeros
    }

    private mutating func growTokenTables(to size: Int) {
        if postings.count < size {
            postings.append(contentsOf: repeatElement([], count: size - postings.count))
        }
        if tokenEpoch.count < size {
            let grown = max(size, tokenEpoch.count * 2)
            tokenEpoch.append(contentsOf: repeatElement(0, count: grown - tokenEpoch.count))
            tokenSlot.append(contentsOf: repeatElement(0, count: grown - tokenSlot.count))
        }
    }

    private mutating func nextEpoch() {
        if epoch == UInt32.max {
            epoch = 0
            for i in memberEpoch.indices { memberEpoch[i] = 0 }
            for i in tokenEpoch.indices { tokenEpoch[i] = 0 }
        }
        epoch += 1
    }
}
