// The Self-Instruct stages after admission (spec §1.2–§1.4): `si-classify` asks "is it classification?",
// `si-instances` generates instances output-first or input-first, and the instance filter in `si-filter`
// parses and filters them (Alpaca's instances, written with the instruction, go straight to that filter).
// The filter decides each instruction's instance outcome; the one that completes the run asks for shards.

public import Broker
public import Logging
public import SelfInstruct
public import Store
public import ServiceLifecycle
public import Teacher

/// An admitted instruction as the later stages read it.
struct AdmittedInstruction: Sendable {
    var id: Int64
    var runID: Int64
    var text: String
    /// Alpaca: the instance written with the instruction.
    var input: String?
    var output: String?
    /// Self-Instruct: the instance stage's raw completion and finish reason.
    var instancesRaw: String?
    var instancesFinishReason: String?
    /// Self-Instruct: the classification answer, nil before `si-classify` ran.
    var isClassification: Bool?
    var runStatus: String

    /// Loads instruction `id` of the message's run; anything but an admitted instruction of that run is permanent.
    static func load(_ message: StageMessage, database: Database) async throws -> AdmittedInstruction {
        let rows = try await database.query("""
            SELECT n.run_id, n.status, n.text, n.input, n.output, n.instances_raw, n.instances_finish_reason,
                   c.is_classification, r.status AS run_status
            FROM instructions n JOIN runs r ON r.id = n.run_id
            LEFT JOIN classifications c ON c.instruction_id = n.id
            WHERE n.id = \(message.entityID)
            """, operation: "admitted_instruction")
        guard let row = rows.decodableRows.first else {
            throw PermanentStageError(kind: "unknown_entity", message: "instruction \(message.entityID) does not exist")
        }
        let runID = try row.decode("run_id", as: Int64.self)
        guard runID == message.runID else {
            throw PermanentStageError(kind: "wrong_run", message: "instruction \(message.entityID) belongs to run \(runID)")
        }
        guard try row.decode("status", as: String.self) == "admitted" else {
            throw PermanentStageError(kind: "not_admitted", message: "instruction \(message.entityID) is not admitted")
        }
        return AdmittedInstruction(
            id: message.entityID, runID: runID, text: try row.decode("text", as: String.self),
            input: try row.decode("input", as: String?.self), output: try row.decode("output", as: String?.self),
            instancesRaw: try row.decode("instances_raw", as: String?.self),
            instancesFinishReason: try row.decode("instances_finish_reason", as: String?.self),
            isClassification: try row.decode("is_classification", as: Bool?.self),
            runStatus: try row.decode("run_status", as: String.self))
    }

    /// Cancelled and failed runs get no more teacher calls; their messages are consumed without effect.
    var runIsStopped: Bool { runStatus == "cancelled" || runStatus == "failed" }
}

/// The `si.classify` handler: one is-classification call per admitted instruction.
public struct ClassifyHandler: StageHandler {
    public let stage = Topology.Stage.classify
    private let database: Database
    private let teacher: TeacherClient
    private let catalog: RunCatalog
    private let library: PromptLibrary
    private let mode: ParsingMode

    public init(
        database: Database, teacher: TeacherClient, catalog: RunCatalog, library: PromptLibrary = .v1, mode: ParsingMode = .robust
    ) {
        self.database = database
        self.teacher = teacher
        self.catalog = catalog
        self.library = library
        self.mode = mode
    }

    public func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork {
        guard message.kind == .admittedInstruction else {
            throw PermanentStageError(kind: "wrong_kind", message: "si.classify got \(message.kind.rawValue)")
        }
        let instruction = try await AdmittedInstruction.load(message, database: database)
        if instruction.runIsStopped { return .emit([]) }
        let run = try await catalog.facts(run: instruction.runID)
        let prompt = renderIsClassificationPrompt(instruction: instruction.text, library: library)
        let parameters = SamplingParameters.reference(for: .selfInstructIsClassification)
        let result = try await teacher.complete(
            prompts: [prompt], parameters: parameters, for: run, entityID: instruction.id, stage: stage)
        let raw = result.choices.first?.first?.text ?? ""
        let answer = ClassificationAnswer(parsing: raw, mode: mode)
        // Unparseable answers go input-first, the template that works for any task, and stay visible as such.
        let isClassification = answer.isClassification ?? false
        logger.debug("classified", metadata: ["si.answer": "\(answer.rawValue)"])
        let next = OutgoingMessage(
            stage: .instances, message: StageMessage(runID: run.id, entityID: instruction.id, kind: .admittedInstruction))
        return StageWork(write: { transaction in
            try await transaction.execute("""
                INSERT INTO classifications (instruction_id, run_id, is_classification, raw_answer, answer)
                VALUES (\(instruction.id), \(run.id), \(isClassification), \(raw), \(answer.rawValue))
                ON CONFLICT (instruction_id) DO NOTHING
                """, operation: "classification_insert")
            return [next]
        })
    }
}

