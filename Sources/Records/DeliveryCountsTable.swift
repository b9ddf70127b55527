// The `delivery_counts` table: how often the broker redelivered a message to a stage, kept where a worker's
// crash cannot reset it.

public import SelfInstruct
public import Store

/// Every statement over `delivery_counts`.
public enum DeliveryCountsTable {
    /// The redeliveries counted so far for `messageID` at `stage` (0 when none).
    public static func redeliveries(stage: PipelineStage, messageID: String, on executor: some SQLExecutor) async throws -> Int {
        try await executor.rows(
            "SELECT greatest(redeliveries - excused, 0) AS redeliveries FROM delivery_counts WHERE stage = \(stage) AND message_id = \(messageID)",
            operation: "delivery_count_lookup").first?.decode("redeliveries", as: Int.self) ?? 0
    }

    /// Counts one more redelivery of `messageID` to `stage` and returns the total so far, less the excused ones.
    public static func countRedelivery(
        stage: PipelineStage, messageID: String, on executor: some SQLExecutor
    ) async throws -> Int {
        let rows = try await executor.rows("""
            INSERT INTO delivery_counts AS d (stage, message_id, redeliveries) VALUES (\(stage), \(messageID), 1)
            ON CONFLICT (stage, message_id) DO UPDATE SET redeliveries = d.redeliveries + 1, last_seen = now()
            RETURNING greatest(redeliveries - excused, 0) AS redeliveries
            """, operation: "delivery_count")
        return try rows.first?.decode("redeliveries", as: Int.self) ?? 1
    }

    /// Excuses the next redelivery of `messageID` to `stage`: the daemon gave it back on purpose.
    public static func excuse(stage: PipelineStage, messageID: String, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            INSERT INTO delivery_counts AS d (stage, message_id, redeliveries, excused) VALUES (\(stage), \(messageID), 0, 1)
            ON CONFLICT (stage, message_id) DO UPDATE SET excused = d.excused + 1, last_seen = now()
            """, operation: "delivery_count_excuse")
    }

    /// Forgets the count of `messageID` (a message parked for a paused run starts afresh when it is sent again).
    public static func forget(stage: PipelineStage, messageID: String, on executor: some SQLExecutor) async throws {
        try await executor.execute(
            "DELETE FROM delivery_counts WHERE stage = \(stage) AND message_id = \(messageID)", operation: "delivery_count_forget")
    }

    /// Deletes up to `limit` counts not touched for `retentionSeconds`; returns how many.
    public static func prune(retentionSeconds: Int, limit: Int, on executor: some SQLExecutor) async throws -> Int {
        try await executor.execute("""
            DELETE FROM delivery_counts WHERE ctid IN (
                SELECT ctid FROM delivery_counts WHERE last_seen < now() - make_interval(secs => \(retentionSeconds))
                LIMIT \(limit))
            """, operation: "delivery_counts_prune")
    }
}
