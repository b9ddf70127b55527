import InMemoryLogging
import Logging
import SelfInstruct
import Synchronization
import Testing

@testable import Teacher

/// A transport that answers from a script and remembers what it was sent (for client logic without sockets).
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case respond(HTTPResponse)
        case fail(TeacherError)
    }

    private let state: Mutex<(steps: [Step], requests: [HTTPRequest])>

    init(_ steps: [Step]) {
        state = Mutex((steps, []))
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step: Step? = state.withLock { state in
            state.requests.append(request)
            return state.steps.isEmpty ? nil : state.steps.removeFirst()
        }
        switch step {
        case .respond(let response)?: return response
        case .fail(let error)?: throw error
        case nil: Issue.record("unexpected request"); throw CancellationError()
        }
    }
}

/// Virtual time: sleeping records the delay and advances the clock at once.
final class SleepLog: Sendable {
    private let state = Mutex<(delays: [Duration], elapsed: Duration)>(([], .zero))
    private let origin = ContinuousClock.now
    var recorded: [Duration] { state.withLock { $0.delays } }

    var clock: TeacherClock {
        TeacherClock(
            now: { [self] in origin.advanced(by: state.withLock { $0.elapsed }) },
            sleep: { [self] delay in
                state.withLock {
                    $0.delays.append(delay)
                    $0.elapsed += delay
                }
            })
    }
}

@Suite("TeacherClient over a scripted transport")
struct ClientTests {
    static let secret = "sk-live-SECRET-987"
    static let completionsBody = Array(
        #"{"choices":[{"text":" one","index":1,"finish_reason":"stop"},{"text":" zero","index":0,"finish_reason":"length"}],"usage":{"prompt_tokens":10,"completion_tokens":4,"total_tokens":14}}"#
            .utf8)

    static func response(_ status: Int, _ body: [UInt8] = [], headers: [HTTPHeader] = []) -> ScriptedTransport.Step {
        .respond(HTTPResponse(status: status, headers: headers, body: body))
    }

    static func config(maxAttempts: Int = 4) -> TeacherConfig {
        TeacherConfig(
            baseURL: "http://teacher.local", model: "tiny", apiKey: APIKey(secret), contextTokens: 4096,
            retry: RetryPolicy(maximumAttempts: maxAttempts, backoff: BackoffPolicy(base: .seconds(1), cap: .seconds(8))),
            prices: PriceTable(["tiny": TokenPrices(promptPerMillion: 1_000_000, completionPerMillion: 2_000_000)]))
    }

    static func client(
        _ transport: ScriptedTransport, recorder: InMemoryCallRecorder = InMemoryCallRecorder(), cache: InMemoryResponseCache? = nil,
        sleeps: SleepLog = SleepLog(), logs: InMemoryLogHandler = InMemoryLogHandler(), maxAttempts: Int = 4
    ) -> TeacherClient {
        var handler = logs
        handler.logLevel = .trace
        return TeacherClient(
            config: config(maxAttempts: maxAttempts), transport: transport, recorder: recorder, cache: cache,
            logger: Logger(label: "test", factory: { _ in handler }), jitterSeed: 3, clock: sleeps.clock,
            wallClock: { 784_111_777 })
    }

    let parameters = SamplingParameters(maxTokens: 100, n: 1)

    @Test func successSplitsChoicesRecordsUsageAndCost() async throws {
        let transport = ScriptedTransport([Self.response(200, Self.completionsBody)])
        let recorder = InMemoryCallRecorder()
        let choices = try await Self.client(transport, recorder: recorder)
            .complete(prompts: ["a", "b"], parameters: parameters, stage: "generate")
        #expect(choices.map { $0.map(\.text) } == [[" zero"], [" one"]])
        #expect(choices[0][0].finishReason == .length)
        let records = await recorder.records
        #expect(records.count == 1)
        #expect(records[0].promptTokens == 10 && records[0].completionTokens == 4)
        #expect(records[0].tokenCountMethod == .usage)
        #expect(abs((records[0].costUSD ?? 0) - 18) < 1e-9)
        #expect(records[0].attempt == 1 && records[0].httpStatus == 200 && records[0].errorKind == nil)
        #expect(records[0].stage == "generate" && records[0].promptCount == 2)
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://teacher.local/v1/completions")
        #expect(request.headers.contains(HTTPHeader(name: "Authorization", value: "Bearer \(Self.secret)")))
        #expect(!request.description.contains(Self.secret))
    }

