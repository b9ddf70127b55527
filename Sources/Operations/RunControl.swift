public import SelfInstruct
public import Store
import Broker
import Worker

/// What `sictl run create` needs to define a run: the columns of `runs` plus the seed tasks.
public struct RunDefinition: Sendable, Hashable {
    public var name: String
    public var recipe: Recipe
    public var target: Int
    /// The run's 64-bit generator seed.
    public var seed: UInt64
    public var threshold: Double
    /// Number of circulating generation tokens.
    public var concurrency: Int
    public var teacherModel: String?
    /// Everything else from a run file, as a JSON object text (stored in `runs.config`).
    public var configJSON: String
    public var seeds: [SeedTask]

    public init(name: String, recipe: Recipe, target: Int, seed: UInt64 = 0, threshold: Double = 0.7,
                concurrency: Int = 8, teacherModel: String? = nil, configJSON: String = "{}", seeds: [SeedTask]) {
        self.name = name
        self.recipe = recipe
        self.target = target
        self.seed = seed
        self.threshold = threshold
        self.concurrency = concurrency
        self.teacherModel = teacherModel
        self.configJSON = configJSON
        self.seeds = seeds
    }

    /// Problems that make the definition unusable, in operator words (empty when it is fine).
    public var problems: [String] {
        var out: [String] = []
        if name.allSatisfy(\.isWhitespace) { out.append("name: must not be empty") }
        if target <= 0 { out.append("target: must be positive (got \(target))") }
        if !(0...1).contains(threshold) { out.append("threshold: must be between 0 and 1 (got \(threshold))") }
        if concurrency <= 0 { out.append("concurrency: must be positive (got \(concurrency))") }
        if seeds.isEmpty { out.append("seeds: no seed tasks") }
        if let duplicate = Self.firstDuplicate(seeds.map(\.id)) { out.append("seeds: id '\(duplicate)' appears twice") }
        return out
    }

    private static func firstDuplicate(_ ids: [String]) -> String? {
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted { return id }
        return nil
    }
}

/// The lifecycle of a run as `runs.status` stores it.
public enum RunStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case created, running, paused, draining, completed, cancelled, failed

    /// No operator verb leaves these.
    public var isFinished: Bool { self == .completed || self == .cancelled || self == .failed }
}

/// An operator verb over a run's status.
public enum RunCommand: String, Sendable, Hashable, CaseIterable {
    case start, pause, resume, cancel, drain

    /// Statuses the verb may be applied to.
    public var allowedFrom: Set<RunStatus> {
        switch self {
        case .start: [.created]
        case .pause: [.running, .draining]
        case .resume: [.paused]
        case .cancel: [.created, .running, .paused, .draining]
        case .drain: [.running, .paused]
        }
    }

    /// The status the verb leads to.
    public var resultingStatus: RunStatus {
        switch self {
        case .start, .resume: .running
        case .pause: .paused
        case .cancel: .cancelled
        case .drain: .draining
        }
    }
}

/// Why a run operation was refused.
public enum RunControlError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidDefinition([String])
    case nameTaken(String)
    case unknownRun(String)
    case impossibleTransition(run: String, command: RunCommand, from: RunStatus)

    public var description: String {
        switch self {
        case .invalidDefinition(let problems): "invalid run: " + problems.joined(separator: "; ")
        case .nameTaken(let name): "a run named '\(name)' already exists"
        case .unknownRun(let reference): "no run '\(reference)' (give its id or name)"
        case .impossibleTransition(let run, let command, let from):
            "cannot \(command.rawValue) run \(run): it is \(from.rawValue)"
                + (from.isFinished ? " (finished runs stay finished)" : "; \(command.rawValue) applies to a run that is "
                    + command.allowedFrom.map(\.rawValue).sorted().joined(separator: " or "))
        }
    }
}

/// The outcome of a status change.
public struct RunTransition: Sendable, Hashable, Codable {
    public var runID: Int64
    public var name: String
    public var from: RunStatus
    public var to: RunStatus
    /// Generation tokens issued into the outbox by `start` or re-issued by `resume` (0 for other verbs).
    public var tokensIssued: Int
}

/// Creates runs and moves them through their lifecycle. The daemons pick runs up from the database.
public struct RunControl: Sendable {
    public let database: Database
    /// The broker namespace of the daemons (`SI_AMQP_NAMESPACE`), which names their queues.
    public let namespace: String

    public init(database: Database, namespace: String = "si") {
        self.database = database
        self.namespace = namespace
    }

