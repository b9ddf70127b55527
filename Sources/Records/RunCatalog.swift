// Per-run facts the stages read often and that never change once a run exists (seed, recipe, seeds, target),
// cached per process; the run's status is read fresh where it matters (`RunsTable.status`).

import SelfInstruct
public import Store
import Synchronization

/// Loads `RunFacts` once per run and process.
public final class RunCatalog: Sendable {
    private let database: Database
    private let cache = Mutex<[Int64: RunFacts]>([:])

    public init(database: Database) {
        self.database = database
    }

    /// The facts of run `id`; a missing run or unreadable settings are a `RecordError`.
    public func facts(run id: Int64) async throws -> RunFacts {
        if let cached = cache.withLock({ $0[id] }) { return cached }
        guard let row = try await RunsTable.settings(id: id, on: database) else { throw RecordError.unknownRun(id) }
        guard let recipe = Recipe(rawValue: row.recipe) else {
            throw RecordError(kind: "unknown_recipe", message: "run \(id) has recipe \(row.recipe)")
        }
        let facts = RunFacts(
            id: id, recipe: recipe, target: row.target, seed: row.seed, threshold: row.threshold,
            concurrency: row.concurrency, teacherModel: row.teacherModel,
            seedTasks: try await SeedTasksTable.tasks(runID: id, on: database), config: try RunSettings(json: row.configJSON),
            prices: row.prices, budgeted: row.budgeted)
        cache.withLock { $0[id] = facts }
        return facts
    }
}
