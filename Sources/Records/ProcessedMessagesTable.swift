// The `processed_messages` table: messages a stage has fully handled, so a redelivery finds its work done.

public import SelfInstruct
public import Store

/// Every statement over `processed_messages`.
public enum ProcessedMessagesTable {
    /// True when `stage` has committed its work for `messageID`.
    public static func contains(
        stage: PipelineStage, messageID: String, on executor: some SQLExecutor
    ) async throws -> Bool {
        try await !executor.rows(
            "SELECT 1 FROM processed_messages WHERE stage = \(stage) AND message_id = \(messageID)",
            operation: "processed_lookup").isEmpty
    }

    /// Records that `stage` handled `messageID`; false when it already had. Taken first in a stage's transaction:
    /// a concurrent twin of the message blocks here until the other commits, then sees it.
    public static func claim(
        stage: PipelineStage, messageID: String, runID: Int64, on executor: some SQLExecutor
    ) async throws -> Bool {
        try await !executor.rows("""
            INSERT INTO processed_messages (stage, message_id, run_id)
            VALUES (\(stage), \(messageID), (SELECT id FROM runs WHERE id = \(runID)))
            ON CONFLICT DO NOTHING RETURNING 1
            """, operation: "processed_claim").isEmpty
    }

    /// Deletes up to `limit` rows of runs that finished (completed, cancelled, failed) more than `retentionSeconds`
    /// ago; returns how many. A running or paused run keeps all of its rows: they are what makes a redelivery a
    /// no-op. Found through the (run_id, processed_at) index, run by run.
    public static func pruneFinished(retentionSeconds: Int, limit: Int, on executor: some SQLExecutor) async throws -> Int {
        try await executor.execute("""
            DELETE FROM processed_messages WHERE ctid IN (
                SELECT ctid FROM processed_messages WHERE run_id IN (
                    SELECT id FROM runs WHERE status IN ('completed', 'cancelled', 'failed')
                    AND finished_at < now() - make_interval(secs => \(retentionSeconds)))
                LIMIT \(limit))
            """, operation: "processed_prune")
    }

    /// Messages each stage handled for the run in the last minute.
    public static func itemsLastMinute(runID: Int64, on executor: some SQLExecutor) async throws -> [String: Int] {
        var items: [String: Int] = [:]
        for row in try await executor.rows("""
            SELECT stage, count(*) AS items FROM processed_messages
            WHERE run_id = \(runID) AND processed_at > now() - interval '1 minute' GROUP BY stage
            """, operation: "stage_items_last_minute") {
            items[try row.decode("stage")] = try row.decode("items", as: Int.self)
        }
        return items
    }
}
