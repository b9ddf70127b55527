// si-instances (spec §1.3): one instance-generation call per classified instruction, output-first for
// classification tasks and input-first otherwise; the raw completion goes to the instance filter.

public import Logging
public import Records
public import SelfInstruct
public import Store
public import Teacher

/// The `si.instances` handler: one instance-generation call per classified instruction.
public struct InstancesHandler: StageHandler {
    public let stage = PipelineStage.instances
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
        let instruction = try await InstructionsTable.admitted(id: message.entityID, runID: message.runID, on: database)
        if instruction.runStatus.stops(stage) { return .emit([]) }
        if instruction.runState.holds(stage), let reason = instruction.runState.pauseReason {
            throw RunHeld(runID: instruction.runID, reason: reason)
        }
        guard let isClassification = instruction.isClassification else {
            throw PermanentStageError(kind: "not_classified", message: "instruction \(instruction.id) has no classification")
        }
        let run = try await catalog.facts(run: instruction.runID)
        let kind: PromptKind = isClassification ? .selfInstructInstancesOutputFirst : .selfInstructInstancesInputFirst
        let prompt = renderInstancePrompt(
            instruction: instruction.text, outputFirst: isClassification, library: .forLanguage(run.config.language, english: library))
        let parameters = SamplingParameters.reference(for: kind)
        let result = try await teacher.complete(
            prompts: [prompt], parameters: parameters, for: run, entityID: instruction.id, stage: stage,
            message: message, database: database)
        guard let choice = result.choices.first?.first else {
            throw PermanentStageError(kind: "no_choice", message: "the teacher returned no choice")
        }
        let next = OutgoingMessage(
            stage: .filterInstances, message: StageMessage(runID: run.id, entityID: instruction.id, kind: .instanceCandidates))
        return StageWork(write: { transaction in
            try await InstructionsTable.storeInstancesCompletion(
                id: instruction.id, text: choice.text, finishReason: choice.finishReason, on: transaction)
            return [next]
        })
    }

    /// The teacher refused the call (HTTP 400/404/422, prompt too long): the instruction fails once, with the
    /// server's message as the reason; its instance outcome is `failed`, so the run can still complete (unless the
    /// teacher refuses most instructions: `InstructionRefusal`).
    public func refused(_ message: StageMessage, error: TeacherError, logger: Logger) async throws -> StageWork? {
        InstructionRefusal.work(for: message, stage: stage, error: error)
    }
}
