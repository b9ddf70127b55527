// The `outbox` table: messages owed downstream, written in the same transaction as the results that owe them
// (transactional outbox), published by the relays.

import SelfInstruct
public import Store

/// Every statement over `outbox`.
public enum OutboxTable {
    /// An unsent row, claimed for publishing.
    public struct Pending: Sendable, Hashable {
        public var id: Int64
        public var messageID: String
        public var routingKey: String
        public var body: String
    }

    /// Adds `messages` for the broker namespace `namespace`; a message id already there is left alone.
    public static func insert(_ messages: [OutgoingMessage], namespace: String, on executor: some SQLExecutor) async throws {
        guard !messages.isEmpty else { return }
        // One statement for all of them; rows of a run that was deleted meanwhile keep a NULL run id.
        let rows: [SQLQuery] = messages.map { outgoing in
            "(\(outgoing.messageID), \(outgoing.stage.queueName(namespace: namespace)), \(outgoing.message.jsonText), \(outgoing.message.runID))"
        }
        try await executor.execute("""
            INSERT INTO outbox (message_id, run_id, routing_key, body)
            SELECT v.message_id, r.id, v.routing_key, v.body
            FROM (VALUES \(fragment: SQLQuery.joined(rows, separator: ", "))) AS v(message_id, routing_key, body, run_id)
            LEFT JOIN runs r ON r.id = v.run_id::bigint
            ON CONFLICT (message_id) DO NOTHING
            """, operation: "outbox_insert")
    }

    /// The PostgreSQL channel the relays of broker namespace `namespace` listen on.
    public static func wakeupChannel(namespace: String) -> String { "si_outbox:\(namespace)" }

    /// Wakes the outbox relays of `namespace` (at commit, when called in a transaction): for rows written outside
    /// the daemons (`sictl run start`, `resume`, `dlq replay`), which their own relays would otherwise find only at
    /// their next poll.
    public static func wakeRelays(namespace: String, on executor: some SQLExecutor) async throws {
        _ = try await executor.rows(
            "SELECT pg_notify(\(wakeupChannel(namespace: namespace)), '')", operation: "outbox_wake_relays")
    }

    /// Claims up to `limit` unsent rows, oldest first, skipping rows another relay holds; call in a transaction
    /// that marks them sent after publishing.
    public static func claimUnsent(limit: Int, in transaction: Transaction) async throws -> [Pending] {
        try await transaction.rows("""
            SELECT id, message_id, routing_key, body FROM outbox WHERE sent_at IS NULL
            ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, operation: "outbox_claim").map { row throws(StoreError) in
                Pending(id: try row.decode("id"), messageID: try row.decode("message_id"),
                        routingKey: try row.decode("routing_key"), body: try row.decode("body"))
            }
    }

    /// Marks the rows sent and counts the publish.
    public static func markSent(ids: [Int64], on executor: some SQLExecutor) async throws {
        guard !ids.isEmpty else { return }
        try await executor.execute(
            "UPDATE outbox SET sent_at = now(), publish_attempts = publish_attempts + 1 WHERE id = ANY(\(SQLArray.integers(ids))::bigint[])",
            operation: "outbox_mark_sent")
    }

    /// Deletes up to `limit` rows sent more than `retentionSeconds` ago; returns how many. A sent row is only
    /// history: a message id emitted again later is recognised by its consumer's `processed_messages` row.
    public static func pruneSent(retentionSeconds: Int, limit: Int, on executor: some SQLExecutor) async throws -> Int {
        try await executor.execute("""
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox WHERE sent_at < now() - make_interval(secs => \(retentionSeconds)) LIMIT \(limit))
            """, operation: "outbox_prune")
    }

    /// Sends `messageID` again with `body`. The outbox's message_id is UNIQUE and the row that first carried the id
    /// is usually still there (sent): it is turned back into an unsent row with the new body rather than deleted
    /// and re-inserted, in one statement, so no concurrent insert of the same id can slip in between, and
    /// publish_attempts keeps counting every publish of the id.
    public static func resend(
        messageID: String, runID: Int64, routingKey: String, body: String, on executor: some SQLExecutor
    ) async throws {
        try await executor.execute("""
            INSERT INTO outbox (message_id, run_id, routing_key, body)
            VALUES (\(messageID), \(runID), \(routingKey), \(body))
            ON CONFLICT (message_id) DO UPDATE SET
                run_id = EXCLUDED.run_id, routing_key = EXCLUDED.routing_key, body = EXCLUDED.body,
                created_at = now(), sent_at = NULL, last_error = NULL
            """, operation: "outbox_replay")
    }

    /// How many of the rows with `messageIDs` are still unsent.
    public static func unsentCount(messageIDs: [String], on executor: some SQLExecutor) async throws -> Int {
        guard !messageIDs.isEmpty else { return 0 }
        return try await executor.query(
            "SELECT count(*) AS n FROM outbox WHERE message_id = ANY(\(SQLArray.text(messageIDs))::text[]) AND sent_at IS NULL",
            operation: "outbox_unsent_count"
        ).singleRow().decode("n")
    }
}