/// The `si.instances` handler: one instance-generation call per classified instruction.
public struct InstancesHandler: StageHandler {
    public let stage = Topology.Stage.instances
    private let database: Database
    private let teacher: TeacherClient
    private let catalog: RunCatalog
    private let library: PromptLibrary

    public init(database: Database, teacher: TeacherClient, catalog: RunCatalog, library: PromptLibrary = .v1) {
        self.database = database
        self.teacher = teacher
        self.catalog = catalog
        self.library = library
    }

    public func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork {
        guard message.kind == .admittedInstruction else {
            throw PermanentStageError(kind: "wrong_kind", message: "si.instances got \(message.kind.rawValue)")
        }
        let instruction = try await AdmittedInstruction.load(message, database: database)
        if instruction.runIsStopped { return .emit([]) }
        guard let isClassification = instruction.isClassification else {
            throw PermanentStageError(kind: "not_classified", message: "instruction \(instruction.id) has no classification")
        }
        let run = try await catalog.facts(run: instruction.runID)
        let kind: PromptKind = isClassification ? .selfInstructInstancesOutputFirst : .selfInstructInstancesInputFirst
        let prompt = renderInstancePrompt(instruction: instruction.text, outputFirst: isClassification, library: library)
        let parameters = SamplingParameters.reference(for: kind)
        let result = try await teacher.complete(
            prompts: [prompt], parameters: parameters, for: run, entityID: instruction.id, stage: stage)
        guard let choice = result.choices.first?.first else {
            throw PermanentStageError(kind: "no_choice", message: "the teacher returned no choice")
        }
        let next = OutgoingMessage(
            stage: .filterInstances, message: StageMessage(runID: run.id, entityID: instruction.id, kind: .instanceCandidates))
        return StageWork(write: { transaction in
            try await transaction.execute("""
                UPDATE instructions SET instances_raw = \(choice.text), instances_finish_reason = \(choice.finishReason.apiValue)
                WHERE id = \(instruction.id) AND instances_raw IS NULL
                """, operation: "instances_raw")
            return [next]
        })
    }
}

/// The `si.filter.instances` handler: parses and filters one instruction's instances and records every
/// instance (valid, or rejected with its reason) and the instruction's outcome. Noticing that the last outcome
/// completed the run is `RunCompletionWatcher`'s job, so these transactions never wait for each other.
public struct FilterInstancesHandler: StageHandler {
    public let stage = Topology.Stage.filterInstances
    private let database: Database
    private let catalog: RunCatalog
    private let filter: InstanceFilter

    /// The sub-stream of the run seed for per-instruction instance sampling (ASCII "INST").
    static let samplingStream: UInt64 = 0x494E_5354

    public init(database: Database, catalog: RunCatalog, filter: InstanceFilter = InstanceFilter()) {
        self.database = database
        self.catalog = catalog
        self.filter = filter
    }

