// Batch mode on the handlers' side (issue 15). A stage whose run batches it asks the teacher exactly as online; the
// first time, the request is stored in `batch_requests` and `AwaitingBatch` is thrown (the message is acked). The
// batch service sends stored requests in batch files and, for each answer, sends the message again; this time the
// same call finds the answer and returns it, so the handler's own transactional write is the one online answers use.

public import Records
public import SelfInstruct
import Store
public import Teacher

/// Stores and reads the batch requests of stage items.
public enum BatchQueue {
    /// The answer of `stage`'s request for `entityID`: stored (answered), a refusal (failed), or a new request stored
    /// now or earlier (`AwaitingBatch`). An identical request answered before, in any run, is reused as a cache hit.
    static func complete(
        prompts: [String], parameters: SamplingParameters, run: RunFacts, entityID: Int64, stage: PipelineStage,
        message: StageMessage, settings: BatchSettings, teacher: TeacherClient, database: Database
    ) async throws -> CompletionResult {
        if let stored = try await BatchRequestsTable.find(runID: run.id, stage: stage, entityID: entityID, on: database) {
            switch stored.status {
            case .answered:
                return try teacher.readAnswer(
                    Array((stored.response ?? "").utf8), promptCount: stored.promptCount, n: stored.n,
                    promptEstimate: stored.promptEstimate, maxTokens: stored.maxTokens,
                    method: TokenCountMethod(rawValue: stored.countMethod) ?? .usage, key: RequestKey(storedHex: stored.requestHash))
            case .failed:
                // Refused by the provider, or failing every time: the item fails once with that reason, as online.
                throw TeacherError(
                    kind: TeacherError.Kind(rawValue: stored.errorKind ?? "") ?? .serverError, classification: .failItem,
                    operation: "batch \(stored.batchID.map(String.init) ?? "-")", message: stored.errorMessage ?? "failed in a batch")
            case .pending, .batched:
                throw AwaitingBatch(runID: run.id, stage: stage, entityID: entityID)
            }
        }

        let prepared = try await teacher.prepareCompletion(prompts: prompts, parameters: parameters, model: run.teacherModel)
        if let cached = try await BatchRequestsTable.answeredResponse(requestHash: prepared.key.hex, on: database),
           var result = try? teacher.readAnswer(
               Array(cached.utf8), promptCount: prepared.promptCount, n: prepared.n, promptEstimate: prepared.promptEstimate,
               maxTokens: prepared.maxTokens, method: prepared.method, key: prepared.key)
        {
            result.fromCache = true
            try await TeacherCallsTable.insert(
                TeacherCallsTable.NewCall(
                    runID: run.id, entityID: entityID, stage: stage.rawValue, model: prepared.model,
                    promptTokens: result.usage?.promptTokens ?? 0, completionTokens: result.usage?.completionTokens ?? 0,
                    latencyMS: 0, httpStatus: nil, attempt: 1, costUSD: 0, requestHash: prepared.key.hex, cached: true,
                    errorKind: nil, tokenCountMethod: result.tokenCountMethod.rawValue),
                on: database)
            return result
        }

        // A budgeted run reserves this worst case when the request goes into a batch (`BatchService`), not now: a
        // request waiting for its batch has spent nothing, and its reservation must not stop the batch being sent.
        let worst = prepared.worstCaseTokens
        let prices = batchPrices(run: run, model: prepared.model, settings: settings, teacher: teacher)
        let request = BatchRequestsTable.NewRequest(
            runID: run.id, stage: stage, entityID: entityID, model: prepared.model, requestHash: prepared.key.hex,
            endpoint: prepared.path, body: String(decoding: prepared.body, as: UTF8.self), promptCount: prepared.promptCount,
            n: prepared.n, promptEstimate: prepared.promptEstimate, maxTokens: prepared.maxTokens,
            countMethod: prepared.method.rawValue, message: message,
            worstUSD: prices?.cost(prompt: worst.prompt, completion: worst.completion) ?? 0,
            worstTokens: Int64(worst.prompt + worst.completion))
        _ = try await BatchRequestsTable.insert(request, on: database)
        throw AwaitingBatch(runID: run.id, stage: stage, entityID: entityID)
    }

    /// The run's prices (or the daemons' for its model) times the batch price factor; nil when unpriced.
    public static func batchPrices(run: RunFacts, model: String, settings: BatchSettings, teacher: TeacherClient) -> TokenPrices? {
        guard let online = run.prices ?? teacher.config.prices.prices[model] else { return nil }
        return TokenPrices(
            promptPerMillion: online.promptPerMillion * settings.priceFactor,
            completionPerMillion: online.completionPerMillion * settings.priceFactor)
    }
}
