import Testing
@testable import SelfInstruct

@Suite struct SimilarityStatisticsTests {
    /// np.mean of a[i] = (i·7919 mod 1000)/997 + 1/(i+3), as printed by numpy 2.4 (float.hex / repr).
    /// A naive left-to-right sum differs from numpy in the last bits for most of these lengths.
    @Test(arguments: [
        (1, 0.3333333333333333), (5, 0.8584911878492619), (8, 0.7719008712645874), (9, 0.7354639153953764),
        (127, 0.5279466457125861), (128, 0.5294692324179663), (129, 0.5303379615690021), (300, 0.5179703427132087),
        (1000, 0.5069904768926227), (5000, 0.5025219907736861), (20000, 0.5014520504375677), (52177, 0.5011922103520332),
    ] as [(Int, Double)])
    func meanMatchesNumpyBitForBit(n: Int, expected: Double) {
        let values = (0..<n).map { (i: Int) -> Double in
            let cyclic = Double(i * 7919 % 1000) / 997.0
            return cyclic + 1.0 / Double(i + 3)
        }
        let statistics = SimilarityStatistics(scores: values)
        #expect(statistics.mean.bitPattern == expected.bitPattern)
    }

    @Test func topIsOrderedByScoreThenIndex() {
        let statistics = SimilarityStatistics(scores: [0.2, 0.5, 0.5, 0.1, 0.9], top: 3)
        #expect(statistics.top.map(\.member) == [4, 1, 2])
        #expect(SimilarityStatistics(scores: []).top.isEmpty)
        #expect(SimilarityStatistics(scores: []).mean == 0)
    }

    @Test func fullScanScoresEqualBruteForceScores() {
        var vocabulary = TokenVocabulary()
        var index = NoveltyIndex()
        let pool = ["Write a poem about the ocean.", "", "Summarize the article below in 3 sentences.", "List three colors."]
        for text in pool { index.admit(vocabulary.intern(text)) }
        let candidate = vocabulary.intern("Write a short poem about the sea and the ocean.")
        let expected = pool.map { RougeL.score(target: RougeTokenizer.tokenize("Write a short poem about the sea and the ocean."), prediction: RougeTokenizer.tokenize($0)).fmeasure }
        #expect(index.scoresAgainstAllMembers(candidate) == expected)
    }
}
