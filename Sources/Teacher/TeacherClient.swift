// The teacher client: completion budget, response cache, rate limits, retries with backoff, accounting.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Logging
public import SelfInstruct
import Synchronization

/// Talks to one OpenAI-compatible server. Sendable; share one per process.
public final class TeacherClient: Sendable {
    public let config: TeacherConfig
    private let transport: any HTTPTransport
    private let recorder: any CallRecorder
    private let cache: (any ResponseCache)?
    private let spendGate: (any SpendGate)?
    private let logger: Logger
    private let tokenCounter: any TokenCounter
    private let limiter: RateLimiter<TeacherClock>
    private let jitter: Mutex<SeededRandom>
    private let clock: TeacherClock
    private let wallClock: @Sendable () -> Int64
    private let counting: Mutex<TokenCountingState>

    /// A client over `transport`. `jitterSeed` makes backoff delays reproducible; `clock` (waits for backoff and
    /// rate limits) and `wallClock` (Unix seconds, for `Retry-After` dates) are injectable for tests.
    /// `tokenCounting` is how several prompts are sent until `probeTokenCounting()` decides; `nil` probes on the
    /// first multi-prompt call (and sends one prompt per request until a probe succeeds).
    public init(
        config: TeacherConfig,
        transport: any HTTPTransport,
        recorder: any CallRecorder = DiscardingCallRecorder(),
        cache: (any ResponseCache)? = nil,
        spendGate: (any SpendGate)? = nil,
        logger: Logger? = nil,
        tokenCounter: any TokenCounter = ConservativeTokenEstimator(),
        jitterSeed: UInt64? = nil,
        clock: TeacherClock = .continuous,
        wallClock: (@Sendable () -> Int64)? = nil,
        tokenCounting: TokenCountingMode? = .usage
    ) {
        self.config = config
        self.transport = transport
        self.recorder = recorder
        self.cache = cache
        self.spendGate = spendGate
        // Only `@main` bootstraps logging; without a logger this client stays silent.
        self.logger = logger ?? Logger(label: "teacher", factory: { _ in SwiftLogNoOpLogHandler() })
        self.tokenCounter = tokenCounter
        self.limiter = RateLimiter(limits: config.rateLimits, clock: clock)
        self.jitter = Mutex(SeededRandom(seed: jitterSeed ?? UInt64.random(in: .min ... .max)))
        self.clock = clock
        self.wallClock = wallClock ?? { Int64(Date().timeIntervalSince1970) }
        self.counting = Mutex(TokenCountingState(mode: tokenCounting ?? .singlePrompt, decided: tokenCounting != nil))
    }

    /// How several prompts are sent now.
    public var tokenCountingMode: TokenCountingMode { counting.withLock { $0.mode } }

    /// Asks the server whether its `usage` covers a list of prompts and sets `tokenCountingMode` from the answer
    /// (see `TokenCountingProbe`). Never throws: when the server cannot be asked, the client sends one prompt
    /// per request and probes again on a multi-prompt call after `TokenCountingState.reprobeInterval`.
    public func probeTokenCounting() async -> TokenCountingProbe {
        counting.withLock { $0.probing = true }
        let probe = await TokenCountingProbe.run(config: config, model: config.model, transport: transport, clock: clock)
        let now = clock.now
        counting.withLock { state in
            state.probing = false
            state.mode = probe.mode
            state.decided = probe.decided
            state.nextProbe = probe.decided ? nil : now.advanced(by: TokenCountingState.reprobeInterval)
        }
        return probe
    }

    /// The mode for a multi-prompt call; an undecided client probes first when a probe is due.
    private func countingModeForList() async -> TokenCountingMode {
        let now = clock.now
        let due = counting.withLock { state in
            !state.decided && !state.probing && state.nextProbe.map { now >= $0 } ?? true
        }
        guard due else { return tokenCountingMode }
        let probe = await probeTokenCounting()
        logger.info(
            "teacher.token_counting",
            metadata: ["teacher.token_counting": "\(probe.mode.rawValue)", "teacher.probe_decided": "\(probe.decided)",
                       "teacher.probe_reason": "\(probe.reason)"])
        return probe.mode
    }

