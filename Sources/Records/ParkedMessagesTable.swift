// The `parked_messages` table: stage messages of a run that paused itself (budget, credentials, an unreachable
// teacher). They wait here instead of in the queue, where they would be redelivered without end, and
// `sictl run resume` sends them again through the outbox.

public import SelfInstruct
public import Store

/// Every statement over `parked_messages`.
public enum ParkedMessagesTable {
    /// Keeps `message` of `stage` until the run resumes; a message parked twice is kept once.
    public static func park(
        _ message: StageMessage, stage: PipelineStage, messageID: String, reason: PauseReason, on executor: some SQLExecutor
    ) async throws {
        try await executor.execute("""
            INSERT INTO parked_messages (stage, message_id, run_id, body, reason)
            VALUES (\(stage), \(messageID), \(message.runID), \(message.jsonText), \(reason))
            ON CONFLICT (stage, message_id) DO NOTHING
            """, operation: "park_message")
    }

    /// Removes the run's parked messages and returns them as messages to send again. Each comes back with its
    /// attempt raised, so its consumer first checks whether it was processed meanwhile.
    public static func unpark(runID: Int64, on executor: some SQLExecutor) async throws -> [OutgoingMessage] {
        let rows = try await executor.rows("""
            DELETE FROM parked_messages WHERE run_id = \(runID) RETURNING stage, body, parked_at::text AS parked_at
            """, operation: "unpark_messages")
        return try rows.map { row in
            let stage = try row.decode("stage", as: PipelineStage.self)
            var message = try StageMessage(json: Array(try row.decode("body", as: String.self).utf8))
            message.attempt += 1
            // Unique per parking: a message parked, resumed and parked again is sent again each time.
            return OutgoingMessage(stage: stage, message: message, resend: "unparked@\(try row.decode("parked_at", as: String.self))")
        }
    }

    /// How many of the run's messages are parked, per stage.
    public static func counts(runID: Int64, on executor: some SQLExecutor) async throws -> [PipelineStage: Int] {
        var counts: [PipelineStage: Int] = [:]
        for row in try await executor.rows(
            "SELECT stage, count(*) AS parked FROM parked_messages WHERE run_id = \(runID) GROUP BY stage",
            operation: "parked_counts")
        {
            counts[try row.decode("stage", as: PipelineStage.self)] = try row.decode("parked")
        }
        return counts
    }
}
