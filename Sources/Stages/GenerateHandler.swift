// si-generate: one circulating generation token → one teacher request of 5 prompts (Self-Instruct: 8 example
// instructions each; Alpaca: 3 seed tasks each) drawn with the run's seeded generator → candidate rows → one
// `si.filter.instructions` message.

public import Logging
public import Records
public import SelfInstruct
public import Store
public import Teacher

/// The `si.generate` handler (both recipes).
public struct GenerateHandler: StageHandler {
    public let stage = PipelineStage.generate
    private let database: Database
    private let teacher: TeacherClient
    private let catalog: RunCatalog
    private let library: PromptLibrary
    private let parser: SelfInstructInstructionParser
    private let promptsPerRequest: Int

    /// Positions of one prompt's items are `prompt * positionStride + item`, unique per request.
    static let positionStride = 1000

    public init(
        database: Database, teacher: TeacherClient, catalog: RunCatalog, library: PromptLibrary = .v1,
        parser: SelfInstructInstructionParser = SelfInstructInstructionParser(mode: .robust),
        promptsPerRequest: Int = SamplingParameters.referencePromptsPerRequest
    ) {
        self.database = database
        self.teacher = teacher
        self.catalog = catalog
        self.library = library
        self.parser = parser
        self.promptsPerRequest = promptsPerRequest
    }

    /// The generator of prompt `prompt` of the request (token, round): a sub-stream of the run seed, so every
    /// replica (and every retry) draws the same examples for the same pool size.
    public static func generator(runSeed: UInt64, token: Int, round: Int, prompt: Int) -> SeededRandom {
        SeededRandom(seed: runSeed, stream: UInt64(token) << 32 | UInt64(UInt32(truncatingIfNeeded: round)), index: UInt64(prompt))
    }

    public func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork {
        guard message.kind == .generationToken else {
            throw PermanentStageError(kind: "wrong_kind", message: "si.generate got \(message.kind.rawValue)")
        }
        let requestID = message.entityID
        guard let request = try await GenerationRequestsTable.find(id: requestID, on: database) else {
            throw PermanentStageError(kind: "unknown_entity", message: "generation request \(requestID) does not exist")
        }
        let runID = request.runID
        guard runID == message.runID else {
            throw PermanentStageError(kind: "wrong_run", message: "request \(requestID) belongs to run \(runID)")
        }
        let run = try await catalog.facts(run: runID)
        guard let state = try await RunsTable.state(id: runID, on: database) else { throw RecordError.unknownRun(runID) }
        let status = state.status
        if state.holds(stage), let reason = state.pauseReason { throw RunHeld(runID: runID, reason: reason) }
        if status.stops(stage) {
            // The token retires with the run; nothing goes downstream.
            logger.debug("run is not active; retiring the token", metadata: ["si.run_status": "\(status.rawValue)"])
            return StageWork(write: { transaction in
                try await GenerationRequestsTable.cancel(id: requestID, on: transaction)
                return []
            })
        }

        // Admitted machine instructions visible now: sequences 1...poolSize (admission order is contiguous).
        let poolSize = try await InstructionsTable.admittedCount(runID: runID, on: database)
        let token = request.token
        let round = request.round
        let batch: Batch = switch run.recipe {
        case .selfInstruct: try await selfInstructBatch(run: run, token: token, round: round, poolSize: poolSize)
        case .alpaca: try alpacaBatch(run: run, token: token, round: round)
        }

        let result = try await teacher.complete(
            prompts: batch.prompts, parameters: batch.parameters, for: run, entityID: requestID, stage: stage,
            message: message, database: database)

        var candidates: [InstructionsTable.NewCandidate] = []
        var dropped: [DroppedItem] = []
        for (prompt, choices) in result.choices.enumerated() {
            guard let choice = choices.first else { continue }
            let offset = prompt * Self.positionStride
            let parsed = batch.parse(prompt, choice.completion)
            candidates += parsed.candidates.map {
                InstructionsTable.NewCandidate(position: offset + $0.position, text: $0.text, instance: $0.instance)
            }
            dropped += parsed.dropped.map { DroppedItem(position: offset + $0.position, text: $0.text, reason: $0.reason) }
        }
        logger.debug("generation parsed", metadata: [
            "si.candidates": "\(candidates.count)", "si.dropped": "\(dropped.count)", "si.pool_size": "\(poolSize)",
        ])

        let filterMessage = OutgoingMessage(
            stage: .filterInstructions,
            message: StageMessage(runID: runID, entityID: requestID, kind: .instructionCandidates))
        let candidateCount = candidates.count
        return StageWork(write: { [candidates, dropped] transaction in
            try await InstructionsTable.insertCandidates(
                candidates, dropped: dropped, runID: runID, requestID: requestID, on: transaction)
            try await GenerationRequestsTable.markDone(
                id: requestID, poolSize: poolSize, candidates: candidateCount, on: transaction)
            return [filterMessage]
        })
    }

