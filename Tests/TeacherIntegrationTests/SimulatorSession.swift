import Foundation
import Logging
import Synchronization
import Teacher
import TeacherSimulator
import TestSupport

// The real TeacherClient and CurlTransport against an in-process simulator on an ephemeral port: every
// request in these tests crosses a real TCP connection, libcurl on one side and Hummingbird on the other.

/// One exchange as the wrapped transport saw it: when it was handed over and when its answer (or error) came back.
struct Exchange: Sendable {
    var sent: ContinuousClock.Instant
    var finished: ContinuousClock.Instant
    var status: Int?
}

/// Passes every request to the real transport and notes when each one left and returned (client-side timing).
final class TimingTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let log = Mutex<[Exchange]>([])

    init(_ inner: any HTTPTransport) {
        self.inner = inner
    }

    /// Completed exchanges in completion order.
    var exchanges: [Exchange] { log.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let sent = ContinuousClock.now
        do {
            let response = try await inner.send(request)
            let finished = ContinuousClock.now
            log.withLock { $0.append(Exchange(sent: sent, finished: finished, status: response.status)) }
            return response
        } catch {
            let finished = ContinuousClock.now
            log.withLock { $0.append(Exchange(sent: sent, finished: finished, status: nil)) }
            throw error
        }
    }
}

/// A running simulator plus the transport and recorder a test's clients share.
struct SimulatorSession: Sendable {
    let simulator: SimulatorClient
    let transport: CurlTransport
    let timing: TimingTransport
    let recorder: InMemoryCallRecorder

    var baseURL: String { simulator.baseURL }

    /// Client settings for this simulator: generous timeouts (timing is not the point unless a test says so)
    /// and a short backoff so retries do not slow the suite down.
    func config(
        apiKey: APIKey? = nil, contextTokens: Int = 8192, requestTimeout: Duration = .seconds(30), maximumAttempts: Int = 6,
        rateLimits: RateLimits = .unlimited, prices: PriceTable = PriceTable()
    ) -> TeacherConfig {
        TeacherConfig(
            baseURL: baseURL, model: "si-sim-1", apiKey: apiKey, contextTokens: contextTokens, connectTimeout: .seconds(10),
            requestTimeout: requestTimeout,
            retry: RetryPolicy(
                maximumAttempts: maximumAttempts, backoff: BackoffPolicy(base: .milliseconds(20), cap: .milliseconds(100))),
            rateLimits: rateLimits, prices: prices)
    }

    /// A `TeacherClient` over the timed real transport, recording into `recorder`.
    func client(_ config: TeacherConfig, cache: (any ResponseCache)? = nil, logger: Logger? = nil) -> TeacherClient {
        TeacherClient(config: config, transport: timing, recorder: recorder, cache: cache, logger: logger, jitterSeed: 7)
    }

    /// The simulator's counters (see `SimulatorClient.stats()`).
    func stats() async throws -> SimulatorStats {
        try await simulator.stats()
    }

    /// Polls the counters until `done` holds or `timeout` passes (see `SimulatorClient.stats(within:until:)`).
    func stats(within timeout: Duration, until done: (SimulatorStats) -> Bool) async throws -> SimulatorStats {
        try await simulator.stats(within: timeout, until: done)
    }
}

/// Starts an in-process simulator with `configuration`, runs `body` against it with a fresh CurlTransport,
/// then shuts the transport down and stops the server.
func withSimulator<T: Sendable>(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(), transportLogger: Logger? = nil,
    _ body: @Sendable (SimulatorSession) async throws -> T
) async throws -> T {
    try await SimulatorHarness.run(configuration) { simulator in
        let logger = transportLogger ?? Logger(label: "curl", factory: { _ in SwiftLogNoOpLogHandler() })
        let transport = try CurlTransport(logger: logger)
        let session = SimulatorSession(
            simulator: simulator, transport: transport, timing: TimingTransport(transport), recorder: InMemoryCallRecorder())
        do {
            let result = try await body(session)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }
}

/// Prompts shaped like the reference pipelines' (the simulator recognises each kind by its shape).
enum SamplePrompts {
    static let seeds = [
        "Plan a two-day weekend trip to a city you have never visited, with a budget of 300 dollars.",
        "Classify the tone of the email as formal or informal.",
        "Sort the given numbers in ascending order.",
        "Explain photosynthesis to a ten-year-old in three sentences.",
        "Decide whether the message is spam.",
        "Rewrite the sentence in the active voice.",
        "Suggest a substitute for eggs in a cake recipe and say how much to use.",
        "Tell whether the statement is a fact or an opinion.",
        "Summarize the paragraph in one sentence.",
        "Write three questions a hiring manager might ask a candidate for a junior accountant role.",
        "Translate the sentence into French.",
        "Label the sentiment of the product review as positive, negative or neutral.",
        "Write a Python function that returns the reverse of a string.",
        "Write a short birthday message for a coworker you do not know well.",
        "Find the word that does not belong with the others.",
        "Correct the grammar mistakes in the sentence.",
        "List two advantages and two disadvantages of working from home.",
        "Solve the word problem and show your reasoning.",
        "Is the question asking for a yes/no answer or for information?",
        "Suggest five names for a startup that delivers fresh groceries by bike.",
    ]

    /// A Self-Instruct stage-1 list ending in a bare `9.`, from seeds starting at `offset`.
    static func instructionList(offset: Int = 0) -> String {
        let examples = (0..<8).map { seeds[(offset + $0) % seeds.count] }
        return "Come up with a series of tasks:\n" + examples.enumerated().map { "\($0.offset + 1). \($0.element)\n" }.joined() + "9."
    }

    /// A stage-2 "is it classification?" prompt.
    static func isClassification(_ task: String) -> String {
        "Can the following task be regarded as a classification task with finite output labels?\n\n"
            + "Task: Given my personality and the job, tell me if I would be suitable.\nIs it classification? Yes\n\n"
            + "Task: " + task + "\nIs it classification?"
    }

    /// A stage-3 input-first instance prompt.
    static func inputFirst(_ task: String) -> String {
        "Come up with examples for the following tasks. Try to generate multiple examples when possible.\n\n"
            + "Task: Sort the given list ascendingly.\nExample 1\nList: [10, 92, 2, 5, -4]\nOutput: [-4, 2, 5, 10, 92]\n\n"
            + "Task: " + task + "\n"
    }
}
