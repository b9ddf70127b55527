import Testing
@testable import SelfInstruct

/// Token sequences with a known LCS: `target` has `m` distinct tokens; `prediction` shares its first `lcs`
/// tokens in order and pads with tokens the target does not have.
func sequencesWithLCS(_ lcs: Int, m: Int, n: Int) -> (target: [Int32], prediction: [Int32]) {
    let target = (0..<m).map { Int32($0) }
    let prediction = Array(target.prefix(lcs)) + (0..<(n - lcs)).map { Int32(10_000 + $0) }
    return (target, prediction)
}

@Suite struct BruteForceNoveltyFilterTests {
    @Test func admitsNovelAndRejectsNearDuplicates() {
        var vocabulary = TokenVocabulary()
        var filter = BruteForceNoveltyFilter(threshold: 0.7)
        filter.admit(vocabulary.intern("Give three tips for staying healthy."))
        let duplicate = filter.consider(vocabulary.intern("give three tips for staying HEALTHY!"))
        #expect(!duplicate.keep)
        #expect(duplicate.maxScore == 1.0)
        #expect(duplicate.bestMatch == 0)
        let novel = filter.consider(vocabulary.intern("Translate the sentence into French."))
        #expect(novel.keep)
        #expect(novel.maxScore == 0)
        #expect(novel.bestMatch == nil)
        #expect(filter.poolCount == 2)
    }

    @Test func tiesResolveToTheFirstPoolMember() {
        var vocabulary = TokenVocabulary()
        var filter = BruteForceNoveltyFilter()
        filter.admit(vocabulary.intern("alpha beta gamma delta"))
        filter.admit(vocabulary.intern("alpha beta epsilon zeta"))
        let decision = filter.evaluate(vocabulary.intern("alpha beta eta theta"))
        #expect(decision.maxScore == 0.5)
        #expect(decision.bestMatch == 0)
    }

    @Test func candidatesWithoutTokensScoreZeroAndAreKept() {
        var vocabulary = TokenVocabulary()
        var filter = BruteForceNoveltyFilter()
        filter.admit(vocabulary.intern("anything at all"))
        let decision = filter.consider(vocabulary.intern("!!! ???"))
        #expect(decision == NoveltyDecision(keep: true, maxScore: 0, bestMatch: nil))
    }

    /// Every exact-0.7 case of spec §4 decided through the filter: 432 rejected, the rest kept.
    @Test func exactPointSevenCasesThroughTheFilter() {
        var rejected = 0
        var kept = 0
        for m in 1...199 {
            for n in 1...199 {
                for lcs in 1...min(m, n) where 20 * lcs == 7 * (m + n) {
                    let (target, prediction) = sequencesWithLCS(lcs, m: m, n: n)
                    var filter = BruteForceNoveltyFilter()
                    filter.admit(prediction)
                    if filter.evaluate(target).keep { kept += 1 } else { rejected += 1 }
                }
            }
        }
        #expect(rejected == 432)
        #expect(kept == 931 - 432)
    }
}

@Suite struct DedupRunTests {
    @Test func labelsMatchesAsSeedsOrCandidateIndices() {
        let seeds = [SeedTask(id: "s0", instruction: "Write a poem about the ocean.", instances: [TaskInstance(input: "", output: "…")])]
        var run = DedupRun(filter: BruteForceNoveltyFilter(), seeds: seeds)
        let first = run.decide("Write a short poem about the sea and the ocean.", index: 0)
        #expect(!first.keep)
        #expect(first.jsonLine == #"{"i": 0, "keep": false, "max": 0.7499999999999999, "match": "seed:s0"}"#)
        let second = run.decide("List the planets of the solar system in order.", index: 1)
        #expect(second.keep)
        let third = run.decide("List the planets of the solar system.", index: 2)
        #expect(third.jsonLine.hasSuffix(#""match": 1}"#))
        #expect(!third.keep)
        let fourth = run.decide("???", index: 3)
        #expect(fourth.jsonLine == #"{"i": 3, "keep": true, "max": 0.0, "match": null}"#)
        #expect(run.kept == 2 && run.rejected == 2 && run.poolCount == 3)
    }
}
