// The `runs` table: one generation run, its fixed settings and its status.

public import SelfInstruct
public import Store

/// Every statement over `runs`.
public enum RunsTable {
    /// What identifies a run to an operator, with its current status.
    public struct Summary: Sendable, Hashable {
        public var id: Int64
        public var name: String
        public var recipe: Recipe
        public var status: RunStatus
        public var target: Int
        public var threshold: Double
        /// Circulating generation tokens.
        public var concurrency: Int
    }

    /// The unique constraint a second run of the same name violates.
    public static let nameConstraint = "runs_name_key"

    /// Inserts the run's row (not its seeds: `SeedTasksTable.insert`) in status `created` and returns its id; a
    /// taken name fails with a unique violation on `nameConstraint`.
    public static func insert(_ run: RunDefinition, on executor: some SQLExecutor) async throws -> Int64 {
        try await executor.query("""
            INSERT INTO runs (name, recipe, target, seed, threshold, concurrency, teacher_model, config,
                              price_prompt_per_m, price_completion_per_m)
            VALUES (\(run.name), \(run.recipe.rawValue), \(Int32(clamping: run.target)), \(Int64(bitPattern: run.seed)),
                    \(run.threshold), \(Int32(clamping: run.concurrency)), \(run.teacherModel), \(run.configJSON)::jsonb,
                    \(run.prices?.promptPerMillion), \(run.prices?.completionPerMillion))
            RETURNING id
            """, operation: "create_run").singleRow().decode("id", as: Int64.self)
    }

    /// Inserts the row of an imported data set (`sictl import`): already `completed`, its target the admitted
    /// count, its provenance in `config`; a taken name fails with a unique violation on `nameConstraint`.
    public static func insertImported(
        name: String, recipe: Recipe, target: Int, threshold: Double, configJSON: String, on executor: some SQLExecutor
    ) async throws -> Int64 {
        try await executor.query("""
            INSERT INTO runs (name, recipe, status, target, seed, threshold, config, status_reason, started_at, finished_at)
            VALUES (\(name), \(recipe.rawValue), \(RunStatus.completed), \(Int32(clamping: target)), 0, \(threshold),
                    \(configJSON)::jsonb, 'sictl import', now(), now())
            RETURNING id
            """, operation: "import_run").singleRow().decode("id", as: Int64.self)
    }

    /// The run's `config` object as text; nil when the run does not exist.
    public static func configJSON(id: Int64, on executor: some SQLExecutor) async throws -> String? {
        try await executor.rows("SELECT config::text AS config FROM runs WHERE id = \(id)", operation: "run_config")
            .first?.decode("config", as: String.self)
    }

    /// The run named exactly `name` (never an id), with its `config` object as text.
    public static func named(_ name: String, on executor: some SQLExecutor) async throws -> (id: Int64, configJSON: String)? {
        try await executor.rows("SELECT id, config::text AS config FROM runs WHERE name = \(name)", operation: "run_by_name")
            .first.map { row throws(StoreError) in (id: try row.decode("id"), configJSON: try row.decode("config")) }
    }

    /// The id of the run `reference` names: a decimal id (or, failing that, a name that looks like one), else a name.
    public static func id(named reference: String, on executor: some SQLExecutor) async throws -> Int64? {
        let rows: [Row]
        if let id = Int64(reference) {
            rows = try await executor.rows(
                "SELECT id FROM runs WHERE id = \(id) OR name = \(reference) ORDER BY id = \(id) DESC LIMIT 1",
                operation: "resolve_run")
        } else {
            rows = try await executor.rows("SELECT id FROM runs WHERE name = \(reference)", operation: "resolve_run")
        }
        return try rows.first?.decode("id", as: Int64.self)
    }

    /// The run's summary; nil when it does not exist. `forUpdate` locks the row until the transaction ends.
    public static func summary(id: Int64, forUpdate: Bool = false, on executor: some SQLExecutor) async throws -> Summary? {
        let lock: SQLQuery = forUpdate ? " FOR UPDATE" : ""
        let rows = try await executor.rows("""
            SELECT id, name, recipe, status, target, threshold, concurrency FROM runs WHERE id = \(id)\(fragment: lock)
            """, operation: "run_summary")
        return try rows.first.map { row throws(StoreError) in
            Summary(id: try row.decode("id"), name: try row.decode("name"), recipe: try row.decode("recipe", as: Recipe.self),
                    status: try row.decode("status", as: RunStatus.self), target: try row.decode("target"),
                    threshold: try row.decode("threshold"), concurrency: try row.decode("concurrency"))
        }
    }

    /// The run's current status, read fresh; nil when it does not exist.
    public static func status(id: Int64, on executor: some SQLExecutor) async throws -> RunStatus? {
        try await executor.rows("SELECT status FROM runs WHERE id = \(id)", operation: "run_status")
            .first?.decode("status", as: RunStatus.self)
    }

    /// The run's status and, when paused, why; nil when it does not exist. `share` locks the row against status
    /// changes until the transaction ends.
    public static func state(id: Int64, share: Bool = false, on executor: some SQLExecutor) async throws -> RunState? {
        let lock: SQLQuery = share ? " FOR SHARE" : ""
        return try await executor.rows(
            "SELECT status, pause_reason FROM runs WHERE id = \(id)\(fragment: lock)", operation: "run_state"
        ).first.map { row throws(StoreError) in
            RunState(status: try row.decode("status", as: RunStatus.self),
                     pauseReason: try row.decode("pause_reason", as: PauseReason?.self))
        }
    }