    /// Inserts the run and its seed tasks in one transaction; returns the run id.
    public func create(_ definition: RunDefinition) async throws -> Int64 {
        let problems = definition.problems
        guard problems.isEmpty else { throw RunControlError.invalidDefinition(problems) }
        do {
            return try await database.transaction { tx in
                let inserted = try await tx.query("""
                    INSERT INTO runs (name, recipe, target, seed, threshold, concurrency, teacher_model, config)
                    VALUES (\(definition.name), \(definition.recipe.rawValue), \(Int32(clamping: definition.target)),
                            \(Int64(bitPattern: definition.seed)), \(definition.threshold),
                            \(Int32(clamping: definition.concurrency)), \(definition.teacherModel), \(definition.configJSON)::jsonb)
                    RETURNING id
                    """, operation: "create_run")
                let runID = try inserted.singleRow().decode("id", as: Int64.self)
                for (position, task) in definition.seeds.enumerated() {
                    let instances = "[" + task.instances.map {
                        "{\"input\": \(JSONWriter.quoted($0.input)), \"output\": \(JSONWriter.quoted($0.output))}"
                    }.joined(separator: ", ") + "]"
                    try await tx.execute("""
                        INSERT INTO seed_tasks (run_id, id, position, name, instruction, instances, is_classification)
                        VALUES (\(runID), \(task.id), \(Int32(position)), \(task.name), \(task.instruction),
                                \(instances)::jsonb, \(task.isClassification))
                        """, operation: "create_seed_task")
                }
                return runID
            }
        } catch let error as StoreError where error.kind == .uniqueViolation && error.constraint == "runs_name_key" {
            throw RunControlError.nameTaken(definition.name)
        }
    }

    /// The id of the run named by `reference`: a decimal id, else a name.
    public func resolve(_ reference: String) async throws -> Int64 {
        let rows: QueryResult
        if let id = Int64(reference) {
            rows = try await database.query("SELECT id FROM runs WHERE id = \(id) OR name = \(reference) ORDER BY id = \(id) DESC LIMIT 1")
        } else {
            rows = try await database.query("SELECT id FROM runs WHERE name = \(reference)")
        }
        guard let row = rows.decodableRows.first else { throw RunControlError.unknownRun(reference) }
        return try row.decode("id", as: Int64.self)
    }

    /// Applies `command` to the run, refusing impossible transitions. `start` records `started_at` and issues
    /// the initial generation tokens; `resume` re-issues the parked ones; `cancel` records `finished_at`.
    public func apply(_ command: RunCommand, to reference: String) async throws -> RunTransition {
        let runID = try await resolve(reference)
        var transition = try await database.transaction { tx in
            let row = try await tx.query("SELECT name, status, concurrency FROM runs WHERE id = \(runID) FOR UPDATE")
                .singleRow()
            let name = try row.decode("name", as: String.self)
            let statusText = try row.decode("status", as: String.self)
            guard let from = RunStatus(rawValue: statusText) else {
                throw RunControlError.invalidDefinition(["status: unknown value '\(statusText)'"])
            }
            guard command.allowedFrom.contains(from) else {
                throw RunControlError.impossibleTransition(run: "\(runID) (\(name))", command: command, from: from)
            }
            let to = command.resultingStatus
            try await tx.execute("""
                UPDATE runs SET status = \(to.rawValue), updated_at = now(),
                       started_at = CASE WHEN \(command == .start) THEN coalesce(started_at, now()) ELSE started_at END,
                       finished_at = CASE WHEN \(to.isFinished) THEN now() ELSE finished_at END,
                       status_reason = \("sictl run \(command.rawValue)")
                WHERE id = \(runID)
                """, operation: "run_transition")
            var issued = 0
            if command == .start {
                // The workers' own issuer, so these and re-issued tokens are the same messages. `start` only
                // leaves `created`, so every token is new here.
                issued = try await GenerationTokens.issueInitial(
                    runID: runID, concurrency: try row.decode("concurrency", as: Int.self),
                    topology: Topology(namespace: namespace), in: tx)
            }
            return RunTransition(runID: runID, name: name, from: from, to: to, tokensIssued: issued)
        }
        guard command == .resume else { return transition }
        // Pausing parks the tokens (the filter stops re-issuing them); resuming puts each parked one back, after
        // the status change committed so the filters see `running` from then on.
        transition.tokensIssued = try await GenerationTokens.reissueParked(
            runID: runID, topology: Topology(namespace: namespace), database: database)
        return transition
    }
}
