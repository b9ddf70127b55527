// The novelty pool of one run as a distributed filter holds it: seeds, then admitted instructions in
// admission order, each with its admission sequence number (1, 2, 3, … per run). A filter replica rebuilds it
// from stored rows and, before each decision, catches up on rows other replicas admitted since.

public struct AdmissionPool: Sendable {
    public private(set) var index: NoveltyIndex
    private var vocabulary: TokenVocabulary
    /// Sequence number of the last admitted instruction (0 when only seeds are in the pool).
    public private(set) var lastAdmissionSequence: Int64 = 0
    public let seedCount: Int

    /// A pool of `seedInstructions`, tokenized for a run in `language`.
    public init(threshold: Double = 0.7, seedInstructions: [String], language: RunLanguage = .en) {
        index = NoveltyIndex(threshold: threshold)
        vocabulary = TokenVocabulary(language: language)
        seedCount = seedInstructions.count
        for seed in seedInstructions { index.admit(vocabulary.intern(seed)) }
    }

    /// Pool size: seeds plus admitted instructions.
    public var count: Int { index.poolCount }

    /// Pool index of admitted instruction number `sequence` (seeds come first).
    public func poolIndex(ofAdmission sequence: Int64) -> Int { seedCount + Int(sequence) - 1 }

    /// Adds rows admitted elsewhere, in O(their length). Rows at or below `lastAdmissionSequence` are
    /// skipped (already here); the rest must continue the sequence without a gap.
    public mutating func catchUp(
        with rows: some Sequence<(sequence: Int64, instruction: String)>
    ) throws(AdmissionOrderError) {
        for row in rows where row.sequence > lastAdmissionSequence {
            try admit(row.instruction, sequence: row.sequence)
        }
    }

    /// Decides a candidate against the current pool without changing it (rejected candidates leave no trace,
    /// so a long-lived filter's memory grows only with admissions).
    public mutating func evaluate(_ instruction: String) -> NoveltyDecision {
        index.evaluate(vocabulary.lookup(instruction))
    }

    /// Distinct tokens known to the pool.
    public var vocabularySize: Int { vocabulary.count }

    /// Records an admission; `sequence` must be the next number.
    public mutating func admit(_ instruction: String, sequence: Int64) throws(AdmissionOrderError) {
        guard sequence == lastAdmissionSequence + 1 else {
            throw AdmissionOrderError(expected: lastAdmissionSequence + 1, found: sequence)
        }
        index.admit(vocabulary.intern(instruction))
        lastAdmissionSequence = sequence
    }
}
