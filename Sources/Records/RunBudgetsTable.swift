// The `run_budgets` table: a run's spending cap and its ledger. A teacher request reserves its worst case before
// it starts (one conditional UPDATE, so the cap holds across every replica of every stage) and settles to its
// real cost when it returns.

public import SelfInstruct
public import Store

/// Every statement over `run_budgets`.
public enum RunBudgetsTable {
    /// A run's cap and what is spent and reserved against it.
    public struct Ledger: Sendable, Hashable {
        public var budget: RunBudget
        public var reservedUSD: Double
        public var reservedTokens: Int64
        public var spentUSD: Double
        public var spentTokens: Int64
    }

    /// Sets the cap of a new run.
    public static func insert(runID: Int64, budget: RunBudget, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            INSERT INTO run_budgets (run_id, budget_usd, budget_tokens) VALUES (\(runID), \(budget.usd), \(budget.tokens))
            """, operation: "budget_insert")
    }

    /// What a reservation attempt found.
    public enum Reservation: Sendable, Hashable {
        case granted
        /// Only the other requests in flight stand in the way: their settles will free room (or show there is none).
        case othersInFlight
        /// The cap itself would be passed, whatever is in flight.
        case exhausted
    }

    /// Reserves `usd` and `tokens` when the run's spent plus reserved amounts stay within its caps with them, in
    /// one conditional UPDATE; a run without a budget row is always granted. Amounts are rounded to the column's
    /// 8 decimals here and in `settle`, so a reservation releases exactly what it took.
    public static func reserve(runID: Int64, usd: Double, tokens: Int64, on executor: some SQLExecutor) async throws -> Reservation {
        let row = try await executor.query("""
            WITH reserved AS (
                UPDATE run_budgets SET reserved_usd = reserved_usd + round(\(usd)::numeric, 8),
                                       reserved_tokens = reserved_tokens + \(tokens), updated_at = now()
                WHERE run_id = \(runID)
                  AND (budget_usd IS NULL OR spent_usd + reserved_usd + round(\(usd)::numeric, 8) <= budget_usd)
                  AND (budget_tokens IS NULL OR spent_tokens + reserved_tokens + \(tokens) <= budget_tokens)
                RETURNING run_id
            )
            SELECT (SELECT count(*) FROM reserved) AS reserved,
                   (SELECT count(*) FROM run_budgets WHERE run_id = \(runID)) AS budgeted,
                   (SELECT count(*) FROM run_budgets WHERE run_id = \(runID)
                      AND (budget_usd IS NULL OR spent_usd + round(\(usd)::numeric, 8) <= budget_usd)
                      AND (budget_tokens IS NULL OR spent_tokens + \(tokens) <= budget_tokens)) AS fits_alone
            """, operation: "budget_reserve").singleRow()
        if try row.decode("reserved", as: Int64.self) == 1 || row.decode("budgeted", as: Int64.self) == 0 { return .granted }
        return try row.decode("fits_alone", as: Int64.self) == 1 ? .othersInFlight : .exhausted
    }

    /// Releases a reservation and books what the request really cost.
    public static func settle(
        runID: Int64, reservedUSD: Double, reservedTokens: Int64, spentUSD: Double, spentTokens: Int64,
        on executor: some SQLExecutor
    ) async throws {
        try await executor.execute("""
            UPDATE run_budgets SET reserved_usd = greatest(reserved_usd - round(\(reservedUSD)::numeric, 8), 0),
                                   reserved_tokens = greatest(reserved_tokens - \(reservedTokens), 0),
                                   spent_usd = spent_usd + round(\(spentUSD)::numeric, 8), spent_tokens = spent_tokens + \(spentTokens),
                                   updated_at = now()
            WHERE run_id = \(runID)
            """, operation: "budget_settle")
    }

    /// Sets the caps `budget` names on a run that has a budget (a nil cap is left as it is); returns false when the
    /// run has none. A cap cannot be added later: the daemons decide per run, once, whether its requests reserve.
    public static func change(runID: Int64, to budget: RunBudget, on executor: some SQLExecutor) async throws -> Bool {
        let rows = try await executor.rows("""
            UPDATE run_budgets SET budget_usd = coalesce(\(budget.usd)::numeric, budget_usd),
                                   budget_tokens = coalesce(\(budget.tokens), budget_tokens), updated_at = now()
            WHERE run_id = \(runID)
            RETURNING run_id
            """, operation: "budget_change")
        return !rows.isEmpty
    }

    /// The run's ledger; nil when it has no cap.
    public static func ledger(runID: Int64, on executor: some SQLExecutor) async throws -> Ledger? {
        try await executor.rows("""
            SELECT budget_usd::float8 AS budget_usd, budget_tokens, reserved_usd::float8 AS reserved_usd, reserved_tokens,
                   spent_usd::float8 AS spent_usd, spent_tokens
            FROM run_budgets WHERE run_id = \(runID)
            """, operation: "budget_ledger").first.map { row throws(StoreError) in
            Ledger(budget: RunBudget(usd: try row.decode("budget_usd"), tokens: try row.decode("budget_tokens")),
                   reservedUSD: try row.decode("reserved_usd"), reservedTokens: try row.decode("reserved_tokens"),
                   spentUSD: try row.decode("spent_usd"), spentTokens: try row.decode("spent_tokens"))
        }
    }
}
