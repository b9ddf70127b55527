// Reads of the public monitoring views (`si_run_progress`, `si_llm_usage`, `si_rejections`), defined by the
// migrations; their names and columns are an interface.

import SelfInstruct
public import Store

/// Every statement over the monitoring views.
public enum MonitoringViews {
    /// One `si_run_progress` row, with the run's elapsed time.
    public struct Progress: Sendable, Hashable {
        public var runID: Int64
        public var name: String
        public var recipe: String
        public var status: String
        /// Why a paused run is paused (`PauseReason`'s raw value); nil in every other status.
        public var pauseReason: String?
        public var target: Int
        public var candidates: Int
        public var admitted: Int
        public var rejected: Int
        public var classified: Int
        public var instanceTasksDone: Int
        public var instancesValid: Int
        public var instancesRejected: Int
        public var recordsSharded: Int
        public var pctComplete: Double
        public var etaSeconds: Double?
        /// Seconds since `started_at` (to `finished_at` when finished).
        public var elapsedSeconds: Double?
    }

    /// One `si_llm_usage` row of a run.
    public struct Usage: Sendable, Hashable, Codable {
        public var stage: String
        public var model: String
        public var calls: Int
        public var failures: Int
        public var promptTokens: Int
        public var completionTokens: Int
        public var costUSD: Double
        public var p50MS: Double?
        public var p95MS: Double?
    }

    /// One `si_rejections` row of a run.
    public struct Rejection: Sendable, Hashable, Codable {
        public var stage: String
        public var reason: String
        public var count: Int
        public var example: String?
    }

    /// Progress of one run, or of every run that is not finished (all runs when none is active), by run id.
    public static func progress(runID: Int64?, on executor: some SQLExecutor) async throws -> [Progress] {
        let finished = SQLArray.text(RunStatus.allCases.filter(\.isFinished).map(\.rawValue))
        let selection: SQLQuery = runID.map { "WHERE run_id = \($0)" } ?? """
            WHERE status <> ALL(\(finished)::text[])
               OR NOT EXISTS (SELECT 1 FROM runs WHERE status <> ALL(\(finished)::text[]))
            """
        return try await executor.rows("""
            SELECT run_id, name, recipe, status, pause_reason, target, candidates, admitted, rejected, classified, instance_tasks_done,
                   instances_valid, instances_rejected, records_sharded, pct_complete::float8 AS pct_complete,
                   extract(epoch FROM eta)::float8 AS eta_seconds,
                   extract(epoch FROM (coalesce(finished_at, now()) - started_at))::float8 AS elapsed_seconds
            FROM si_run_progress \(fragment: selection) ORDER BY run_id
            """, operation: "run_progress").map { row throws(StoreError) in
                Progress(
                    runID: try row.decode("run_id"), name: try row.decode("name"), recipe: try row.decode("recipe"),
                    status: try row.decode("status"), pauseReason: try row.decode("pause_reason"), target: try row.decode("target"),
                    candidates: try row.decode("candidates"), admitted: try row.decode("admitted"),
                    rejected: try row.decode("rejected"), classified: try row.decode("classified"),
                    instanceTasksDone: try row.decode("instance_tasks_done"),
                    instancesValid: try row.decode("instances_valid"), instancesRejected: try row.decode("instances_rejected"),
                    recordsSharded: try row.decode("records_sharded"), pctComplete: try row.decode("pct_complete"),
                    etaSeconds: try row.decode("eta_seconds"), elapsedSeconds: try row.decode("elapsed_seconds"))
            }
    }

    /// The run's teacher usage per stage and model.
    public static func usage(runID: Int64, on executor: some SQLExecutor) async throws -> [Usage] {
        try await executor.rows("""
            SELECT stage, model, calls, failures, prompt_tokens, completion_tokens, cost_usd::float8 AS cost_usd,
                   p50_ms, p95_ms
            FROM si_llm_usage WHERE run_id = \(runID) ORDER BY stage, model
            """, operation: "llm_usage").map { row throws(StoreError) in
                Usage(stage: try row.decode("stage"), model: try row.decode("model"), calls: try row.decode("calls"),
                      failures: try row.decode("failures"), promptTokens: try row.decode("prompt_tokens"),
                      completionTokens: try row.decode("completion_tokens"), costUSD: try row.decode("cost_usd"),
                      p50MS: try row.decode("p50_ms"), p95MS: try row.decode("p95_ms"))
            }
    }

    /// The run's most frequent rejection reasons, at most `limit`.
    public static func topRejections(runID: Int64, limit: Int, on executor: some SQLExecutor) async throws -> [Rejection] {
        try await executor.rows("""
            SELECT stage, reason, count, example FROM si_rejections WHERE run_id = \(runID)
            ORDER BY count DESC, stage, reason LIMIT \(limit)
            """, operation: "top_rejections").map { row throws(StoreError) in
                Rejection(stage: try row.decode("stage"), reason: try row.decode("reason"), count: try row.decode("count"),
                          example: try row.decode("example"))
            }
    }
}