    /// A response whose usage was below what its choices prove: send lists one prompt per request from now on.
    private func usageWasTooSmall(promptCount: Int, metadata: Logger.Metadata) {
        guard promptCount > 1 else { return }
        let firstTime = counting.withLock { state in
            state.mode = .singlePrompt
            state.decided = true
            defer { state.warnedTooSmall = true }
            return !state.warnedTooSmall
        }
        if firstTime {
            // Logged once: the estimate and the switch to one prompt per request hold for every later call.
            logger.warning(
                "teacher.usage_too_small",
                metadata: metadata.merging(["teacher.token_counting": "\(TokenCountingMode.singlePrompt.rawValue)"]) { $1 })
        }
    }

    /// Sends `prompts` in one `/v1/completions` request and returns, for each prompt, its `n` choices.
    public func complete(
        prompts: [String], parameters: SamplingParameters, model: String? = nil, stage: String
    ) async throws -> [[CompletionChoice]] {
        try await completeWithDetails(prompts: prompts, parameters: parameters, model: model, stage: stage).choices
    }

    /// `complete` plus usage, the request key and whether the cache answered. In `singlePrompt` mode the prompts go
    /// as concurrent one-prompt requests (each its own call record) and the result combines them.
    public func completeWithDetails(
        prompts: [String], parameters: SamplingParameters, model: String? = nil, stage: String
    ) async throws -> CompletionResult {
        let mode = prompts.count > 1 ? await countingModeForList() : tokenCountingMode
        return try await completeWithDetails(prompts: prompts, parameters: parameters, model: model, stage: stage, mode: mode)
    }

    private func completeWithDetails(
        prompts: [String], parameters: SamplingParameters, model: String?, stage: String, mode: TokenCountingMode
    ) async throws -> CompletionResult {
        let prepared = try prepare(prompts: prompts, parameters: parameters, model: model, mode: mode)
        if mode == .singlePrompt && prompts.count > 1 {
            return try await completeOneByOne(
                prompts: prompts, parameters: parameters, model: prepared.model, stage: stage, key: prepared.key)
        }
        return try await perform(
            path: prepared.path, body: prepared.body, key: prepared.key, model: prepared.model, stage: stage,
            promptCount: prepared.promptCount, n: prepared.n, promptEstimate: prepared.promptEstimate,
            maxTokens: prepared.maxTokens, method: prepared.method)
    }

    /// The `/v1/completions` request `complete` would send, not sent: batch mode stores it and sends it in a batch file.
    /// A list of prompts stays one request whatever the token-counting mode; its answer is counted under that mode.
    public func prepareCompletion(prompts: [String], parameters: SamplingParameters, model: String? = nil) async throws -> PreparedCompletion {
        let mode = prompts.count > 1 ? await countingModeForList() : tokenCountingMode
        return try prepare(prompts: prompts, parameters: parameters, model: model, mode: mode)
    }

    private func prepare(
        prompts: [String], parameters: SamplingParameters, model: String?, mode: TokenCountingMode
    ) throws -> PreparedCompletion {
        let model = model ?? config.model
        let operation = "POST \(OpenAIWire.completionsPath)"
        guard !prompts.isEmpty, parameters.n >= 1 else {
            throw TeacherError(
                kind: .invalidRequest, classification: .failItem, operation: operation, message: "no prompts, or n < 1")
        }
        try parameters.validateForWire(operation: operation)
        let promptTokens = prompts.map { tokenCounter.tokenCount(of: $0) }
        var effective = parameters
        effective.maxTokens = try config.budget.maxTokens(
            requested: parameters.maxTokens, promptTokens: promptTokens.max() ?? 0, operation: operation)
        let key = RequestKey.completions(model: model, prompts: prompts, parameters: effective, recipeVersion: config.recipeVersion)
        let body = try OpenAIWire.encode(
            OpenAIWire.CompletionsRequest(
                model: model, prompt: prompts.count == 1 ? .single(prompts[0]) : .many(prompts), parameters: effective))
        return PreparedCompletion(
            path: OpenAIWire.completionsPath, body: body, key: key, model: model, promptCount: prompts.count, n: effective.n,
            promptEstimate: promptTokens.reduce(0, +), maxTokens: effective.maxTokens, method: mode.method)
    }

