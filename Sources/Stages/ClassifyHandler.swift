// si-classify (spec §1.2): one "is it a classification task?" call per admitted instruction; the answer decides
// the instance template (output-first for classification tasks, input-first otherwise).

public import Logging
public import Records
public import SelfInstruct
public import Store
public import Teacher

/// The `si.classify` handler: one is-classification call per admitted instruction.
public struct ClassifyHandler: StageHandler {
    public let stage = PipelineStage.classify
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
        let instruction = try await InstructionsTable.admitted(id: message.entityID, runID: message.runID, on: database)
        if instruction.runStatus.stops(stage) { return .emit([]) }
        if instruction.runState.holds(stage), let reason = instruction.runState.pauseReason {
            throw RunHeld(runID: instruction.runID, reason: reason)
        }
        let run = try await catalog.facts(run: instruction.runID)
        let prompt = renderIsClassificationPrompt(
            instruction: instruction.text, library: .forLanguage(run.config.language, english: library))
        let parameters = SamplingParameters.reference(for: .selfInstructIsClassification)
        let result = try await teacher.complete(
            prompts: [prompt], parameters: parameters, for: run, entityID: instruction.id, stage: stage,
            message: message, database: database)
        let raw = result.choices.first?.first?.text ?? ""
        let answer = ClassificationAnswer(parsing: raw, mode: mode)
        // Unparseable answers go input-first, the template that works for any task, and stay visible as such.
        let isClassification = answer.isClassification ?? false
        logger.debug("classified", metadata: ["si.answer": "\(answer.rawValue)"])
        let next = OutgoingMessage(
            stage: .instances, message: StageMessage(runID: run.id, entityID: instruction.id, kind: .admittedInstruction))
        return StageWork(write: { transaction in
            try await ClassificationsTable.insert(
                instructionID: instruction.id, runID: run.id, isClassification: isClassification, rawAnswer: raw,
                answer: answer, on: transaction)
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