    /// The teacher refused the request (prompt too long, HTTP 400…): it fails with the server's message, and the
    /// token goes on through the filter, which finds no candidates and issues the next round. A teacher that refuses
    /// every generation prompt (a context window too small for them, a model unloaded) would turn the tokens in a
    /// loop that makes nothing: after `refusalsBeforeFailing` refusals in a row (at least twice the tokens), the
    /// run fails with the server's message.
    public func refused(_ message: StageMessage, error: TeacherError, logger: Logger) async throws -> StageWork? {
        let requestID = message.entityID
        let runID = message.runID
        let filterMessage = OutgoingMessage(
            stage: .filterInstructions,
            message: StageMessage(runID: runID, entityID: requestID, kind: .instructionCandidates))
        let reason = error.refusalReason
        let limit = max(Self.refusalsBeforeFailing, 2 * (try await catalog.facts(run: runID).concurrency))
        return StageWork(write: { transaction in
            try await GenerationRequestsTable.markRefused(id: requestID, kind: error.kind.rawValue, reason: reason, on: transaction)
            let refusals = try await GenerationRequestsTable.refusalsSinceLastDone(runID: runID, on: transaction)
            if refusals >= limit {
                try await RunsTable.fail(
                    id: runID, reason: "si-generate: the teacher refused \(refusals) generation requests in a row; last: \(reason)",
                    on: transaction)
            }
            return [filterMessage]
        })
    }

    /// Refused generation requests in a row after which a run fails.
    static let refusalsBeforeFailing = 10

    /// Self-Instruct: each prompt lists 8 examples (6 seeds + 2 admitted machine instructions once the pool has
    /// them) drawn with the request's sub-stream of the run seed.
    private func selfInstructBatch(run: RunFacts, token: Int, round: Int, poolSize: Int) async throws -> Batch {
        let samples = (0..<promptsPerRequest).map { prompt in
            var rng = Self.generator(runSeed: run.seed, token: token, round: round, prompt: prompt)
            return InstructionExampleSampler.sample(
                seedCount: run.seedInstructions.count, machineCount: poolSize, rng: &rng)
        }
        let machineTexts = try await InstructionsTable.admittedTexts(runID: run.id, sequences: Set(samples.flatMap { refs in
            refs.compactMap { if case .machine(let index) = $0 { Int64(index + 1) } else { nil } }
        }), on: database)
        let prompts = try samples.map { refs in
            let examples = try refs.map { ref in
                try ref.resolve(seed: { run.seedInstructions[$0] }, machine: { index in
                    guard let text = machineTexts[Int64(index + 1)] else {
                        throw PermanentStageError(kind: "missing_instruction", message: "admission \(index + 1) not found")
                    }
                    return text
                })
            }
            return renderSelfInstructInstructionPrompt(
                examples: examples, classificationOnly: false, library: .forLanguage(run.config.language, english: library))
        }
        let language = run.config.language
        // Other languages: their own filters, and no `capitalize()`, which would lower-case every Latin word after
        // the first character ("用Python" → "用python").
        let parser = language == .en ? self.parser : SelfInstructInstructionParser(
            mode: self.parser.mode, capitalize: false, heuristics: .forRecipe(.selfInstruct, language: language))
        return Batch(
            prompts: prompts, parameters: SamplingParameters.reference(for: .selfInstructInstructions),
            parse: { _, completion in
                let parsed = parser.parse(completion)
                return (parsed.instructions.map { ($0.position, $0.text, nil) }, parsed.dropped)
            })
    }

    /// Alpaca: each prompt shows 3 seed tasks (never machine instructions) with their first instance; the
    /// teacher writes instruction, input and output together.
    private func alpacaBatch(run: RunFacts, token: Int, round: Int) throws -> Batch {
        let examples = (0..<promptsPerRequest).map { prompt in
            var rng = Self.generator(runSeed: run.seed, token: token, round: round, prompt: prompt)
            return AlpacaExampleSampler.sample(seedCount: run.seedTasks.count, rng: &rng).map { run.seedTasks[$0] }
        }
        let prompts = examples.map { renderAlpacaPrompt(examples: $0, library: .forLanguage(run.config.language, english: library)) }
        let parameters = SamplingParameters.reference(for: .alpacaInstructions)
        let mode = parser.mode
        let heuristics = InstructionHeuristics.forRecipe(.alpaca, language: run.config.language)
        return Batch(prompts: prompts, parameters: parameters, parse: { prompt, completion in
            let parsed = AlpacaResponseParser(mode: mode, heuristics: heuristics, firstItemNumber: examples[prompt].count + 1).parse(completion)
            return (parsed.tasks.map { ($0.position, $0.instruction, $0.instance) }, parsed.dropped)
        })
    }
}

extension GenerateHandler {
    /// One request's prompts, its parameters, and how to read each prompt's completion.
    struct Batch: Sendable {
        typealias Parsed = (candidates: [(position: Int, text: String, instance: TaskInstance?)], dropped: [DroppedItem])
        var prompts: [String]
        var parameters: SamplingParameters
        var parse: @Sendable (_ prompt: Int, Completion) -> Parsed
    }
}