    /// Reads the answer a batch returned for a prepared request (the body of its output line), counted as an online
    /// answer would be. Throws `malformedResponse` for a body that does not answer the request.
    public func readAnswer(
        _ body: [UInt8], promptCount: Int, n: Int, promptEstimate: Int, maxTokens: Int, method: TokenCountMethod, key: RequestKey
    ) throws(TeacherError) -> CompletionResult {
        let decoded = try OpenAIWire.decode(body, promptCount: promptCount, n: n, operation: "batch answer")
        let count = TokenAccounting.count(
            reported: decoded.usage, choices: decoded.choices, promptCount: promptCount, promptEstimate: promptEstimate,
            maxTokens: maxTokens, method: method, counter: tokenCounter)
        return CompletionResult(
            choices: decoded.choices, usage: count.usage, model: decoded.model, fromCache: false, requestKey: key,
            tokenCountMethod: count.method)
    }

    /// One request per prompt, concurrently; the results in prompt order with their usage summed.
    private func completeOneByOne(
        prompts: [String], parameters: SamplingParameters, model: String, stage: String, key: RequestKey
    ) async throws -> CompletionResult {
        let parts = try await withThrowingTaskGroup(of: (Int, CompletionResult).self) { group in
            for (index, prompt) in prompts.enumerated() {
                group.addTask {
                    (index, try await self.completeWithDetails(
                        prompts: [prompt], parameters: parameters, model: model, stage: stage, mode: .singlePrompt))
                }
            }
            var parts = [CompletionResult?](repeating: nil, count: prompts.count)
            for try await (index, part) in group { parts[index] = part }
            return parts.compactMap { $0 }
        }
        let usages = parts.compactMap(\.usage)
        return CompletionResult(
            choices: parts.flatMap(\.choices),
            usage: usages.count == parts.count
                ? TokenUsage(
                    promptTokens: usages.reduce(0) { $0 + $1.promptTokens },
                    completionTokens: usages.reduce(0) { $0 + $1.completionTokens })
                : nil,
            model: parts.first?.model, fromCache: parts.allSatisfy(\.fromCache), requestKey: key,
            tokenCountMethod: parts.contains { $0.tokenCountMethod == .estimated } ? .estimated : .singlePrompt)
    }

    /// Sends one conversation to `/v1/chat/completions` and returns its `n` choices.
    public func chat(
        messages: [ChatMessage], parameters: SamplingParameters, model: String? = nil, stage: String
    ) async throws -> [CompletionChoice] {
        try await chatWithDetails(messages: messages, parameters: parameters, model: model, stage: stage).choices[0]
    }

    /// `chat` plus usage, the request key and whether the cache answered.
    public func chatWithDetails(
        messages: [ChatMessage], parameters: SamplingParameters, model: String? = nil, stage: String
    ) async throws -> CompletionResult {
        let model = model ?? config.model
        let operation = "POST \(OpenAIWire.chatPath)"
        guard !messages.isEmpty, parameters.n >= 1 else {
            throw TeacherError(
                kind: .invalidRequest, classification: .failItem, operation: operation, message: "no messages, or n < 1")
        }
        try parameters.validateForWire(operation: operation)
        // Chat templates add a few tokens per message around the content.
        let promptTokens = messages.reduce(3) { $0 + tokenCounter.tokenCount(of: $1.content) + 4 }
        var effective = parameters
        effective.maxTokens = try config.budget.maxTokens(
            requested: parameters.maxTokens, promptTokens: promptTokens, operation: operation)
        let key = RequestKey.chat(model: model, messages: messages, parameters: effective, recipeVersion: config.recipeVersion)
        let body = try OpenAIWire.encode(
            OpenAIWire.ChatRequest(
                model: model, messages: messages.map { .init(role: $0.role.rawValue, content: $0.content) },
                parameters: effective))
        return try await perform(
            path: OpenAIWire.chatPath, body: body, key: key, model: model, stage: stage, promptCount: 1, n: effective.n,
            promptEstimate: promptTokens, maxTokens: effective.maxTokens, method: .usage)
    }

    // MARK: The attempt loop

