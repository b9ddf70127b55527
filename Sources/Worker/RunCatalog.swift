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
    /// Seed tasks in file order (instruction and instances).
    public var seedTasks: [SeedTask]
    /// Extra settings from the run file (`runs.config`).
    public var config: RunSettings

    /// Seed instructions in file order.
    public var seedInstructions: [String]
}

/// The settings of `runs.config` the stages read, with their defaults.
public struct RunSettings: Sendable, Hashable {
    /// Share of instructions (not instances) that go to the validation split.
    public var validationFraction: Double = 0.05
    /// Most records per shard file.
    public var shardSize: Int = 10_000

    public init() {}

    /// Reads the known keys of a `runs.config` object; unknown keys are left for other readers.
    public init(json text: String) throws {
        let value = try JSONReader.parse(Array(text.utf8))
        guard case .object = value else {
            throw PermanentStageError(kind: "invalid_run_config", message: "runs.config is not a JSON object")
        }
        if case .number(let number)? = value["validation_fraction"] {
            guard let fraction = Double(number), fraction >= 0, fraction < 1 else {
                throw PermanentStageError(kind: "invalid_run_config", message: "validation_fraction must be in [0, 1)")
            }
            validationFraction = fraction
        }
        if case .number(let number)? = value["shard_size"] {
            guard let size = Int(number), size > 0 else {
                throw PermanentStageError(kind: "invalid_run_config", message: "shard_size must be a positive integer")
            }
            shardSize = size
        }
    }
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
            "SELECT recipe, target, seed, threshold, concurrency, teacher_model, config::text AS config FROM runs WHERE id = \(id)",
            operation: "run_facts")
        guard let row = rows.decodableRows.first else {
            throw PermanentStageError(kind: "unknown_run", message: "run \(id) does not exist")
        }
        let recipeText = try row.decode("recipe", as: String.self)
        guard let recipe = Recipe(rawValue: recipeText) else {
            throw PermanentStageError(kind: "unknown_recipe", message: "run \(id) has recipe \(recipeText)")
        }
        let seeds = try await database.query(
            "SELECT id, instruction, instances::text AS instances FROM seed_tasks WHERE run_id = \(id) ORDER BY position",
            operation: "run_seeds")
        let seedTasks = try seeds.decodableRows.map { row in
            SeedTask(
                id: try row.decode("id", as: String.self), instruction: try row.decode("instruction", as: String.self),
                instances: try Self.instances(json: try row.decode("instances", as: String.self)))
        }
        let facts = RunFacts(
            id: id, recipe: recipe, target: try row.decode("target", as: Int.self),
            seed: UInt64(bitPattern: try row.decode("seed", as: Int64.self)),
            threshold: try row.decode("threshold", as: Double.self),
            concurrency: try row.decode("concurrency", as: Int.self),
            teacherModel: try row.decode("teacher_model", as: String?.self),
            seedTasks: seedTasks, config: try RunSettings(json: try row.decode("config", as: String.self)),
            seedInstructions: seedTasks.map(\.instruction))
        cache.withLock { $0[id] = facts }
        return facts
    }

    /// Reads a seed's `instances` array (`[{"input": …, "output": …}]`).
    static func instances(json text: String) throws -> [TaskInstance] {
        guard case .array(let items) = try JSONReader.parse(Array(text.utf8)) else {
            throw PermanentStageError(kind: "invalid_seed", message: "seed instances are not a JSON array")
        }
        return items.compactMap { item in
            guard case .string(let output)? = item["output"] else { return nil }
            if case .string(let input)? = item["input"] { return TaskInstance(input: input, output: output) }
            return TaskInstance(input: "", output: output)
        }
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
            return try await issueInitial(
                runID: runID, concurrency: try row.decode("concurrency", as: Int.self), topology: topology, in: transaction)
        }
    }

    /// `issueInitial` inside the caller's transaction (`sictl run start` issues the tokens with the status change).
    @discardableResult
    public static func issueInitial(
        runID: Int64, concurrency: Int, topology: Topology, in transaction: Transaction
    ) async throws -> Int {
        var messages: [OutgoingMessage] = []
        for token in 0..<concurrency {
            let requestID = try await request(runID: runID, token: token, round: 0, in: transaction)
            messages.append(OutgoingMessage(
                stage: .generate, message: StageMessage(runID: runID, entityID: requestID, kind: .generationToken)))
        }
        try await Outbox.insert(messages, topology: topology, into: transaction)
        return messages.count
    }

    /// Puts parked tokens back into circulation (after `paused` → `running`, or once a dead-lettered generation
    /// was dealt with): for each of the run's tokens whose latest request has been generated and filtered (or
    /// retired), the next round is issued while the run is running and below target. A token with no request yet
    /// gets round 0. Tokens still in flight are left alone. Idempotent; returns the number of tokens re-issued.
    @discardableResult
    public static func reissueParked(runID: Int64, topology: Topology, database: Database) async throws -> Int {
        try await database.transaction { transaction in
            // The filters issue next rounds under this lock; holding it keeps the view below stable.
            try await transaction.advisoryLock(.admission(runID: runID))
            let run = try await transaction.query("""
                SELECT status, target, concurrency,
                       (SELECT count(*) FROM instructions WHERE run_id = runs.id AND status = 'admitted') AS admitted
                FROM runs WHERE id = \(runID)
                """, operation: "run_for_reissue")
            guard let row = run.decodableRows.first else {
                throw PermanentStageError(kind: "unknown_run", message: "run \(runID) does not exist")
            }
            guard try row.decode("status", as: String.self) == "running",
                  try row.decode("admitted", as: Int.self) < row.decode("target", as: Int.self)
            else { return 0 }
            var messages: [OutgoingMessage] = []
            for token in 0..<(try row.decode("concurrency", as: Int.self)) {
                let latest = try await transaction.query("""
                    SELECT id, round, status FROM generation_requests WHERE run_id = \(runID) AND token = \(Int32(token))
                    ORDER BY round DESC LIMIT 1
                    """, operation: "latest_request")
                var nextRound = 0
                if let request = latest.decodableRows.first {
                    let id = try request.decode("id", as: Int64.self)
                    switch try request.decode("status", as: String.self) {
                    case "done":
                        let filterID = StageMessage.messageID(
                            stage: Topology.Stage.filterInstructions.rawValue, kind: .instructionCandidates, entityID: id)
                        let filtered = try await transaction.query("""
                            SELECT 1 FROM processed_messages WHERE stage = \(Topology.Stage.filterInstructions.rawValue)
                            AND message_id = \(filterID)
                            """, operation: "filtered_lookup")
                        if filtered.rows.isEmpty { continue }  // still on its way through the filter
                    case "cancelled", "failed":
                        break
                    default:
                        continue  // pending: in flight (or dead-lettered, which `sictl dlq replay` handles)
                    }
                    nextRound = try request.decode("round", as: Int.self) + 1
                }
                let requestID = try await request(runID: runID, token: token, round: nextRound, in: transaction)
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
