// The `dead_letters` table: messages that kept failing, with their reason; never stored as data.

public import SelfInstruct
public import Store

/// Every statement over `dead_letters`.
public enum DeadLettersTable {
    /// One letter as an operator sees it.
    public struct Letter: Sendable, Hashable, Codable {
        public var id: Int64
        public var runID: Int64?
        public var runName: String?
        public var stage: String
        public var messageID: String
        public var routingKey: String?
        public var attempts: Int
        public var errorKind: String?
        public var lastError: String
        /// ISO 8601, UTC.
        public var deadAt: String
        /// ISO 8601, UTC; nil while the letter waits for a replay.
        public var replayedAt: String?
    }

    /// A letter locked for a replay, with its run's status (nil when the run is gone).
    public struct Locked: Sendable, Hashable {
        public var runID: Int64?
        public var stage: String
        public var messageID: String
        public var routingKey: String?
        public var body: String?
        public var replayed: Bool
        public var runStatus: RunStatus?
    }

    /// Which letters a listing or replay looks at.
    public struct Filter: Sendable, Hashable {
        public var runID: Int64?
        public var stage: String?
        /// Only these ids (empty: no restriction).
        public var ids: [Int64]
        /// Also letters already replayed.
        public var includeReplayed: Bool

        public init(runID: Int64?, stage: String?, ids: [Int64], includeReplayed: Bool) {
            self.runID = runID
            self.stage = stage
            self.ids = ids
            self.includeReplayed = includeReplayed
        }

        var condition: SQLQuery {
            """
            (\(runID)::bigint IS NULL OR d.run_id = \(runID)::bigint)
            AND (\(stage)::text IS NULL OR d.stage = \(stage)::text)
            AND (\(ids.isEmpty) OR d.id = ANY(\(SQLArray.integers(ids))::bigint[]))
            AND (\(includeReplayed) OR d.replayed_at IS NULL)
            """
        }
    }

    /// Records a message given up on, or adds to the letter of the same stage and message id (a replayed message
    /// that died again waits for a replay once more).
    public static func record(
        runID: Int64?, stage: PipelineStage, messageID: String, routingKey: String, body: [UInt8], attempts: Int,
        lastError: String, errorKind: String, on executor: some SQLExecutor
    ) async throws {
        // Whatever the body holds, the row can be written (a NUL or invalid UTF-8 goes in as base64).
        let stored = DeadLetterBody.stored(body)
        try await executor.execute("""
            INSERT INTO dead_letters (run_id, stage, message_id, routing_key, body, body_encoding, body_truncated, attempts,
                                      last_error, error_kind)
            VALUES ((SELECT id FROM runs WHERE id = \(runID)), \(stage), \(DeadLetterBody.storableText(messageID)),
                    \(DeadLetterBody.storableText(routingKey)), \(stored.text), \(stored.encoding), \(stored.truncated), \(attempts),
                    \(DeadLetterBody.storableText(lastError)), \(errorKind))
            ON CONFLICT (stage, message_id) DO UPDATE SET
                attempts = dead_letters.attempts + EXCLUDED.attempts, last_error = EXCLUDED.last_error,
                error_kind = EXCLUDED.error_kind, body = EXCLUDED.body, body_encoding = EXCLUDED.body_encoding,
                body_truncated = EXCLUDED.body_truncated, dead_at = now(), replayed_at = NULL
            """, operation: "dead_letter")
    }

    /// Letters matching `filter`, newest first, at most `limit`, and how many matched in all.
    public static func list(_ filter: Filter, limit: Int, on executor: some SQLExecutor) async throws
        -> (total: Int, letters: [Letter])
    {
        let rows = try await executor.rows("""
            SELECT d.id, d.run_id, r.name AS run_name, d.stage, d.message_id, d.routing_key, d.attempts, d.error_kind,
                   d.last_error, \(unsafeRaw: iso("d.dead_at")) AS dead_at,
                   \(unsafeRaw: iso("d.replayed_at")) AS replayed_at, count(*) OVER () AS total
            FROM dead_letters d LEFT JOIN runs r ON r.id = d.run_id
            WHERE \(fragment: filter.condition)
            ORDER BY d.dead_at DESC, d.id DESC LIMIT \(max(limit, 0))
            """, operation: "dead_letters_list")
        var total = try rows.first?.decode("total", as: Int.self) ?? 0
        if rows.isEmpty && limit <= 0 {
            total = try await executor.query(
                "SELECT count(*) AS n FROM dead_letters d WHERE \(fragment: filter.condition)", operation: "dead_letters_count"
            ).singleRow().decode("n")
        }
        let letters = try rows.map { row throws(StoreError) in
            Letter(
                id: try row.decode("id"), runID: try row.decode("run_id"), runName: try row.decode("run_name"),
                stage: try row.decode("stage"), messageID: try row.decode("message_id"),
                routingKey: try row.decode("routing_key"), attempts: try row.decode("attempts"),
                errorKind: try row.decode("error_kind"), lastError: try row.decode("last_error"),
                deadAt: try row.decode("dead_at"), replayedAt: try row.decode("replayed_at"))
        }
        return (total, letters)
    }