    /// `promptEstimate` (the conservative prompt count of all prompts) plus `maxTokens` × `n` per prompt is the
    /// request's worst case: what the rate limiter and the spend gate hold for it.
    private func perform(
        path: String, body: [UInt8], key: RequestKey, model: String, stage: String, promptCount: Int, n: Int,
        promptEstimate: Int, maxTokens: Int, method: TokenCountMethod
    ) async throws -> CompletionResult {
        let completionCeiling = maxTokens * n * promptCount
        let estimatedTokens = promptEstimate + completionCeiling
        // Recorded counts: the server's usage unless it cannot cover the choices (then estimated).
        let counting = Counting(
            promptCount: promptCount, promptEstimate: promptEstimate, maxTokens: maxTokens, method: method, counter: tokenCounter)
        let operation = "POST \(path)"
        var metadata: Logger.Metadata = [
            "si.stage": "\(stage)", "teacher.model": "\(model)", "teacher.request_hash": "\(key.hex)",
        ]

        if let cache, let cached = await cache.lookup(key) {
            do {
                let decoded = try OpenAIWire.decode(cached.body, promptCount: promptCount, n: n, operation: operation)
                let count = counting.count(decoded)
                await recorder.record(
                    CallRecord(
                        stage: stage, model: model, operation: operation, promptCount: promptCount,
                        promptTokens: count.usage.promptTokens, completionTokens: count.usage.completionTokens,
                        latency: .zero, httpStatus: nil, attempt: 0, costUSD: 0, requestHash: key.hex, errorKind: nil,
                        cacheHit: true, tokenCountMethod: count.method))
                logger.debug("teacher.cache_hit", metadata: metadata)
                return CompletionResult(
                    choices: decoded.choices, usage: count.usage, model: decoded.model, fromCache: true, requestKey: key,
                    tokenCountMethod: count.method)
            } catch {
                // An unreadable entry is ignored and overwritten by a fresh answer.
                logger.debug("teacher.cache_entry_unreadable", metadata: metadata)
            }
        }

        var headers = [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "Accept", value: "application/json")]
        if let apiKey = config.apiKey {
            headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(apiKey.value)"))
        }
        let request = HTTPRequest(
            method: .post, url: config.baseURL + path, headers: headers, body: body,
            connectTimeout: config.connectTimeout, timeout: config.requestTimeout)

