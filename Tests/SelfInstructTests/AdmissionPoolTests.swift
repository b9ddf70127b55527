import Testing
@testable import SelfInstruct

@Suite struct AdmissionPoolTests {
    static let seeds = ["Write a poem about the ocean.", "List three colors.", "Translate the sentence into French."]
    static let candidates = [
        "Write a short poem about the sea and the ocean.", "Describe the water cycle.", "List three primary colors.",
        "Explain how a rainbow forms.", "Describe the water cycle in three steps.", "Translate the sentence into German.",
        "Name a famous painter.", "Explain how rainbows form in the sky.",
    ]

    /// A replica that rebuilds from stored rows (in chunks, with overlap) decides like one that admitted
    /// everything itself.
    @Test func rebuildingFromRowsGivesTheSameDecisions() throws {
        var live = AdmissionPool(seedInstructions: Self.seeds)
        var rows: [(sequence: Int64, instruction: String)] = []
        var liveDecisions: [NoveltyDecision] = []
        for text in Self.candidates {
            let decision = live.evaluate(text)
            liveDecisions.append(decision)
            if decision.keep {
                try live.admit(text, sequence: live.lastAdmissionSequence + 1)
                rows.append((live.lastAdmissionSequence, text))
            }
        }
        #expect(liveDecisions.contains { !$0.keep })

        var replica = AdmissionPool(seedInstructions: Self.seeds)
        try replica.catchUp(with: rows.prefix(2))
        try replica.catchUp(with: rows.prefix(3))   // the overlap is skipped
        try replica.catchUp(with: rows)
        #expect(replica.lastAdmissionSequence == live.lastAdmissionSequence)
        #expect(replica.count == live.count)
        for text in ["Write a poem about the sea.", "Explain how a rainbow forms in the sky.", "Compose a haiku."] {
            #expect(replica.evaluate(text) == live.evaluate(text))
        }
    }

    @Test func gapsAreRefused() throws {
        var pool = AdmissionPool(seedInstructions: Self.seeds)
        try pool.admit("Describe the water cycle.", sequence: 1)
        #expect(throws: AdmissionOrderError(expected: 2, found: 3)) {
            try pool.catchUp(with: [(sequence: Int64(3), instruction: "Name a famous painter.")])
        }
        #expect(pool.lastAdmissionSequence == 1)
        #expect(pool.poolIndex(ofAdmission: 1) == 3)
    }

    /// Unknown tokens all map to one id that no member has, so lookups decide exactly like interning and
    /// rejected candidates do not grow the vocabulary.
    @Test func evaluatingDoesNotGrowTheVocabulary() throws {
        var pool = AdmissionPool(seedInstructions: Self.seeds)
        let before = pool.vocabularySize
        let decision = pool.evaluate("Write a poem about the quantum zeppelin ocean")
        #expect(pool.vocabularySize == before)
        var vocabulary = TokenVocabulary()
        var reference = BruteForceNoveltyFilter()
        for seed in Self.seeds { reference.admit(vocabulary.intern(seed)) }
        #expect(decision == reference.evaluate(vocabulary.intern("Write a poem about the quantum zeppelin ocean")))
    }
}
