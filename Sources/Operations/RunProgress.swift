public import Store

/// One run's progress as `sictl status` shows it: the `si_run_progress` row, rates, teacher usage and the top
/// rejection reasons.
public struct RunProgressReport: Sendable, Hashable, Codable {
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

    public struct Rejection: Sendable, Hashable, Codable {
        public var stage: String
        public var reason: String
        public var count: Int
        public var example: String?
    }

    public var runID: Int64
    public var name: String
    public var recipe: String
    public var status: String
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
    /// Estimated seconds to the target (running runs only).
    public var etaSeconds: Double?
    /// Seconds since `started_at` (to `finished_at` when finished).
    public var elapsedSeconds: Double?
    /// Admissions per second since the start.
    public var admittedPerSecond: Double?
    /// Messages handled per stage in the last minute.
    public var stageItemsLastMinute: [String: Int]
    public var usage: [Usage]
    public var topRejections: [Rejection]
    public var unresolvedDeadLetters: Int

    public var promptTokens: Int { usage.reduce(0) { $0 + $1.promptTokens } }
    public var completionTokens: Int { usage.reduce(0) { $0 + $1.completionTokens } }
    public var costUSD: Double { usage.reduce(0) { $0 + $1.costUSD } }
}

/// Reads progress reports from the monitoring views.
public struct RunProgress: Sendable {
    public let database: Database
    public static let rejectionLimit = 5

    public init(database: Database) {
        self.database = database
    }

    /// Reports for one run, or for every run that is not finished (all runs when none is active).
    public func reports(runID: Int64?) async throws -> [RunProgressReport] {
        let selection: SQLQuery = runID.map { "WHERE run_id = \($0)" }
            ?? "WHERE status NOT IN ('completed', 'cancelled', 'failed') OR NOT EXISTS (SELECT 1 FROM runs WHERE status NOT IN ('completed', 'cancelled', 'failed'))"
        let rows = try await database.query("""
            SELECT run_id, name, recipe, status, target, candidates, admitted, rejected, classified, instance_tasks_done,
                   instances_valid, instances_rejected, records_sharded, pct_complete::float8 AS pct_complete,
                   extract(epoch FROM eta)::float8 AS eta_seconds,
                   extract(epoch FROM (coalesce(finished_at, now()) - started_at))::float8 AS elapsed_seconds
            FROM si_run_progress \(fragment: selection) ORDER BY run_id
            """).decodableRows
        var reports: [RunProgressReport] = []
        for row in rows {
            let id = try row.decode("run_id", as: Int64.self)
            let admitted = try row.decode("admitted", as: Int.self)
            let elapsed = try row.decode("elapsed_seconds", as: Double?.self)
            var report = RunProgressReport(
                runID: id, name: try row.decode("name"), recipe: try row.decode("recipe"), status: try row.decode("status"),
                target: try row.decode("target"), candidates: try row.decode("candidates"), admitted: admitted,
                rejected: try row.decode("rejected"), classified: try row.decode("classified"),
                instanceTasksDone: try row.decode("instance_tasks_done"), instancesValid: try row.decode("instances_valid"),
                instancesRejected: try row.decode("instances_rejected"), recordsSharded: try row.decode("records_sharded"),
                pctComplete: try row.decode("pct_complete"), etaSeconds: try row.decode("eta_seconds"),
                elapsedSeconds: elapsed,
                admittedPerSecond: elapsed.flatMap { $0 > 0 ? Double(admitted) / $0 : nil },
                stageItemsLastMinute: [:], usage: [], topRejections: [], unresolvedDeadLetters: 0)
            for stage in try await database.query("""
                SELECT stage, count(*) AS items FROM processed_messages
                WHERE run_id = \(id) AND processed_at > now() - interval '1 minute' GROUP BY stage
                """).decodableRows {
                report.stageItemsLastMinute[try stage.decode("stage")] = try stage.decode("items", as: Int.self)
            }
            report.usage = try await database.query("""
                SELECT stage, model, calls, failures, prompt_tokens, completion_tokens, cost_usd::float8 AS cost_usd,
                       p50_ms, p95_ms
                FROM si_llm_usage WHERE run_id = \(id) ORDER BY stage, model
                """).decodableRows.map {
                    .init(stage: try $0.decode("stage"), model: try $0.decode("model"), calls: try $0.decode("calls"),
                          failures: try $0.decode("failures"), promptTokens: try $0.decode("prompt_tokens"),
                          completionTokens: try $0.decode("completion_tokens"), costUSD: try $0.decode("cost_usd"),
                          p50MS: try $0.decode("p50_ms"), p95MS: try $0.decode("p95_ms"))
                }
            report.topRejections = try await database.query("""
                SELECT stage, reason, count, example FROM si_rejections WHERE run_id = \(id)
                ORDER BY count DESC, stage, reason LIMIT \(Self.rejectionLimit)
                """).decodableRows.map {
                    .init(stage: try $0.decode("stage"), reason: try $0.decode("reason"), count: try $0.decode("count"),
                          example: try $0.decode("example"))
                }
            report.unresolvedDeadLetters = try await database.query(
                "SELECT count(*) AS n FROM dead_letters WHERE run_id = \(id) AND replayed_at IS NULL"
            ).singleRow().decode("n")
            reports.append(report)
        }
        return reports
    }
}