        var attempt = 0
        while true {
            attempt += 1
            metadata["si.attempt"] = "\(attempt)"
            try await limiter.acquire(estimatedTokens: estimatedTokens)
            // Reserved per attempt, after the rate-limit wait: a refused reservation sends nothing.
            let reservation: SpendReservation?
            do {
                reservation = try await spendGate?.reserve(
                    model: model, promptTokens: promptEstimate, completionTokens: completionCeiling, operation: operation)
            } catch {
                await limiter.refund(tokens: estimatedTokens)
                throw error
            }
            let started = clock.now
            let outcome = await send(
                request, operation: operation, key: key, model: model, stage: stage, promptCount: promptCount, n: n,
                attempt: attempt, estimatedTokens: estimatedTokens, counting: counting, metadata: metadata)
            if let reservation, let spendGate {
                // A success books its recorded usage; a failure books nothing. Detached: a cancelled caller (a
                // sibling prompt failed, a shutdown past its deadline) must still release what it reserved.
                var used: TokenUsage?
                if case .answered(let result) = outcome { used = result.usage }
                let usage = used
                await Task.detached { await spendGate.settle(reservation, usage: usage) }.value
            }
            var failure: TeacherError
            var status: Int?
            switch outcome {
            case .answered(let result):
                return result
            case .refused(let error, let httpStatus):
                failure = error
                status = httpStatus
            case .aborted(let error):
                // Cancellation (or an unexpected transport error): record the attempt, then pass it on unchanged.
                await record(stage: stage, model: model, operation: operation, promptCount: promptCount, started: started,
                    status: nil, attempt: attempt, key: key, errorKind: error is CancellationError ? .cancelled : .transport)
                throw error
            }

            failure = failure.redacting(config.apiKey?.value)
            await record(stage: stage, model: model, operation: operation, promptCount: promptCount, started: started,
                status: status, attempt: attempt, key: key, errorKind: failure.kind)
            metadata["error.kind"] = "\(failure.kind.rawValue)"
            if let status { metadata["teacher.status"] = "\(status)" }
            guard config.retry.shouldRetry(failure, afterAttempt: attempt) else {
                if failure.classification == .retryable {
                    logger.error("teacher.giving_up", metadata: metadata)
                } else {
                    logger.info("teacher.call_failed", metadata: metadata)
                }
                throw failure
            }
            if failure.kind == .rateLimited, let retryAfter = failure.retryAfter {
                await limiter.pause(for: min(retryAfter, config.retry.backoff.maximumRetryAfter))
            }
            let delay = jitter.withLock { random in
                config.retry.backoff.delay(afterAttempt: attempt, retryAfter: failure.retryAfter, using: &random)
            }
            logger.info(
                "teacher.retrying",
                metadata: metadata.merging(["teacher.delay_ms": "\(Int(delay.secondsDouble * 1000))"]) { $1 })
            try await clock.sleep(for: delay)
        }
    }

    /// How one request's answers are counted (`TokenAccounting`).
    private struct Counting {
        var promptCount: Int
        var promptEstimate: Int
        var maxTokens: Int
        var method: TokenCountMethod
        var counter: any TokenCounter

        func count(_ decoded: (choices: [[CompletionChoice]], usage: TokenUsage?, model: String?)) -> TokenAccounting.Counted {
            TokenAccounting.count(
                reported: decoded.usage, choices: decoded.choices, promptCount: promptCount, promptEstimate: promptEstimate,
                maxTokens: maxTokens, method: method, counter: counter)
        }
    }

    /// How one HTTP attempt ended.
    private enum AttemptOutcome {
        case answered(CompletionResult)
        /// An HTTP error status, a transport failure or an unreadable body, classified.
        case refused(TeacherError, httpStatus: Int?)
        /// Cancellation or an unexpected error, passed on unchanged.
        case aborted(any Error)
    }

    /// One HTTP attempt: sends, classifies, decodes and counts; on success records the call, refunds unused
    /// rate-limit tokens and fills the cache.
    private func send(
        _ request: HTTPRequest, operation: String, key: RequestKey, model: String, stage: String, promptCount: Int, n: Int,
        attempt: Int, estimatedTokens: Int, counting: Counting, metadata: Logger.Metadata
    ) async -> AttemptOutcome {
        let started = clock.now
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TeacherError {
            return .refused(error, httpStatus: nil)
        } catch {
            return .aborted(error)
        }
        let latency = started.duration(to: clock.now)
        let retryAfter = response.headerValue("Retry-After").flatMap { RetryAfter.parse($0, nowUnixSeconds: wallClock()) }
        if let error = ErrorClassifier.classify(status: response.status, body: response.body, retryAfter: retryAfter, operation: operation) {
            return .refused(error, httpStatus: response.status)
        }
        let decoded: (choices: [[CompletionChoice]], usage: TokenUsage?, model: String?)
        do {
            decoded = try OpenAIWire.decode(response.body, promptCount: promptCount, n: n, operation: operation)
        } catch {
            return .refused(error, httpStatus: response.status)
        }
        let count = counting.count(decoded)
        if count.usageTooSmall { usageWasTooSmall(promptCount: promptCount, metadata: metadata) }
        let cost = config.prices.cost(model: model, usage: count.usage)
        await recorder.record(
            CallRecord(
                stage: stage, model: model, operation: operation, promptCount: promptCount,
                promptTokens: count.usage.promptTokens, completionTokens: count.usage.completionTokens,
                latency: latency, httpStatus: response.status, attempt: attempt, costUSD: cost,
                requestHash: key.hex, errorKind: nil, cacheHit: false, tokenCountMethod: count.method))
        await limiter.refund(tokens: estimatedTokens - count.usage.totalTokens)
        if let cache {
            await cache.store(CachedResponse(body: response.body, model: model), for: key)
        }
        logger.debug("teacher.call_succeeded", metadata: metadata.merging(["teacher.status": "\(response.status)"]) { $1 })
        return .answered(CompletionResult(
            choices: decoded.choices, usage: count.usage, model: decoded.model, fromCache: false, requestKey: key,
            tokenCountMethod: count.method))
    }

    private func record(
        stage: String, model: String, operation: String, promptCount: Int, started: TeacherClock.Instant, status: Int?,
        attempt: Int, key: RequestKey, errorKind: TeacherError.Kind
    ) async {
        await recorder.record(
            CallRecord(
                stage: stage, model: model, operation: operation, promptCount: promptCount, promptTokens: nil,
                completionTokens: nil, latency: started.duration(to: clock.now), httpStatus: status, attempt: attempt, costUSD: nil,
                requestHash: key.hex, errorKind: errorKind, cacheHit: false))
    }
}
