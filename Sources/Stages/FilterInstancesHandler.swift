// The instance filter in si-filter (spec §1.4): parses and filters one instruction's instances and records every
// instance (valid, or rejected with its reason) and the instruction's outcome. Alpaca's instances, written with
// the instruction, come straight here. After the reference rules, the hygiene pass (`RecordHygiene`, run setting
// `hygiene`, on by default) removes or normalises each kept instance: the reference never looked at instance
// text, which is where the released Alpaca data has its defects.

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
        let filter = self.filter.forLanguage(run.config.language)
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
            result = Self.alpacaResult(instructionID: instruction.id, input: instruction.input, output: output, run: run, filter: filter)
        }
        let (filtered, outcome) = Self.filtered(result, instructionID: instruction.id, text: instruction.text, hygiene: run.config.hygiene)
        logger.debug("instances filtered", metadata: [
            "si.kept": "\(filtered.kept.count)", "si.dropped": "\(filtered.dropped.count)", "si.hygiene_removed": "\(filtered.removed.count)",
        ])
        let runID = run.id
        return StageWork(write: { transaction in
            try await InstancesTable.insert([filtered], runID: runID, on: transaction)
            try await InstructionsTable.recordInstanceOutcomes([(instruction.id, outcome)], on: transaction)
            return []
        })
    }

    /// The reference filter's result for an Alpaca instruction's one instance. The Alpaca parser already dropped a
    /// cut-off last item, so the instance counts as complete here.
    static func alpacaResult(
        instructionID: Int64, input: String?, output: String, run: RunFacts, filter: InstanceFilter
    ) -> InstanceParseResult {
        var random = SeededRandom(seed: run.seed, stream: samplingStream, index: UInt64(bitPattern: instructionID))
        return filter.apply(to: [TaskInstance(input: input ?? "", output: output)], finishReason: .stop, random: &random)
    }

    /// What to store for one instruction after the reference rules (`result`) and, when the run has it on, the
    /// hygiene pass; and the instruction's instance outcome.
    static func filtered(
        _ result: InstanceParseResult, instructionID: Int64, text: String, hygiene enabled: Bool
    ) -> (InstancesTable.Filtered, InstanceOutcome) {
        let cleaned = enabled
            ? Self.hygiene(result.kept, instruction: text)
            : HygieneOutcome(kept: result.kept, fixes: [], removed: [], repeated: [])
        let filtered = InstancesTable.Filtered(
            instructionID: instructionID, kept: cleaned.kept, fixes: cleaned.fixes, removed: cleaned.removed,
            dropped: result.dropped + cleaned.repeated)
        return (filtered, cleaned.kept.isEmpty ? .noInstances : .generated)
    }

    /// The instances the hygiene pass kept (normalised), the reasons applied to each, those it removed, and those
    /// that normalised into a copy of an earlier kept one (dropped as `duplicate`, as the reference filter would).
    struct HygieneOutcome {
        var kept: [TaskInstance]
        var fixes: [[HygieneReason]]
        var removed: [HygieneRemoval]
        var repeated: [DroppedInstance]
    }

    /// Runs `RecordHygiene` on each kept instance. The instruction is only read: it was admitted and is stored
    /// once for all its instances, so a control character in it is not rewritten here, and
    /// `hygiene_control_characters` counts an instance only when its own input or output changed.
    static func hygiene(_ instances: [TaskInstance], instruction: String) -> HygieneOutcome {
        var outcome = HygieneOutcome(kept: [], fixes: [], removed: [], repeated: [])
        for (position, instance) in instances.enumerated() {
            switch RecordHygiene.check(instruction: instruction, input: instance.input, output: instance.output) {
            case .remove(let reason):
                // Stored cleaned: a NUL in a removed output would make every write of the outcome fail.
                let stored = TaskInstance(input: RecordHygiene.cleanedText(instance.input), output: RecordHygiene.cleanedText(instance.output))
                outcome.removed.append(HygieneRemoval(instance: stored, reason: reason))
            case .keep(_, let input, let output, var fixes):
                let cleaned = TaskInstance(input: input, output: output)
                if fixes.contains(.controlCharacters), output == instance.output,
                   fixes.contains(.noInputMarker) || input == instance.input {
                    fixes.removeAll { $0 == .controlCharacters }
                }
                if outcome.kept.contains(cleaned) {
                    outcome.repeated.append(DroppedInstance(position: position, instance: cleaned, reason: .duplicate))
                    continue
                }
                outcome.kept.append(cleaned)
                outcome.fixes.append(fixes)
            }
        }
        return outcome
    }
}
