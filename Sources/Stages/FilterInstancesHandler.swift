// The instance filter in si-filter (spec §1.4): parses and filters one instruction's instances and records every
// instance (valid, or rejected with its reason) and the instruction's outcome. Alpaca's instances, written with
// the instruction, come straight here.

public import Logging
public import Records
public import SelfInstruct
public import Store

/// The `si.filter.instances` handler. Noticing that the last outcome completed the run is
/// `RunCompletionWatcher`'s job, so these transactions never wait for each other.
public struct FilterInstancesHandler: StageHandler {
    public let stage = PipelineStage.filterInstances
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
        let instruction = try await InstructionsTable.admitted(id: message.entityID, runID: message.runID, on: database)
        // The instance filter records what was already paid for whatever the run's status (RunStatus.stops says
        // so today); asking keeps every stage's answer in that one place.
        if instruction.runStatus.stops(stage) { return .emit([]) }
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
        let outcome: InstanceOutcome = result.kept.isEmpty ? .noInstances : .generated
        logger.debug("instances filtered", metadata: ["si.kept": "\(result.kept.count)", "si.dropped": "\(result.dropped.count)"])
        let runID = run.id
        return StageWork(write: { transaction in
            try await InstancesTable.insert(
                kept: result.kept, dropped: result.dropped, runID: runID, instructionID: instruction.id, on: transaction)
            try await InstructionsTable.recordInstanceOutcome(outcome, id: instruction.id, on: transaction)
            return []
        })
    }
}
