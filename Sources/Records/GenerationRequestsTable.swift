// The `generation_requests` table: one issue of a circulating generation token; (run, token, round) makes
// re-issuing idempotent.

public import Store

/// Every statement over `generation_requests`.
public enum GenerationRequestsTable {
    /// Where a request stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Issued, not generated yet (in flight, or dead-lettered).
        case pending
        /// Generated: its candidates are stored.
        case done
        case failed
        /// Retired with its run.
        case cancelled
    }

    /// One request row.
    public struct Request: Sendable, Hashable {
        public var id: Int64
        public var runID: Int64
        public var token: Int
        public var round: Int
        public var status: Status
    }

    /// Request `id`, optionally only if it belongs to `runID`.
    public static func find(id: Int64, runID: Int64? = nil, on executor: some SQLExecutor) async throws -> Request? {
        let rows = try await executor.rows("""
            SELECT id, run_id, token, round, status FROM generation_requests
            WHERE id = \(id) AND (\(runID)::bigint IS NULL OR run_id = \(runID)::bigint)
            """, operation: "generation_request")
        return try rows.first.map(request)
    }

    /// The token's request with the highest round, if any.
    public static func latest(runID: Int64, token: Int, on executor: some SQLExecutor) async throws -> Request? {
        let rows = try await executor.rows("""
            SELECT id, run_id, token, round, status FROM generation_requests WHERE run_id = \(runID) AND token = \(Int32(token))
            ORDER BY round DESC LIMIT 1
            """, operation: "latest_request")
        return try rows.first.map(request)
    }

    /// The id of the request row for (run, token, round), created if absent.
    public static func idCreatingIfAbsent(
        runID: Int64, token: Int, round: Int, on executor: some SQLExecutor
    ) async throws -> Int64 {
        let inserted = try await executor.rows("""
            INSERT INTO generation_requests (run_id, token, round) VALUES (\(runID), \(Int32(token)), \(Int32(round)))
            ON CONFLICT (run_id, token, round) DO NOTHING RETURNING id
            """, operation: "generation_request_insert")
        if let row = inserted.first { return try row.decode("id", as: Int64.self) }
        return try await executor.query("""
            SELECT id FROM generation_requests WHERE run_id = \(runID) AND token = \(Int32(token)) AND round = \(Int32(round))
            """, operation: "generation_request_lookup").singleRow().decode("id", as: Int64.self)
    }

    /// Retires the request with its run.
    public static func cancel(id: Int64, on executor: some SQLExecutor) async throws {
        try await executor.execute(
            "UPDATE generation_requests SET status = \(Status.cancelled), finished_at = now() WHERE id = \(id)",
            operation: "generation_request_cancel")
    }

    /// Marks the request generated: `poolSize` admissions were visible to its prompts, `candidates` came back.
    public static func markDone(id: Int64, poolSize: Int, candidates: Int, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE generation_requests SET status = \(Status.done), pool_size = \(Int32(poolSize)),
                candidates = \(Int32(candidates)), finished_at = now()
            WHERE id = \(id)
            """, operation: "generation_request_done")
    }

    /// Marks the request failed because the teacher refused it; the token goes on (the filter sees no candidates).
    public static func markRefused(id: Int64, kind: String, reason: String, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE generation_requests SET status = \(Status.failed), candidates = 0, error_kind = \(kind),
                   failure_reason = \(reason), finished_at = now()
            WHERE id = \(id) AND status = \(Status.pending)
            """, operation: "generation_request_refused")
    }

    /// How many of the run's requests the teacher refused since its last generated one (all of them when none was
    /// generated): a run whose teacher refuses every generation prompt makes nothing but new requests.
    public static func refusalsSinceLastDone(runID: Int64, on executor: some SQLExecutor) async throws -> Int {
        try await executor.query("""
            SELECT count(*) AS refused FROM generation_requests
            WHERE run_id = \(runID) AND status = 'failed' AND failure_reason IS NOT NULL
              AND id > coalesce((SELECT max(id) FROM generation_requests WHERE run_id = \(runID) AND status = 'done'), 0)
            """, operation: "generation_refusals").singleRow().decode("refused")
    }

    private static func request(_ row: Row) throws(StoreError) -> Request {
        Request(id: try row.decode("id"), runID: try row.decode("run_id"), token: try row.decode("token"),
                round: try row.decode("round"), status: try row.decode("status", as: Status.self))
    }
}
