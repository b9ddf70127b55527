import InMemoryLogging
import Logging
import SelfInstruct
import Teacher
import TeacherSimulator
import TestSupport
import Testing

// Issue 4's "must show" behaviours of the teacher client, each observed end to end: the real TeacherClient
// and CurlTransport talk HTTP to an in-process simulator whose faults are injected deterministically, and
// the assertions read the client's result, its call records, its timing and the simulator's own counters.

/// A fault the simulator injects on the first attempts of a request.
enum InjectedFault: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case tooManyRequests = "429"
    case internalError = "500"
    case overloaded = "503"
    case hang

    var testDescription: String { rawValue }

    /// Every one of the first `attempts` attempts of a body faults this way; later attempts succeed.
    func injection(firstAttempts attempts: Int) -> FaultInjection {
        switch self {
        // Retry-After 0 keeps the test fast; the timed Retry-After test uses 1 s.
        case .tooManyRequests: FaultInjection(rate429: 1, retryAfterSeconds: 0, faultsOnlyOnFirstAttempts: attempts)
        case .internalError: FaultInjection(rate500: 1, faultsOnlyOnFirstAttempts: attempts)
        case .overloaded: FaultInjection(rate503: 1, faultsOnlyOnFirstAttempts: attempts)
        case .hang: FaultInjection(rateHang: 1, hangSeconds: Self.hangSeconds, faultsOnlyOnFirstAttempts: attempts)
        }
    }

    /// How long a hung attempt stalls: well past the client's timeout for this fault.
    static let hangSeconds = 2.5
    /// The client's per-attempt timeout when the fault is a hang.
    static let hangClientTimeout = Duration.seconds(1)

    var expectedKind: TeacherError.Kind {
        switch self {
        case .tooManyRequests: .rateLimited
        case .internalError, .overloaded: .serverError
        case .hang: .timeout
        }
    }

    /// The HTTP status of a faulted attempt as the client records it (`nil`: no response before the timeout).
    var expectedStatus: Int? {
        switch self {
        case .tooManyRequests: 429
        case .internalError: 500
        case .overloaded: 503
        case .hang: nil
        }
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

@Suite("TeacherClient over HTTP against the simulator", .timeLimit(.minutes(1)))
struct TeacherOverHTTPTests {
    static let instructionParameters = SamplingParameters(maxTokens: 300, temperature: 0.7, topP: 0.5, stop: ["\n16"])

    /// The error `body` throws, which must be a `TeacherError`.
    static func teacherError(_ body: () async throws -> Void) async throws -> TeacherError {
        var thrown: (any Error)?
        do {
            try await body()
        } catch {
            thrown = error
        }
        return try #require(thrown as? TeacherError, "expected a TeacherError, got \(String(describing: thrown))")
    }

    // MARK: 1. Retries

    @Test(arguments: InjectedFault.allCases, [1, 2])
    func retriesUntilTheInjectedFaultsStop(fault: InjectedFault, faultyAttempts: Int) async throws {
        let simulator = SimulatorConfiguration(faults: fault.injection(firstAttempts: faultyAttempts))
        try await withSimulator(simulator) { sim in
            let config = sim.config(requestTimeout: fault == .hang ? InjectedFault.hangClientTimeout : .seconds(30))
            let result = try await sim.client(config).completeWithDetails(
                prompts: [SamplePrompts.instructionList(offset: faultyAttempts)], parameters: Self.instructionParameters,
                stage: "generate")
            #expect(result.choices.count == 1 && result.choices[0].count == 1)
            #expect(!result.choices[0][0].text.isEmpty)
            #expect(!result.fromCache)

            // The recorder: K failed attempts of the injected kind, then one success, all for one request key.
            let records = await sim.recorder.records
            #expect(records.count == faultyAttempts + 1)
            #expect(records.map(\.attempt) == Array(1...faultyAttempts + 1))
            #expect(Set(records.map(\.requestHash)) == [result.requestKey.hex])
            for failed in records.prefix(faultyAttempts) {
                #expect(failed.errorKind == fault.expectedKind)
                #expect(failed.httpStatus == fault.expectedStatus)
                #expect(failed.promptTokens == nil && failed.costUSD == nil)
                if fault == .hang {
                    // The client's own timeout ended the attempt, not the server.
                    #expect(failed.latency >= .milliseconds(900))
                    #expect(failed.latency < .seconds(InjectedFault.hangSeconds))
                }
            }
            let success = try #require(records.last)
            #expect(success.errorKind == nil && success.httpStatus == 200 && !success.cacheHit)
            #expect(success.promptTokens == result.usage?.promptTokens)

            // The simulator saw K+1 attempts of the same bytes. A hung attempt is counted when it finally
            // answers (200, to nobody), so wait for those.
            let stats = try await sim.stats(within: .seconds(10)) { $0.requestsTotal >= faultyAttempts + 1 }
            #expect(stats.requestsTotal == faultyAttempts + 1)
            #expect(stats.count(fault: fault.rawValue) == faultyAttempts)
            #expect(stats.distinctBodies == 1)
            if let status = fault.expectedStatus {
                #expect(stats.count(status: status) == faultyAttempts)
                #expect(stats.count(status: 200) == 1)
            } else {
                #expect(stats.count(status: 200) == faultyAttempts + 1)
            }
        }
    }

    @Test func givesUpAfterTheLastAllowedAttempt() async throws {
        let simulator = SimulatorConfiguration(faults: FaultInjection(rate500: 1, faultsOnlyOnFirstAttempts: 5))
        try await withSimulator(simulator) { sim in
            let client = sim.client(sim.config(maximumAttempts: 3))
            let error = try await Self.teacherError {
                _ = try await client.complete(prompts: [SamplePrompts.instructionList()], parameters: Self.instructionParameters, stage: "generate")
            }
            #expect(error.kind == .serverError && error.classification == .retryable && error.httpStatus == 500)
            #expect(error.message.contains("The server had an error"))
            let records = await sim.recorder.records
            #expect(records.map(\.attempt) == [1, 2, 3])
            #expect(records.allSatisfy { $0.errorKind == .serverError })
            #expect(try await sim.stats().requestsTotal == 3)
        }
    }

    // MARK: 2. No retry on a rejected request

    struct RejectedRequest: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var prompt: String
        var model: String?
        var temperature: Double
        var kind: TeacherError.Kind
        var status: Int
        /// A piece of the simulator's own error message.
        var serverMessage: String
    }

    static let simulatorContextTokens = 512

    static let rejectedRequests = [
        RejectedRequest(
            testDescription: "prompt beyond the server's context window",
            // ~2,300 bytes, ~580 simulator tokens: over the server's 512, under the client's own 8192 budget.
            prompt: SamplePrompts.inputFirst(String(repeating: "Describe the long history of the river valley. ", count: 45)),
            temperature: 0, kind: .invalidRequest, status: 400,
            serverMessage: "maximum context length is \(simulatorContextTokens) tokens"),
        RejectedRequest(
            testDescription: "temperature out of range", prompt: "Say hello.", temperature: 3.5, kind: .invalidRequest,
            status: 400, serverMessage: "is not valid for 'temperature'"),
        RejectedRequest(
            testDescription: "unknown model", prompt: "Say hello.", model: "no-such-model", temperature: 0, kind: .notFound,
            status: 404, serverMessage: "`no-such-model` does not exist"),
    ]

    @Test(arguments: rejectedRequests)
    func rejectedRequestsFailTheItemAfterOneAttempt(_ rejected: RejectedRequest) async throws {
        // Faults would be retried; none are injected, so the single attempt is the server's verdict on the request.
        let simulator = SimulatorConfiguration(contextTokens: Self.simulatorContextTokens)
        try await withSimulator(simulator) { sim in
            let client = sim.client(sim.config())
            let error = try await Self.teacherError {
                _ = try await client.complete(
                    prompts: [rejected.prompt], parameters: SamplingParameters(maxTokens: 64, temperature: rejected.temperature),
                    model: rejected.model, stage: "instances")
            }
            #expect(error.kind == rejected.kind)
            #expect(error.classification == .failItem)
            #expect(error.httpStatus == rejected.status)
            #expect(error.message.contains(rejected.serverMessage), "message: \(error.message)")
            let records = await sim.recorder.records
            #expect(records.count == 1)
            #expect(records.first?.errorKind == rejected.kind && records.first?.httpStatus == rejected.status)
            let stats = try await sim.stats()
            #expect(stats.requestsTotal == 1 && stats.count(status: rejected.status) == 1)
        }
    }

    // MARK: 3. Rejected credentials

    @Test func wrongKeyStopsTheCallerAndNeverShowsTheKey() async throws {
        let wrongKey = "sk-wrong-4f1c9a7e2b66d0"
        let rightKey = "sk-right-0d3e8b91c5a7f2"
        let logs = InMemoryLogHandler()
        let logger = {
            var logger = Logger(label: "teacher", factory: { _ in logs })
            logger.logLevel = .trace
            return logger
        }()
        let simulator = SimulatorConfiguration(requiredAPIKey: rightKey)
        try await withSimulator(simulator, transportLogger: logger) { sim in
            let config = sim.config(apiKey: APIKey(wrongKey))
            let error = try await Self.teacherError {
                _ = try await sim.client(config, logger: logger).complete(
                    prompts: [SamplePrompts.instructionList()], parameters: Self.instructionParameters, stage: "generate")
            }
            #expect(error.kind == .credentialsRejected)
            #expect(error.message == "credentials rejected")
            #expect(error.classification == .stopCaller)
            #expect(error.httpStatus == 401)
            #expect(await sim.recorder.records.count == 1)
            #expect(try await sim.stats().count(status: 401) == 1)

            #expect(!logs.entries.isEmpty, "the check below must have logs to look at")
            let texts = [String(describing: error), String(reflecting: error), config.description, String(reflecting: config)]
                + logs.entries.map { "\($0.message) \($0.metadata)" }
            for text in texts {
                #expect(!text.contains(wrongKey))
            }

            // Control: the same request with the right key goes through, so the 401 was about the key.
            let accepted = try await sim.client(sim.config(apiKey: APIKey(rightKey))).complete(
                prompts: [SamplePrompts.instructionList()], parameters: Self.instructionParameters, stage: "generate")
            #expect(accepted.count == 1)
        }
    }

    // MARK: 4. Retry-After, timed

    @Test func retryAfterIsHonoured() async throws {
        let simulator = SimulatorConfiguration(
            faults: FaultInjection(rate429: 1, retryAfterSeconds: 1, faultsOnlyOnFirstAttempts: 1))
        try await withSimulator(simulator) { sim in
            // The backoff alone would wait at most 20 ms before the first retry.
            _ = try await sim.client(sim.config()).complete(
                prompts: [SamplePrompts.instructionList()], parameters: Self.instructionParameters, stage: "generate")
            let exchanges = sim.timing.exchanges
            #expect(exchanges.map(\.status) == [429, 200])
            guard exchanges.count == 2 else { return }
            // From the 429's arrival to the retry leaving the client: Retry-After's 1 s (5 ms of clock slack),
            // and not much more.
            let wait = exchanges[0].finished.duration(to: exchanges[1].sent)
            #expect(wait >= .milliseconds(995), "retried after \(wait)")
            #expect(wait < .milliseconds(1750), "retried after \(wait)")
            #expect(try await sim.stats().requestsTotal == 2)
        }
    }

    // MARK: 5. Rate limits

    @Test func requestRateIsHeld() async throws {
        // 600/min = 10/s with a burst of 1: the first request takes the only token at t0 and request k may leave
        // at t0 + k/10 s, so 40 concurrent requests span 3.9 s. Measured on the client side (when each request
        // was handed to the transport): (N − 1) intervals over first-to-last span. With a burst of 1 no
        // initial burst is folded into the figure.
        let requests = 40
        let limit = 10.0
        try await withSimulator { sim in
            let client = sim.client(sim.config(rateLimits: RateLimits(requestsPerMinute: limit * 60, requestBurst: 1)))
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<requests {
                    group.addTask {
                        try await client.complete(
                            prompts: ["Say one thing about the number \(index)."], parameters: SamplingParameters(maxTokens: 32),
                            stage: "rate")
                            .count
                    }
                }
                for try await count in group {
                    #expect(count == 1)
                }
            }
            let sends = sim.timing.exchanges.map(\.sent).sorted()
            #expect(sends.count == requests)
            guard let first = sends.first, let last = sends.last else { return }
            let achieved = Double(sends.count - 1) / first.duration(to: last).seconds
            #expect(abs(achieved - limit) / limit <= 0.05, "achieved \(achieved) requests/s against a limit of \(limit)")
            // The span check above already rules out unpaced requests (40 at once would give a rate far above
            // the limit); a per-second window check is not made, since timestamps taken after the limiter's
            // grant bunch up when a loaded machine delays the tasks that received them.
            #expect(try await sim.stats().requestsTotal == requests)
        }
    }

    // MARK: 6. Cache

    @Test func repeatedRequestIsServedFromTheCache() async throws {
        try await withSimulator { sim in
            let cache = InMemoryResponseCache()
            let client = sim.client(sim.config(), cache: cache)
            let prompts = [SamplePrompts.instructionList()]
            let first = try await client.completeWithDetails(prompts: prompts, parameters: Self.instructionParameters, stage: "generate")
            #expect(!first.fromCache)
            #expect(try await sim.stats().requestsTotal == 1)

            let again = try await client.completeWithDetails(prompts: prompts, parameters: Self.instructionParameters, stage: "generate")
            #expect(again.fromCache)
            #expect(again.choices == first.choices)
            #expect(again.requestKey == first.requestKey)
            #expect(try await sim.stats().requestsTotal == 1)
            let hit = try #require(await sim.recorder.records.last)
            #expect(hit.cacheHit && hit.attempt == 0 && hit.httpStatus == nil && hit.requestHash == first.requestKey.hex)
            #expect(await cache.hits == 1)

            var warmer = Self.instructionParameters
            warmer.temperature = 0.9
            let different = try await client.completeWithDetails(prompts: prompts, parameters: warmer, stage: "generate")
            #expect(!different.fromCache)
            #expect(different.requestKey != first.requestKey)
            #expect(try await sim.stats().requestsTotal == 2)
            #expect(await sim.recorder.records.filter(\.cacheHit).count == 1)
        }
    }

    // MARK: 7. Usage and cost

    @Test func recordedUsageAndCostMatchWhatTheServerReported() async throws {
        // Faults on the first two attempts of some bodies, so the mix includes retried calls.
        let simulator = SimulatorConfiguration(
            faults: FaultInjection(rate429: 0.25, retryAfterSeconds: 0, rate500: 0.25, rate503: 0.2, faultsOnlyOnFirstAttempts: 2))
        let price = TokenPrices(promptPerMillion: 1.5, completionPerMillion: 2.0)
        try await withSimulator(simulator) { sim in
            let client = sim.client(sim.config(prices: PriceTable(["si-sim-1": price])))
            var expectedPrompt = 0
            var expectedCompletion = 0
            var reportedPrompt = 0
            var reportedCompletion = 0

            func account(_ result: CompletionResult, promptTexts: [String]) throws {
                let usage = try #require(result.usage)
                reportedPrompt += usage.promptTokens
                reportedCompletion += usage.completionTokens
                // The simulator's documented token rule, applied to what was sent and what came back.
                let prompt = promptTexts.reduce(0) { $0 + SimulatedTokenizer.count($1) }
                let completion = result.choices.joined().reduce(0) { $0 + SimulatedTokenizer.count($1.text) }
                #expect(usage.promptTokens == prompt)
                #expect(usage.completionTokens == completion)
                expectedPrompt += prompt
                expectedCompletion += completion
            }

            for offset in 0..<3 {
                let prompts = [SamplePrompts.instructionList(offset: offset)]
                try account(
                    try await client.completeWithDetails(prompts: prompts, parameters: Self.instructionParameters, stage: "generate"),
                    promptTexts: prompts)
            }
            let questions = SamplePrompts.seeds.prefix(3).map(SamplePrompts.isClassification)
            try account(
                try await client.completeWithDetails(
                    prompts: questions, parameters: SamplingParameters(maxTokens: 3, temperature: 0, stop: ["\n"]),
                    stage: "classify"),
                promptTexts: questions)
            let instances = [SamplePrompts.inputFirst(SamplePrompts.seeds[2])]
            try account(
                try await client.completeWithDetails(
                    prompts: instances, parameters: SamplingParameters(maxTokens: 200, temperature: 0.7, n: 2), stage: "instances"),
                promptTexts: instances)
            let messages = [
                ChatMessage(role: .system, content: "You write tasks."), ChatMessage(role: .user, content: "Say one thing about rivers."),
            ]
            try account(
                try await client.chatWithDetails(messages: messages, parameters: SamplingParameters(maxTokens: 40), stage: "chat"),
                promptTexts: messages.map(\.content))

            let records = await sim.recorder.records
            let failures = records.filter { $0.errorKind != nil }
            #expect(!failures.isEmpty, "the mix must include retried calls")
            #expect(records.filter { $0.errorKind == nil }.count == 6)
            #expect(failures.allSatisfy { $0.promptTokens == nil && $0.completionTokens == nil && $0.costUSD == nil })

            let recordedPrompt = records.compactMap(\.promptTokens).reduce(0, +)
            let recordedCompletion = records.compactMap(\.completionTokens).reduce(0, +)
            #expect(recordedPrompt == expectedPrompt && recordedPrompt == reportedPrompt)
            #expect(recordedCompletion == expectedCompletion && recordedCompletion == reportedCompletion)

            let recordedCost = records.compactMap(\.costUSD).reduce(0, +)
            let expectedCost =
                (Double(expectedPrompt) * price.promptPerMillion + Double(expectedCompletion) * price.completionPerMillion) / 1_000_000
            #expect(expectedCost > 0)
            #expect(abs(recordedCost - expectedCost) <= 1e-12 * expectedCost)

            // Every recorded attempt is one request the simulator answered.
            #expect(try await sim.stats().requestsTotal == records.count)
        }
    }

    // MARK: 8. Several prompts per request, several choices per prompt

    @Test func batchedChoicesAreMappedToTheirPromptsByIndex() async throws {
        try await withSimulator { sim in
            let client = sim.client(sim.config())
            let prompts = [
                SamplePrompts.instructionList(offset: 0),
                SamplePrompts.isClassification(SamplePrompts.seeds[1]),
                SamplePrompts.inputFirst(SamplePrompts.seeds[2]),
                "Say one thing about the sea.",
                SamplePrompts.instructionList(offset: 10),
            ]
            // Temperature > 0: the simulator's two choices of one prompt differ, so a choice swap shows too.
            let parameters = SamplingParameters(maxTokens: 300, temperature: 0.8, n: 2)
            let batch = try await client.complete(prompts: prompts, parameters: parameters, stage: "batch")
            #expect(batch.count == prompts.count)
            #expect(batch.allSatisfy { $0.map(\.indexInPrompt) == [0, 1] })
            #expect(batch.contains { $0[0].text != $0[1].text })

            // The simulator answers a prompt the same way alone or in a batch, so each prompt sent on its own
            // must get exactly the choices the batch assigned to it.
            for (position, prompt) in prompts.enumerated() {
                let alone = try await client.complete(prompts: [prompt], parameters: parameters, stage: "batch")
                #expect(alone == [batch[position]], "prompt \(position)")
            }
            #expect(try await sim.stats().requestsTotal == 1 + prompts.count)
        }
    }
}