    /// Ids of the letters matching `filter` (replayed ones included when the filter says so), each with whether it
    /// was replayed, in id order.
    public static func matching(_ filter: Filter, on executor: some SQLExecutor) async throws
        -> [(id: Int64, replayed: Bool, stage: String, messageID: String)]
    {
        try await executor.rows("""
            SELECT d.id, d.replayed_at IS NOT NULL AS replayed, d.stage, d.message_id FROM dead_letters d
            WHERE \(fragment: filter.condition) ORDER BY d.id
            """, operation: "dead_letters_select").map { row throws(StoreError) in
                (id: try row.decode("id"), replayed: try row.decode("replayed"), stage: try row.decode("stage"),
                 messageID: try row.decode("message_id"))
            }
    }

    /// Locks letter `id` for a replay (a concurrent replay of the same letter waits, then finds it replayed).
    public static func lock(id: Int64, in transaction: Transaction) async throws -> Locked? {
        let rows = try await transaction.rows("""
            SELECT d.run_id, d.stage, d.message_id, d.routing_key, d.body, d.replayed_at IS NOT NULL AS replayed,
                   r.status AS run_status
            FROM dead_letters d LEFT JOIN runs r ON r.id = d.run_id
            WHERE d.id = \(id) FOR UPDATE OF d
            """, operation: "dead_letter_lock")
        return try rows.first.map { row throws(StoreError) in
            Locked(runID: try row.decode("run_id"), stage: try row.decode("stage"), messageID: try row.decode("message_id"),
                   routingKey: try row.decode("routing_key"), body: try row.decode("body"),
                   replayed: try row.decode("replayed"), runStatus: try row.decode("run_status", as: RunStatus?.self))
        }
    }

    /// Marks letter `id` replayed.
    public static func markReplayed(id: Int64, on executor: some SQLExecutor) async throws {
        try await executor.execute("UPDATE dead_letters SET replayed_at = now() WHERE id = \(id)", operation: "dead_letter_replayed")
    }

    /// The run's letters not yet replayed.
    public static func unreplayedCount(runID: Int64, on executor: some SQLExecutor) async throws -> Int {
        try await executor.query(
            "SELECT count(*) AS n FROM dead_letters WHERE run_id = \(runID) AND replayed_at IS NULL",
            operation: "dead_letters_unreplayed").singleRow().decode("n")
    }

    /// The run's letters in all (replayed or not).
    public static func count(runID: Int64, on executor: some SQLExecutor) async throws -> Int {
        try await executor.query("SELECT count(*) AS n FROM dead_letters WHERE run_id = \(runID)", operation: "dead_letters_count")
            .singleRow().decode("n")
    }

    /// Up to `limit` of the run's unreplayed letters (oldest first) and how many there are.
    public static func unreplayed(runID: Int64, limit: Int, on executor: some SQLExecutor) async throws
        -> (total: Int, letters: [(stage: String, messageID: String, lastError: String)])
    {
        let rows = try await executor.rows("""
            SELECT id, stage, message_id, last_error, count(*) OVER () AS total FROM dead_letters
            WHERE run_id = \(runID) AND replayed_at IS NULL ORDER BY id LIMIT \(limit)
            """, operation: "dead_letters_unreplayed")
        let letters = try rows.map { row throws(StoreError) in
            (stage: try row.decode("stage", as: String.self), messageID: try row.decode("message_id", as: String.self),
             lastError: try row.decode("last_error", as: String.self))
        }
        return (try rows.first?.decode("total", as: Int.self) ?? 0, letters)
    }

    /// `column` as ISO 8601 text in UTC (NULL stays NULL).
    static func iso(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }
}
