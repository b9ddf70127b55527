// The `classifications` table: the is-classification answer for an admitted instruction (self-instruct recipe).

public import SelfInstruct
public import Store

/// Every statement over `classifications`.
public enum ClassificationsTable {
    /// Records the answer once; a redelivery changes nothing.
    public static func insert(
        instructionID: Int64, runID: Int64, isClassification: Bool, rawAnswer: String, answer: ClassificationAnswer,
        on executor: some SQLExecutor
    ) async throws {
        try await executor.execute("""
            INSERT INTO classifications (instruction_id, run_id, is_classification, raw_answer, answer)
            VALUES (\(instructionID), \(runID), \(isClassification), \(rawAnswer), \(answer.rawValue))
            ON CONFLICT (instruction_id) DO NOTHING
            """, operation: "classification_insert")
    }
}
