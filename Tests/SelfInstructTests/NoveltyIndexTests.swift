import Testing
@testable import SelfInstruct

@Suite struct NoveltyIndexTests {
    /// Runs both filters greedily over the same token sequences and returns their decisions.
    static func decideBoth(_ corpus: [[Int32]], seeds: Int, threshold: Double) -> (indexed: [NoveltyDecision], bruteForce: [NoveltyDecision]) {
        var indexed = NoveltyIndex(threshold: threshold)
        var brute = BruteForceNoveltyFilter(threshold: threshold)
        for seed in corpus.prefix(seeds) {
            indexed.admit(seed)
            brute.admit(seed)
        }
        var a: [NoveltyDecision] = []
        var b: [NoveltyDecision] = []
        for candidate in corpus.dropFirst(seeds) {
            a.append(indexed.consider(candidate))
            b.append(brute.consider(candidate))
        }
        return (a, b)
    }

    /// Random corpora over a small vocabulary (so that overlaps, near duplicates and exact duplicates are
    /// common), with lengths from 0 to 150 tokens (multi-word bit vectors), at several thresholds.
    @Test(arguments: [(1, 0.7), (2, 0.7), (3, 0.5), (4, 0.3), (5, 0.9), (6, 0.7), (7, 0.0), (8, 1.0)])
    func decisionsEqualBruteForceOnRandomCorpora(seed: UInt64, threshold: Double) {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<20 {
            let vocabularySize = 2 + rng.uniform(below: 30)
            var corpus: [[Int32]] = []
            for _ in 0..<(20 + rng.uniform(below: 60)) {
                if !corpus.isEmpty && rng.uniform(below: 4) == 0 {
                    // A perturbed copy of an earlier item: some tokens replaced, dropped or inserted.
                    var copy = corpus[rng.uniform(below: corpus.count)]
                    for _ in 0..<rng.uniform(below: 4) {
                        switch rng.uniform(below: 3) {
                        case 0 where !copy.isEmpty: copy[rng.uniform(below: copy.count)] = Int32(rng.uniform(below: vocabularySize))
                        case 1 where !copy.isEmpty: copy.remove(at: rng.uniform(below: copy.count))
                        default: copy.insert(Int32(rng.uniform(below: vocabularySize)), at: rng.uniform(below: copy.count + 1))
                        }
                    }
                    corpus.append(copy)
                } else {
                    let length = rng.uniform(below: 10) == 0 ? rng.uniform(below: 151) : rng.uniform(below: 16)
                    corpus.append((0..<length).map { _ in Int32(rng.uniform(below: vocabularySize)) })
                }
            }
            let seeds = rng.uniform(below: 6)
            let (indexed, brute) = Self.decideBoth(corpus, seeds: seeds, threshold: threshold)
            #expect(indexed.count == brute.count)
            for (a, b) in zip(indexed, brute) {
                #expect(a.keep == b.keep)
                #expect(a.maxScore.bitPattern == b.maxScore.bitPattern)
                #expect(a.bestMatch == b.bestMatch)
            }
        }
    }

    /// The exact-0.7 cases of spec §4, where the score rounds to just above 0.7: the index must score
    /// these pairs instead of discarding them by a bound.
    @Test func exactPointSevenCasesAreDecidedLikeTheReference() {
        var rejected = 0
        for m in 1...199 {
            for n in 1...199 {
                for lcs in 1...min(m, n) where 20 * lcs == 7 * (m + n) {
                    let (target, prediction) = sequencesWithLCS(lcs, m: m, n: n)
                    var index = NoveltyIndex()
                    index.admit(prediction)
                    var brute = BruteForceNoveltyFilter()
                    brute.admit(prediction)
                    let a = index.evaluate(target), b = brute.evaluate(target)
                    #expect(a == b)
                    if !a.keep { rejected += 1 }
                }
            }
        }
        #expect(rejected == 432)
    }

    @Test func boundsSkipMostPairsOnTextLikeInput() {
        // Ten topics × many phrasings: candidates share frequent words with everything but few rare ones.
        var vocabulary = TokenVocabulary()
        var index = NoveltyIndex()
        var rng = SeededRandom(seed: 11)
        let verbs = ["write", "describe", "explain", "list", "summarize", "compare", "classify", "translate"]
        for i in 0..<2000 {
            let words = ["the", "a", verbs[rng.uniform(below: verbs.count)], "of", "topic\(i)", "detail\(i % 97)", "item\(rng.uniform(below: 5000))"]
            _ = index.consider(vocabulary.intern(rng.shuffled(words).joined(separator: " ")))
        }
        #expect(index.statistics.pairsScored * 5 < index.statistics.pairsSkipped)
    }

    @Test func tieOnScoreResolvesToTheLowestIndex() {
        var index = NoveltyIndex()
        index.admit([1, 2, 3, 4])
        index.admit([9, 1, 2, 7])
        index.admit([1, 2, 5, 6])
        let decision = index.evaluate([1, 2, 8, 10])
        #expect(decision.maxScore == 0.5)
        #expect(decision.bestMatch == 0)
    }

    /// Tokens repeated more than 255 times saturate the stored posting count; the bound must stay an upper
    /// bound, so the true match (F ≈ 0.9995) is still found.
    @Test func heavilyRepeatedTokensKeepBoundsExact() {
        let a = [Int32](repeating: 1, count: 1000)
        let b = [Int32(2)] + [Int32](repeating: 1, count: 200)
        let c = [Int32(2)] + [Int32](repeating: 1, count: 1000)
        let (indexed, brute) = Self.decideBoth([a, b, c], seeds: 1, threshold: 0.7)
        #expect(indexed == brute)
        #expect(indexed.last?.keep == false)
        #expect(indexed.last?.bestMatch == 0)
    }

    /// Candidates longer than the bit-parallel limit are scored by the dynamic programme, with the same results.
    @Test func veryLongCandidatesMatchBruteForce() {
        var rng = SeededRandom(seed: 5)
        let long = (0..<(NoveltyIndex.maxBitParallelTokens + 300)).map { _ in Int32(rng.uniform(below: 5000)) }
        var near = long
        for _ in 0..<400 { near[rng.uniform(below: near.count)] = Int32(rng.uniform(below: 5000)) }
        let corpus = [Array(long.prefix(50)), long, [1, 2, 3], near, Array(near.suffix(100))]
        let (indexed, brute) = Self.decideBoth(corpus, seeds: 1, threshold: 0.7)
        #expect(indexed == brute)
        #expect(indexed.contains { !$0.keep })
    }
}
