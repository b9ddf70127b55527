// What earlier runs of a recipe spent and yielded, for cost estimates: reads over `llm_calls`,
// `generation_requests`, `instructions` and `classifications` of runs that finished or are under way.

public import SelfInstruct
public import Store

/// Reads the teacher usage and admission yields of earlier runs of a recipe.
public enum RecipeObservations {
    /// Runs that tell something about a recipe's yields: completed, or under way (running, paused, draining).
    static let observedStatuses: [RunStatus] = [.completed, .running, .paused, .draining]

    /// The yields of the recipe's runs other than `excluding`, counting only calls to `model` when one is named;
    /// runs without a call (to that model) are left out. `runIDs` is empty when there are none.
    public static func read(
        recipe: Recipe, model: String?, excluding: Int64?, on executor: some SQLExecutor
    ) async throws -> ObservedYields {
        let statuses = SQLArray.text(observedStatuses.map(\.rawValue))
        let runIDs: [Int64] = try await executor.rows("""
            SELECT r.id FROM runs r
            WHERE r.recipe = \(recipe.rawValue) AND r.id IS DISTINCT FROM \(excluding)
              AND r.status = ANY(\(statuses)::text[])
              AND EXISTS (SELECT 1 FROM llm_calls c WHERE c.run_id = r.id AND (\(model)::text IS NULL OR c.model = \(model)))
            ORDER BY r.id
            """, operation: "observed_runs").map { row throws(StoreError) in try row.decode("id") }
        guard !runIDs.isEmpty else { return ObservedYields(runIDs: [], stages: [], pool: []) }
        let ids = SQLArray.integers(runIDs)

        let items = try await executor.rows("""
            SELECT (SELECT count(*) FROM generation_requests g WHERE g.run_id = ANY(\(ids)::bigint[]) AND g.status = 'done') AS generate,
                   (SELECT count(*) FROM classifications k WHERE k.run_id = ANY(\(ids)::bigint[])) AS classify,
                   (SELECT count(*) FROM instructions n WHERE n.run_id = ANY(\(ids)::bigint[]) AND n.instance_outcome IS NOT NULL) AS instances
            """, operation: "observed_items").first
        var stages: [ObservedYields.StageUsage] = []
        for row in try await executor.rows("""
            SELECT stage, count(*) AS calls, coalesce(sum(prompt_tokens), 0)::bigint AS prompt_tokens,
                   coalesce(sum(completion_tokens), 0)::bigint AS completion_tokens
            FROM llm_calls
            WHERE run_id = ANY(\(ids)::bigint[]) AND (\(model)::text IS NULL OR model = \(model))
            GROUP BY stage ORDER BY stage
            """, operation: "observed_usage")
        {
            // A stage this version does not know (a newer daemon's) has no place in the estimate.
            guard let stage = PipelineStage(rawValue: try row.decode("stage", as: String.self)), stage.callsTeacher else { continue }
            let done: Int64 = try items?.decode(stage.rawValue) ?? 0
            stages.append(ObservedYields.StageUsage(
                stage: stage, calls: try row.decode("calls"), promptTokens: try row.decode("prompt_tokens"),
                completionTokens: try row.decode("completion_tokens"), items: Int(done)))
        }

        // Requests decided before their run had its target (the surplus after it is not a yield of the pool), by
        // the pool size when their first candidate was decided: novelty is judged against the pool at decision,
        // and at the start every token samples an empty pool while the decisions fill it.
        let pool = try await executor.rows("""
            WITH decided AS (
                SELECT n.request_id, n.status, n.reject_reason,
                       count(*) FILTER (WHERE n.status = 'admitted')
                           OVER (PARTITION BY n.run_id ORDER BY n.decided_at NULLS LAST, n.id)
                       - CASE WHEN n.status = 'admitted' THEN 1 ELSE 0 END AS pool_before
                FROM instructions n WHERE n.run_id = ANY(\(ids)::bigint[])
            ), requests AS (
                SELECT coalesce(min(d.pool_before), g.pool_size) AS pool_size, count(d.request_id) AS candidates,
                       count(*) FILTER (WHERE d.status = 'admitted') AS admitted,
                       count(*) FILTER (WHERE d.status = 'candidate' OR d.reject_reason = \(AdmissionRejection.targetReached.code)) AS open
                FROM generation_requests g LEFT JOIN decided d ON d.request_id = g.id
                WHERE g.run_id = ANY(\(ids)::bigint[]) AND g.status = 'done'
                GROUP BY g.id, g.pool_size
            )
            SELECT pool_size, count(*) AS requests, coalesce(sum(candidates), 0)::bigint AS candidates,
                   coalesce(sum(admitted), 0)::bigint AS admitted
            FROM requests WHERE open = 0 AND pool_size IS NOT NULL
            GROUP BY pool_size ORDER BY pool_size
            """, operation: "observed_pool").map { row throws(StoreError) in
                ObservedYields.PoolBucket(
                    poolSize: try row.decode("pool_size"), requests: try row.decode("requests"),
                    candidates: try row.decode("candidates"), admitted: try row.decode("admitted"))
            }
        return ObservedYields(runIDs: runIDs, stages: stages, pool: pool)
    }
}
