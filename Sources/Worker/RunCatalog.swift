// Per-run facts the stages read often and that never change once a run exists (seed, recipe, seeds, target),
// cached per process; the run's status is read fresh where it matters.

public import Broker
public import Store
public import SelfInstruct
import Synchronization

/// The immutable part of a run.
public struct RunFacts: Sendable, Hashable {
    public var id: Int64
    public var recipe: Recipe
    public var target: Int
    /// The run's generator seed (stored as the bit pattern of a signed bigint).
    public var seed: UInt64
    public var threshold: Double
    /// Circulating generation tokens.
    public var concurrency: Int
    public var teacherModel: String?
    /// Seed instructions in file order.
    public var seedInstructions: [String]
}

/// Loads `RunFacts` once per run and process.
public final class RunCatalog: Sendable {
    private let database: Database
    private let cache = Mutex<[Int64: RunFacts]>([:])

    public init(database: Database) {
        self.database = database
    }

    /// The facts of run `id`; a missing run is a `PermanentStageError`.
    public func facts(run id: Int64) async throws -> RunFacts {
        if let cached = cache.withLock({ $0[id] }) { return cached }
        let rows = try await database.query(
            "SELECT recipe, target, seed, threshold, concurrency, teacher_model FROM runs WHERE id = \(id)",
            operation: "run_facts")
        guard let row = rows.decodableRows.first else {
            throw PermanentStageError(kind: "unknown_run", message: "run \(id) does not exist")
        }
        let recipeText = try row.decode("recipe", as: String.self)
        guard let recipe = Recipe(rawValue: recipeText) else {
            throw PermanentStageError(kind: "unknown_recipe", message: "run \(id) has recipe \(recipeText)")
        }
        let seeds = try await database.query(
            "SELECT instruction FROM seed_tasks WHERE run_id = \(id) ORDER BY position", operation: "run_seeds")
        let facts = RunFacts(
            id: id, recipe: recipe, target: try row.decode("target", as: Int.self),
            seed: UInt64(bitPattern: try row.decode("seed", as: Int64.self)),
            threshold: try row.decode("threshold", as: Double.self),
            concurrency: try row.decode("concurrency", as: Int.self),
            teacherModel: try row.decode("teacher_model", as: String?.self),
            seedInstructions: try seeds.decodableRows.map { try $0.decode("instruction", as: String.self) })
        cache.withLock { $0[id] = facts }
        return facts
    }

    /// The run's current status (`running`, `paused`, …), read fresh.
    public static func status(run id: Int64, in transaction: Transaction) async throws -> String? {
        let rows = try await transaction.query("SELECT status FROM runs WHERE id = \(id)", operation: "run_status")
        return try rows.decodableRows.first?.decode("status", as: String.self)
    }
}

/// Starting and re-issuing generation tokens.
public enum GenerationTokens {
    /// Issues round 0 of each of the run's `concurrency` tokens: a `generation_requests` row plus an outbox
    /// message each, in one transaction. Idempotent: a second call issues nothing new. Returns the number of
    /// messages now owed (new or already there).
    @discardableResult
    public static func issueInitial(runID: Int64, topology: Topology, database: Database) async throws -> Int {
        try await database.transaction { transaction in
            let run = try await transaction.query("SELECT concurrency FROM runs WHERE id = \(runID)", operation: "run_concurrency")
            guard let row = run.decodableRows.first else {
                throw PermanentStageError(kind: "unknown_run", message: "run \(runID) does not exist")
            }
            let concurrency = try row.decode("concurrency", as: Int.self)
            var messages: [OutgoingMessage] = []
            for token in 0..<concurrency {
                let requestID = try await request(runID: runID, token: token, round: 0, in: transaction)
                messages.append(OutgoingMessage(
                    stage: .generate, message: StageMessage(runID: runID, entityID: requestID, kind: .generationToken)))
            }
            try await Outbox.insert(messages, topology: topology, into: transaction)
            return messages.count
        }
    }

    /// The id of the request row for (run, token, round), created if absent.
    static func request(runID: Int64, token: Int, round: Int, in transaction: Transaction) async throws -> Int64 {
        let inserted = try await transaction.query("""
            INSERT INTO generation_requests (run_id, token, round) VALUES (\(runID), \(Int32(token)), \(Int32(round)))
            ON CONFLICT (run_id, token, round) DO NOTHING RETURNING id
            """, operation: "generation_request_insert")
        if let row = inserted.decodableRows.first { return try row.decode("id", as: Int64.self) }
        let existing = try await transaction.query("""
            SELECT id FROM generation_requests WHERE run_id = \(runID) AND token = \(Int32(token)) AND round = \(Int32(round))
            """, operation: "generation_request_lookup")
        return try existing.singleRow().decode("id", as: Int64.self)
    }
}
