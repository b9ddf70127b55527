import Records
import SelfInstruct

/// One run's admission state: the novelty pool plus the texts needed to name a nearest match.
struct RunPool: Sendable {
    let runID: Int64
    private(set) var pool: AdmissionPool
    private let seeds: [String]
    private var admittedTexts: [String] = []
    private var admittedSet: Set<String> = []

    init(run: RunFacts) {
        runID = run.id
        seeds = run.seedInstructions
        pool = AdmissionPool(threshold: run.threshold, seedInstructions: run.seedInstructions, language: run.config.language)
    }

    var admittedCount: Int64 { pool.lastAdmissionSequence }
    var lastAdmittedText: String? { admittedTexts.last }

    /// One step of the greedy filter.
    mutating func decide(_ text: String, target: Int) -> InstructionsTable.Decision.Outcome {
        if admittedCount >= Int64(target) { return .rejected(.targetReached, nearest: nil, score: nil) }
        if admittedSet.contains(text) { return .rejected(.duplicateText, nearest: text, score: 1) }
        let decision = pool.evaluate(text)
        guard decision.keep else {
            return .rejected(.tooSimilar, nearest: decision.bestMatch.map { memberText($0) }, score: decision.maxScore)
        }
        let sequence = admittedCount + 1
        // Cannot fail: the sequence is the next one by construction.
        try? append(text, sequence: sequence)
        return .admitted(sequence: sequence)
    }

    mutating func append(_ text: String, sequence: Int64) throws {
        try pool.admit(text, sequence: sequence)
        admittedTexts.append(text)
        admittedSet.insert(text)
    }

    private func memberText(_ index: Int) -> String {
        index < seeds.count ? seeds[index] : admittedTexts[index - seeds.count]
    }
}
