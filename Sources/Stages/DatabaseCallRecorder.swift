// Every teacher call (success, failure, retry, cache hit) becomes an `llm_calls` row (invariant 5). The client
// reports calls without knowing the run, so the handler names the run and entity in a task-local around the call.

public import Logging
import Records
public import SelfInstruct
public import Store
import Synchronization
public import Teacher

/// Writes `CallRecord`s to `llm_calls`, attributed through `DatabaseCallRecorder.$context`.
public struct DatabaseCallRecorder: CallRecorder {
    /// The run and entity a call serves.
    public struct Context: Sendable, Hashable {
        public var runID: Int64
        public var entityID: Int64?
        /// The run's own prices: they cost its calls (and its budget) instead of the daemon's price table.
        public var prices: TokenPrices?
        /// True when the run has a cap, so its requests reserve before they start (`DatabaseSpendGate`).
        public var budgeted: Bool

        public init(runID: Int64, entityID: Int64?, prices: TokenPrices? = nil, budgeted: Bool = false) {
            self.runID = runID
            self.entityID = entityID
            self.prices = prices
            self.budgeted = budgeted
        }
    }

    /// Set by handlers around teacher calls (`DatabaseCallRecorder.$context.withValue(…)`).
    @TaskLocal public static var context: Context?

    private let database: Database
    private let logger: Logger
    /// Calls outside a run (none today: the token-counting probe bypasses recorders) are logged once, not each.
    private static let warnedWithoutContext = Atomic<Bool>(false)

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func record(_ call: CallRecord) async {
        guard let context = Self.context else {
            if !Self.warnedWithoutContext.exchange(true, ordering: .relaxed) {
                logger.warning("teacher call outside a run context; not recorded (logged once)", metadata: ["si.stage": "\(call.stage)"])
            }
            return
        }
        var cost = call.costUSD ?? 0
        if let prices = context.prices, !call.cacheHit {
            cost = prices.cost(prompt: call.promptTokens ?? 0, completion: call.completionTokens ?? 0)
        }
        let latencyMS = Double(call.latency.components.seconds) * 1000 + Double(call.latency.components.attoseconds) / 1e15
        let row = TeacherCallsTable.NewCall(
            runID: context.runID, entityID: context.entityID, stage: call.stage, model: call.model,
            promptTokens: call.promptTokens ?? 0, completionTokens: call.completionTokens ?? 0, latencyMS: latencyMS,
            httpStatus: call.httpStatus, attempt: call.attempt, costUSD: cost,
            requestHash: call.requestHash, cached: call.cacheHit, errorKind: call.errorKind?.rawValue,
            tokenCountMethod: call.tokenCountMethod?.rawValue)
        // Detached: a call cancelled by a shutdown past its grace period is still a call (the server may bill it), and
        // the cancelled caller's task would refuse to wait for a connection.
        let database = self.database
        let logger = self.logger
        await Task.detached {
            do {
                // A transaction of its own: the pool's asynchronous commit is a SET LOCAL, which needs one.
                try await database.transaction { try await TeacherCallsTable.insert(row, on: $0) }
            } catch {
                logger.warning("cannot record a teacher call", metadata: ["error": "\(error)"])
            }
        }.value
    }
}

extension TeacherClient {
    /// `completeWithDetails` with its calls attributed to `run` and `entityID` in `llm_calls` and sent to the run's
    /// teacher model: the one way stage handlers call the teacher. When the run batches `stage`, the request goes
    /// through `BatchQueue` instead: answered from `batch_requests`, or stored there (`AwaitingBatch`) for
    /// `message` to be sent again once its batch answers.
    func complete(
        prompts: [String], parameters: SamplingParameters, for run: RunFacts, entityID: Int64, stage: PipelineStage,
        message: StageMessage, database: Database
    ) async throws -> CompletionResult {
        let context = DatabaseCallRecorder.Context(runID: run.id, entityID: entityID, prices: run.prices, budgeted: run.budgeted)
        if let batch = run.config.batch, batch.batches(stage) {
            return try await BatchQueue.complete(
                prompts: prompts, parameters: parameters, run: run, entityID: entityID, stage: stage, message: message,
                settings: batch, teacher: self, database: database)
        }
        return try await DatabaseCallRecorder.$context.withValue(context) {
            try await completeWithDetails(prompts: prompts, parameters: parameters, model: run.teacherModel, stage: stage.rawValue)
        }
    }
}