    @Test func retriesTransientFailuresHonouringRetryAfterAndRecordsEveryAttempt() async throws {
        let transport = ScriptedTransport([
            Self.response(429, Array(#"{"error":{"message":"slow down"}}"#.utf8), headers: [HTTPHeader(name: "retry-after", value: "20")]),
            .fail(ErrorClassifier.classify(transportFailure: .timedOut, detail: "timeout", operation: "POST /v1/completions")),
            Self.response(503),
            Self.response(200, Self.completionsBody),
        ])
        let recorder = InMemoryCallRecorder()
        let sleeps = SleepLog()
        let choices = try await Self.client(transport, recorder: recorder, sleeps: sleeps)
            .complete(prompts: ["a", "b"], parameters: parameters, stage: "generate")
        #expect(choices.count == 2)
        let records = await recorder.records
        #expect(records.map(\.attempt) == [1, 2, 3, 4])
        #expect(records.map(\.errorKind) == [.rateLimited, .timeout, .serverError, nil])
        #expect(records.map(\.httpStatus) == [429, nil, 503, 200])
        #expect(Set(records.map(\.requestHash)).count == 1)
        let delays = sleeps.recorded
        #expect(delays.count == 3)
        #expect(delays[0] == .seconds(20))  // Retry-After floor beats attempt 1's ≤ 1 s jitter
        #expect(delays[1] <= .seconds(2) && delays[2] <= .seconds(4))
    }

    @Test func retryAfterAsHTTPDate() async throws {
        let transport = ScriptedTransport([
            Self.response(429, headers: [HTTPHeader(name: "Retry-After", value: "Sun, 06 Nov 1994 08:50:07 GMT")]),
            Self.response(200, Self.completionsBody),
        ])
        let sleeps = SleepLog()
        _ = try await Self.client(transport, sleeps: sleeps).complete(prompts: ["a", "b"], parameters: parameters, stage: "s")
        #expect(sleeps.recorded == [.seconds(30)])
    }

    @Test func givesUpAfterMaximumAttempts() async throws {
        let transport = ScriptedTransport([Self.response(500), Self.response(500)])
        let recorder = InMemoryCallRecorder()
        await #expect {
            try await Self.client(transport, recorder: recorder, maxAttempts: 2)
                .complete(prompts: ["a"], parameters: parameters, stage: "s")
        } throws: { error in
            (error as? TeacherError)?.kind == .serverError
        }
        #expect(await recorder.records.count == 2)
    }

    @Test func badRequestFailsTheItemAtOnceWithTheServersMessage() async throws {
        let transport = ScriptedTransport([Self.response(400, Array(#"{"error":{"message":"stop has too many entries"}}"#.utf8))])
        let sleeps = SleepLog()
        await #expect {
            try await Self.client(transport, sleeps: sleeps).complete(prompts: ["a"], parameters: parameters, stage: "s")
        } throws: { error in
            guard let error = error as? TeacherError else { return false }
            return error.classification == .failItem && error.message == "stop has too many entries"
        }
        #expect(transport.requests.count == 1)
        #expect(sleeps.recorded.isEmpty)
    }

    @Test func rejectedCredentialsStopTheCallerWithoutLeakingTheKey() async throws {
        let echo = Array(#"{"error":{"message":"Incorrect API key provided: sk-live-SECRET-987"}}"#.utf8)
        let transport = ScriptedTransport([Self.response(401, echo)])
        let logs = InMemoryLogHandler()
        var thrown: (any Error)?
        do {
            _ = try await Self.client(transport, logs: logs).complete(prompts: ["a"], parameters: parameters, stage: "s")
        } catch {
            thrown = error
        }
        let error = try #require(thrown as? TeacherError)
        #expect(error.classification == .stopCaller)
        #expect(error.message == "credentials rejected")
        #expect(transport.requests.count == 1)
        #expect(!logs.entries.isEmpty)
        let everything = [String(describing: error), String(reflecting: error)]
            + logs.entries.map { "\($0.message) \($0.metadata)" }
        for text in everything {
            #expect(!text.contains(Self.secret))
        }
    }

    @Test func serverMessagesEchoingTheKeyAreRedacted() async throws {
        let echo = Array(#"{"error":{"message":"bad field near sk-live-SECRET-987"}}"#.utf8)
        let transport = ScriptedTransport([Self.response(422, echo)])
        await #expect {
            try await Self.client(transport).complete(prompts: ["a"], parameters: parameters, stage: "s")
        } throws: { error in
            let text = String(describing: error)
            return text.contains("[redacted]") && !text.contains(Self.secret)
        }
    }

    @Test func cacheHitMakesNoHTTPCall() async throws {
        let cache = InMemoryResponseCache()
        let recorder = InMemoryCallRecorder()
        let first = ScriptedTransport([Self.response(200, Self.completionsBody)])
        let fresh = try await Self.client(first, recorder: recorder, cache: cache)
            .completeWithDetails(prompts: ["a", "b"], parameters: parameters, stage: "s")
        #expect(!fresh.fromCache)
        let second = ScriptedTransport([])
        let replay = try await Self.client(second, recorder: recorder, cache: cache)
            .completeWithDetails(prompts: ["a", "b"], parameters: parameters, stage: "s")
        #expect(second.requests.isEmpty)
        #expect(replay.fromCache)
        #expect(replay.choices == fresh.choices)
        #expect(replay.requestKey == fresh.requestKey)
        let records = await recorder.records
        #expect(records.map(\.cacheHit) == [false, true])
        #expect(records[1].costUSD == 0)
    }

    @Test func promptTooLongFailsBeforeAnyCall() async throws {
        let transport = ScriptedTransport([])
        let prompt = String(repeating: "lorem ipsum dolor sit amet ", count: 2000)
        await #expect {
            try await Self.client(transport).complete(prompts: [prompt], parameters: parameters, stage: "s")
        } throws: { error in
            (error as? TeacherError)?.kind == .promptTooLong
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func badLogitBiasKeyStopsTheCallerBeforeAnyCall() async throws {
        let transport = ScriptedTransport([])
        var bad = parameters
        bad.logitBias = [-1: -100]
        await #expect {
            try await Self.client(transport).complete(prompts: ["p"], parameters: bad, stage: "s")
        } throws: { error in
            (error as? TeacherError).map { $0.kind == .configuration && $0.classification == .stopCaller } ?? false
        }
        await #expect {
            try await Self.client(transport).chat(messages: [ChatMessage(role: .user, content: "p")], parameters: bad, stage: "s")
        } throws: { error in
            (error as? TeacherError)?.kind == .configuration
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func maxTokensIsClampedToTheContext() async throws {
        let transport = ScriptedTransport([Self.response(200, Array(#"{"choices":[{"text":"x","index":0}]}"#.utf8))])
        let prompt = String(repeating: "word ", count: 300)  // ~600 estimated tokens
        _ = try await Self.client(transport).complete(prompts: [prompt], parameters: SamplingParameters(maxTokens: 4000), stage: "s")
        let body = String(decoding: try #require(transport.requests.first?.body), as: UTF8.self)
        let promptTokens = ConservativeTokenEstimator().tokenCount(of: prompt)
        #expect(body.contains("\"max_tokens\":\(4096 - promptTokens - 64)"))
    }

    @Test func requestRateLimitSpacesCallsOnTheClientClock() async throws {
        let ok = Array(#"{"choices":[{"text":"x","index":0}]}"#.utf8)
        let transport = ScriptedTransport([Self.response(200, ok), Self.response(200, ok), Self.response(200, ok)])
        let sleeps = SleepLog()
        var config = Self.config()
        config.rateLimits = RateLimits(requestsPerMinute: 2)  // burst 2, then one every 30 s
        let client = TeacherClient(config: config, transport: transport, clock: sleeps.clock)
        for prompt in ["a", "b", "c"] {
            _ = try await client.complete(prompts: [prompt], parameters: parameters, stage: "s")
        }
        #expect(transport.requests.count == 3)
        #expect(sleeps.recorded.count == 1)
        #expect(abs((sleeps.recorded.first ?? .zero).secondsDouble - 30) < 0.01)
    }

    @Test func chatGoesToTheChatEndpoint() async throws {
        let transport = ScriptedTransport([
            Self.response(200, Array(#"{"choices":[{"index":0,"message":{"content":"hi there"},"finish_reason":"stop"}]}"#.utf8))
        ])
        let choices = try await Self.client(transport).chat(
            messages: [ChatMessage(role: .system, content: "be brief"), ChatMessage(role: .user, content: "hello")],
            parameters: parameters, stage: "s")
        #expect(choices.map(\.text) == ["hi there"])
        #expect(transport.requests.first?.url == "http://teacher.local/v1/chat/completions")
    }
}
