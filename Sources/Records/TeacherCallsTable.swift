// The `llm_calls` table: every teacher call, successful or not (invariant 5), and the response cache key.

public import Store

/// Every statement over `llm_calls`.
public enum TeacherCallsTable {
    /// One call attempt as the teacher client reports it, attributed to a run and entity.
    public struct NewCall: Sendable, Hashable {
        public var runID: Int64
        public var entityID: Int64?
        public var stage: String
        public var model: String
        public var promptTokens: Int
        public var completionTokens: Int
        public var latencyMS: Double
        public var httpStatus: Int?
        public var attempt: Int
        public var costUSD: Double
        public var requestHash: String
        public var cached: Bool
        /// Nil for a successful call.
        public var errorKind: String?
        /// How the token counts were obtained (`usage`, `per_choice`, `tokenize`, `single_prompt`, `estimated`); nil
        /// for a failed call.
        public var tokenCountMethod: String?
        /// The batch that answered the call (`teacher_batches.id`), nil for an online call.
        public var batchID: Int64?

        public init(runID: Int64, entityID: Int64?, stage: String, model: String, promptTokens: Int, completionTokens: Int,
                    latencyMS: Double, httpStatus: Int?, attempt: Int, costUSD: Double, requestHash: String, cached: Bool,
                    errorKind: String?, tokenCountMethod: String? = nil, batchID: Int64? = nil) {
            self.batchID = batchID
            self.runID = runID
            self.entityID = entityID
            self.stage = stage
            self.model = model
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.latencyMS = latencyMS
            self.httpStatus = httpStatus
            self.attempt = attempt
            self.costUSD = costUSD
            self.requestHash = requestHash
            self.cached = cached
            self.errorKind = errorKind
            self.tokenCountMethod = tokenCountMethod
        }
    }

    /// A stage and model whose `si_llm_usage` row disagrees with the sums of `llm_calls` (texts as stored).
    public struct UsageMismatch: Sendable {
        public var stage: String
        public var model: String
        /// Name → (from llm_calls, from the view), "none" for a missing side: calls, prompt, completion, cost.
        public var pairs: [(name: String, calls: String, view: String)]
    }

    /// The run's calls of one minute.
    public struct Minute: Sendable, Hashable {
        /// ISO 8601 in UTC, e.g. `2026-12-07T14:05:00Z`.
        public var minute: String
        public var calls: Int
        public var failures: Int
        public var promptTokens: Int
        public var completionTokens: Int
        public var costUSD: Double
    }

    /// The run's calls per minute, oldest first, without gaps filled in.
    public static func perMinute(runID: Int64, on executor: some SQLExecutor) async throws -> [Minute] {
        try await executor.rows("""
            SELECT to_char(date_trunc('minute', created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:00"Z"') AS minute,
                   count(*) AS calls, count(*) FILTER (WHERE error_kind IS NOT NULL) AS failures,
                   sum(prompt_tokens)::bigint AS prompt_tokens, sum(completion_tokens)::bigint AS completion_tokens,
                   sum(cost_usd)::float8 AS cost_usd
            FROM llm_calls WHERE run_id = \(runID) GROUP BY 1 ORDER BY 1
            """, operation: "calls_per_minute").map { row throws(StoreError) in
                Minute(minute: try row.decode("minute"), calls: try row.decode("calls"), failures: try row.decode("failures"),
                       promptTokens: try row.decode("prompt_tokens"), completionTokens: try row.decode("completion_tokens"),
                       costUSD: try row.decode("cost_usd"))
            }
    }

    /// Records one call.
    public static func insert(_ call: NewCall, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            INSERT INTO llm_calls (run_id, stage, model, entity_id, prompt_tokens, completion_tokens, latency_ms,
                                   http_status, attempt, cost_usd, request_hash, cached, error_kind, token_count_method, batch_id)
            VALUES (\(call.runID), \(call.stage), \(call.model), \(call.entityID), \(call.promptTokens),
                    \(call.completionTokens), \(call.latencyMS), \(call.httpStatus), \(max(call.attempt, 1)),
                    \(call.costUSD), \(call.requestHash), \(call.cached), \(call.errorKind), \(call.tokenCountMethod),
                    \(call.batchID))
            """, operation: "llm_call_insert")
    }

    /// Compares `si_llm_usage` with the sums of the run's calls per stage and model; returns how many stage/model
    /// pairs there are and those that differ.
    public static func usageMismatches(runID: Int64, on executor: some SQLExecutor) async throws
        -> (pairs: Int, mismatches: [UsageMismatch])
    {
        let rows = try await executor.rows("""
            WITH calls AS (
                SELECT stage, model, count(*) AS calls, sum(prompt_tokens)::bigint AS prompt_tokens,
                       sum(completion_tokens)::bigint AS completion_tokens, sum(cost_usd) AS cost_usd
                FROM llm_calls WHERE run_id = \(runID) GROUP BY stage, model
            ), usage AS (
                SELECT stage, model, calls, prompt_tokens, completion_tokens, cost_usd FROM si_llm_usage WHERE run_id = \(runID)
            )
            SELECT coalesce(c.stage, u.stage) AS stage, coalesce(c.model, u.model) AS model,
                   c.calls AS c_calls, u.calls AS u_calls, c.prompt_tokens AS c_prompt, u.prompt_tokens AS u_prompt,
                   c.completion_tokens AS c_completion, u.completion_tokens AS u_completion,
                   c.cost_usd::text AS c_cost, u.cost_usd::text AS u_cost,
                   (c.calls IS NOT DISTINCT FROM u.calls AND c.prompt_tokens IS NOT DISTINCT FROM u.prompt_tokens
                    AND c.completion_tokens IS NOT DISTINCT FROM u.completion_tokens
                    AND c.cost_usd IS NOT DISTINCT FROM u.cost_usd) AS equal
            FROM calls c FULL JOIN usage u ON c.stage = u.stage AND c.model = u.model
            ORDER BY 1, 2
            """, operation: "audit_llm_usage")
        var mismatches: [UsageMismatch] = []
        for row in rows where try !row.decode("equal", as: Bool.self) {
            let pairs = try ["calls", "prompt", "completion", "cost"].map { name throws(StoreError) in
                (name: name, calls: try row.decode("c_" + name, as: String?.self) ?? "none",
                 view: try row.decode("u_" + name, as: String?.self) ?? "none")
            }
            mismatches.append(UsageMismatch(stage: try row.decode("stage"), model: try row.decode("model"), pairs: pairs))
        }
        return (rows.count, mismatches)
    }
}