    /// Pauses a running or draining run for `reason` (never an operator's pause), or gives an operator-paused run
    /// this reason (its classify and instance work, which an operator pause lets finish, must stop too); returns
    /// false when the run was in no such state (paused for a reason already, finished). `detail` says what
    /// happened, without secrets.
    @discardableResult
    public static func pauseItself(
        id: Int64, reason: PauseReason, detail: String, on executor: some SQLExecutor
    ) async throws -> Bool {
        let rows = try await executor.rows("""
            UPDATE runs SET status = \(RunStatus.paused), pause_reason = \(reason), updated_at = clock_timestamp(),
                   status_reason = \(detail)
            WHERE id = \(id) AND (status IN ('running', 'draining') OR (status = 'paused' AND pause_reason = 'operator'))
            RETURNING id
            """, operation: "run_pause_itself")
        return !rows.isEmpty
    }

    /// Ends an unfinished run as `failed` with `reason` (work that can never succeed, such as a teacher that refuses
    /// every generation prompt); returns false when the run had already finished.
    @discardableResult
    public static func fail(id: Int64, reason: String, on executor: some SQLExecutor) async throws -> Bool {
        let rows = try await executor.rows("""
            UPDATE runs SET status = \(RunStatus.failed), pause_reason = NULL, status_reason = \(reason),
                   finished_at = clock_timestamp(), updated_at = clock_timestamp()
            WHERE id = \(id) AND status IN ('created', 'running', 'paused', 'draining')
            RETURNING id
            """, operation: "run_failed")
        return !rows.isEmpty
    }

    /// The run's teacher prices, when it has its own.
    public static func prices(id: Int64, on executor: some SQLExecutor) async throws -> TokenPrices? {
        guard let row = try await executor.rows(
            "SELECT price_prompt_per_m, price_completion_per_m FROM runs WHERE id = \(id)", operation: "run_prices"
        ).first else { return nil }
        return try prices(in: row)
    }

    /// The prices of a row holding `price_prompt_per_m` and `price_completion_per_m`.
    private static func prices(in row: Row) throws(StoreError) -> TokenPrices? {
        TokenPrices.given(
            promptPerMillion: try row.decode("price_prompt_per_m", as: Double?.self),
            completionPerMillion: try row.decode("price_completion_per_m", as: Double?.self))
    }

    /// The settings that never change once a run exists (the seeds come from `SeedTasksTable`).
    static func settings(id: Int64, on executor: some SQLExecutor) async throws -> RunSettingsRow? {
        let rows = try await executor.rows("""
            SELECT recipe, target, seed, threshold, concurrency, teacher_model, config::text AS config,
                   price_prompt_per_m, price_completion_per_m, EXISTS (SELECT 1 FROM run_budgets b WHERE b.run_id = r.id) AS budgeted
            FROM runs r WHERE id = \(id)
            """, operation: "run_facts")
        guard let row = rows.first else { return nil }
        return RunSettingsRow(
            recipe: try row.decode("recipe", as: String.self), target: try row.decode("target"),
            seed: UInt64(bitPattern: try row.decode("seed", as: Int64.self)), threshold: try row.decode("threshold"),
            concurrency: try row.decode("concurrency"), teacherModel: try row.decode("teacher_model"),
            configJSON: try row.decode("config"),
            prices: try prices(in: row),
            budgeted: try row.decode("budgeted"))
    }

    /// The stored settings of a run, before `RunCatalog` checks them.
    struct RunSettingsRow: Sendable, Hashable {
        /// As stored; `RunCatalog` refuses a recipe it does not know.
        public var recipe: String
        public var target: Int
        public var seed: UInt64
        public var threshold: Double
        public var concurrency: Int
        public var teacherModel: String?
        public var configJSON: String
        public var prices: TokenPrices?
        /// True when the run has a `run_budgets` row (a budget is set at creation and only raised later).
        public var budgeted: Bool
    }

    /// Moves the run to `status` for an operator verb: `started_at` is set by the first start, `finished_at` on
    /// entering a finished status, and the reason names the verb.
    public static func applyCommand(
        _ command: RunCommand, to status: RunStatus, id: Int64, on executor: some SQLExecutor
    ) async throws {
        try await executor.execute("""
            UPDATE runs SET status = \(status), updated_at = now(),
                   pause_reason = CASE WHEN \(status == .paused) THEN \(PauseReason.operator) END,
                   started_at = CASE WHEN \(command == .start) THEN coalesce(started_at, now()) ELSE started_at END,
                   finished_at = CASE WHEN \(status.isFinished) THEN now() ELSE finished_at END,
                   status_reason = \("sictl run \(command.rawValue)")
            WHERE id = \(id)
            """, operation: "run_transition")
    }

    /// Marks the run `completed` with `reason`, if its status allows that (`RunStatus.mayComplete`).
    public static func complete(id: Int64, reason: String, on executor: some SQLExecutor) async throws {
        let from = RunStatus.allCases.filter(\.mayComplete).map(\.rawValue)
        try await executor.execute("""
            UPDATE runs SET status = \(RunStatus.completed), pause_reason = NULL, finished_at = clock_timestamp(),
                updated_at = clock_timestamp(),
                status_reason = \(reason)
            WHERE id = \(id) AND status = ANY(\(SQLArray.text(from))::text[])
            """, operation: "run_completed")
    }

    /// Runs the completion watcher looks at, with their targets.
    public static func watchedForCompletion(on executor: some SQLExecutor) async throws -> [(id: Int64, target: Int)] {
        let statuses = RunStatus.allCases.filter(\.isWatchedForCompletion).map(\.rawValue)
        return try await executor.rows(
            "SELECT id, target FROM runs WHERE status = ANY(\(SQLArray.text(statuses))::text[])", operation: "running_runs"
        ).map { row throws(StoreError) in (id: try row.decode("id"), target: try row.decode("target")) }
    }
}