    public func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork {
        guard message.kind == .instanceCandidates else {
            throw PermanentStageError(kind: "wrong_kind", message: "si.filter.instances got \(message.kind.rawValue)")
        }
        let instruction = try await AdmittedInstruction.load(message, database: database)
        let run = try await catalog.facts(run: instruction.runID)
        var random = SeededRandom(seed: run.seed, stream: Self.samplingStream, index: UInt64(bitPattern: instruction.id))
        let result: InstanceParseResult
        switch run.recipe {
        case .selfInstruct:
            guard let raw = instruction.instancesRaw, let isClassification = instruction.isClassification else {
                throw PermanentStageError(kind: "no_instances_generated", message: "instruction \(instruction.id) has no generated instances")
            }
            let completion = Completion(text: raw, finishReason: FinishReason(apiValue: instruction.instancesFinishReason))
            result = filter.process(completion, isClassification: isClassification, random: &random)
        case .alpaca:
            guard let output = instruction.output else {
                throw PermanentStageError(kind: "no_instances_generated", message: "instruction \(instruction.id) has no instance")
            }
            // The Alpaca parser already dropped a cut-off last item, so the instance counts as complete here.
            result = filter.apply(to: [TaskInstance(input: instruction.input ?? "", output: output)], finishReason: .stop, random: &random)
        }
        let outcome = result.kept.isEmpty ? "no_instances" : "generated"
        logger.debug("instances filtered", metadata: ["si.kept": "\(result.kept.count)", "si.dropped": "\(result.dropped.count)"])
        let runID = run.id
        return StageWork(write: { transaction in
            // One multi-row insert: an instruction has a handful of instances, and each statement is a round trip.
            var rows: [SQLQuery] = result.kept.enumerated().map { position, instance in
                "(\(runID), \(instruction.id), \(Int32(position)), \(instance.input), \(instance.output), 'valid', NULL::text, now())"
            }
            rows += result.dropped.enumerated().map { offset, dropped in
                "(\(runID), \(instruction.id), \(Int32(result.kept.count + offset)), \(dropped.instance.input), \(dropped.instance.output), 'rejected', \(dropped.reason.code), now())"
            }
            if !rows.isEmpty {
                try await transaction.execute("""
                    INSERT INTO instances (run_id, instruction_id, position, input, output, status, reject_reason, decided_at)
                    VALUES \(fragment: SQLQuery.joined(rows, separator: ", "))
                    ON CONFLICT (instruction_id, position) DO NOTHING
                    """, operation: "instances_insert")
            }
            try await transaction.execute("""
                UPDATE instructions SET instance_outcome = \(outcome) WHERE id = \(instruction.id) AND instance_outcome IS NULL
                """, operation: "instance_outcome")
            return []
        })
    }
}

/// Asks `si-shards` for the shards of every running run that has admitted its target and whose admitted
/// instructions all have their instance outcome. Polling (two index probes per running run) instead of
/// deciding in the instance filter's transactions: there, seeing the last outcome reliably would need a lock
/// that serialises every outcome of the run. Runs in every `si-shards` replica; the request's message id is
/// deterministic, so asking twice is a no-op.
public final class RunCompletionWatcher: Service {
    private let database: Database
    private let topology: Topology
    private let relay: OutboxRelay?
    private let interval: Duration
    private let logger: Logger

    public init(database: Database, topology: Topology, relay: OutboxRelay?, interval: Duration = .seconds(1), logger: Logger) {
        self.database = database
        self.topology = topology
        self.relay = relay
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let asked = try await sweep()
                if asked > 0 { relay?.nudge() }
            } catch {
                logger.info("completion check failed; retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// One pass over the running runs; returns how many shard requests it wrote (new or not).
    @discardableResult
    public func sweep() async throws -> Int {
        let runs = try await database.query(
            "SELECT id, target FROM runs WHERE status = 'running'", operation: "running_runs")
        var asked = 0
        for row in runs.decodableRows {
            let runID = try row.decode("id", as: Int64.self)
            let target = try row.decode("target", as: Int.self)
            let topology = self.topology
            let complete = try await database.transaction { transaction in
                guard try await Self.runIsComplete(runID: runID, target: target, in: transaction) else { return false }
                let request = OutgoingMessage(
                    stage: .shards, message: StageMessage(runID: runID, entityID: runID, kind: .shardRequest))
                try await Outbox.insert([request], topology: topology, into: transaction)
                return true
            }
            if complete {
                asked += 1
                logger.debug("run complete; shards requested", metadata: [MetadataKey.runID: "\(runID)"])
            }
        }
        return asked
    }

    /// True when the run admitted its target and no admitted instruction still waits for its instance outcome.
    static func runIsComplete(runID: Int64, target: Int, in transaction: Transaction) async throws -> Bool {
        let rows = try await transaction.query("""
            SELECT EXISTS (SELECT 1 FROM instructions WHERE run_id = \(runID) AND admission_seq = \(Int32(clamping: target)))
                   AND NOT EXISTS (SELECT 1 FROM instructions
                                   WHERE run_id = \(runID) AND status = 'admitted' AND instance_outcome IS NULL) AS complete
            """, operation: "run_complete")
        return try rows.singleRow().decode("complete", as: Bool.self)
    }
}
