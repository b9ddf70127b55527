// What the teacher benchmarks share: an in-process simulator, a real client over libcurl, a closed-loop
// load driver and process CPU accounting.

import Foundation
import Logging
import SelfInstruct
import Teacher
import TeacherSimulator

/// The simulator's default model id, which the benchmarks ask for.
let simulatorModel = "si-sim-1"

/// A logger that drops everything: benchmark output is the figures, not the server's or client's logs.
let silentLogger = Logger(label: "si-bench", factory: { _ in SwiftLogNoOpLogHandler() })

struct SimulatorDidNotStart: Error, CustomStringConvertible {
    var description: String { "the in-process simulator stopped before it reported its port" }
}

/// Runs a simulator on 127.0.0.1 with an ephemeral port, calls `body` with its base URL, then stops it.
func withInProcessSimulator<Result: Sendable>(
    _ configuration: SimulatorConfiguration, _ body: (String) async throws -> Result
) async throws -> Result {
    let simulator = TeacherSimulator(configuration: configuration, logger: silentLogger)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await simulator.run(host: "127.0.0.1", port: 0) { port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.waitForAll()
            throw SimulatorDidNotStart()
        }
        do {
            let result = try await body("http://127.0.0.1:\(port)")
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// A teacher client over a fresh `CurlTransport` for `body`; the transport is shut down afterwards.
/// `maximumConnections` nil keeps the library default (what `SI_TEACHER_MAX_CONNECTIONS` unset gives).
func withTeacherClient<Result: Sendable>(
    baseURL: String, model: String = simulatorModel, apiKey: APIKey? = nil, maximumConnections: Int? = nil,
    _ body: (TeacherClient) async throws -> Result
) async throws -> Result {
    var config = TeacherConfig(baseURL: baseURL, model: model, apiKey: apiKey, requestTimeout: .seconds(120))
    if let maximumConnections { config.maximumConnections = maximumConnections }
    return try await withCurlTransport(configuration: CurlTransport.Configuration(for: config), logger: silentLogger) { transport in
        try await body(TeacherClient(config: config, transport: transport, logger: silentLogger))
    }
}

/// What one closed-loop run measured.
struct LoadOutcome: Sendable {
    var succeeded = 0
    /// Failed requests by error kind.
    var failures: [String: Int] = [:]
    /// Seconds per successful request, in completion order.
    var latencies: [Double] = []
    var wallSeconds = 0.0
    /// User plus system CPU of the whole process (client, curl thread and in-process simulator).
    var cpuSeconds = 0.0
    /// The same by thread group (see `ThreadGroup`), from /proc; empty where /proc is missing.
    var cpuSecondsByThreadGroup: [ThreadGroup: Double] = [:]

    /// "curl 0.31 ms, NIO event loops 0.52 ms, …" per successful request.
    var threadGroupSummary: String {
        ThreadGroup.allCases.compactMap { group in
            cpuSecondsByThreadGroup[group].map {
                String(format: "%@ %.3f ms", group.rawValue, 1000 * $0 / Double(max(1, succeeded)))
            }
        }.joined(separator: ", ")
    }

    var failed: Int { failures.values.reduce(0, +) }
    var requestsPerSecond: Double { Double(succeeded) / wallSeconds }

    /// The `p`-quantile (0...1) of the latencies in milliseconds, nearest rank.
    func latencyMilliseconds(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        let rank = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank] * 1000
    }

    var failureSummary: String {
        failures.isEmpty ? "none" : failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}

/// Sends `requests` requests through `send` (called with the request number), keeping exactly `inFlight`
/// outstanding until the last ones: a new request starts as soon as one finishes.
func runClosedLoop(
    requests: Int, inFlight: Int, _ send: @escaping @Sendable (Int) async throws -> Void
) async -> LoadOutcome {
    var outcome = LoadOutcome()
    outcome.latencies.reserveCapacity(requests)
    let cpuStart = processCPUSeconds()
    let threadsStart = threadCPUSeconds()
    let start = monotonicSeconds()
    await withTaskGroup(of: (latency: Double, failure: String?).self) { group in
        var issued = 0
        while issued < min(inFlight, requests) {
            let number = issued
            group.addTask { await timedRequest(number, send) }
            issued += 1
        }
        while let result = await group.next() {
            if let failure = result.failure {
                outcome.failures[failure, default: 0] += 1
            } else {
                outcome.succeeded += 1
                outcome.latencies.append(result.latency)
            }
            if issued < requests {
                let number = issued
                group.addTask { await timedRequest(number, send) }
                issued += 1
            }
        }
    }
    outcome.wallSeconds = monotonicSeconds() - start
    outcome.cpuSeconds = processCPUSeconds() - cpuStart
    for (thread, end) in threadCPUSeconds() {
        let used = end.seconds - (threadsStart[thread]?.seconds ?? 0)
        outcome.cpuSecondsByThreadGroup[ThreadGroup(threadName: end.name), default: 0] += used
    }
    return outcome
}

private func timedRequest(_ number: Int, _ send: @Sendable (Int) async throws -> Void) async -> (latency: Double, failure: String?) {
    let start = monotonicSeconds()
    do {
        try await send(number)
        return (monotonicSeconds() - start, nil)
    } catch let error as TeacherError {
        return (monotonicSeconds() - start, error.kind.rawValue)
    } catch {
        return (monotonicSeconds() - start, String(describing: type(of: error)))
    }
}

/// User plus system CPU time of this process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Threads of this process by what they run, told apart by name.
enum ThreadGroup: String, CaseIterable, Sendable {
    /// The teacher transport's libcurl loop (`CurlTransport`).
    case curl
    /// SwiftNIO event loops: the in-process simulator's HTTP server.
    case nioEventLoops = "NIO event loops"
    /// Everything else, mostly the Swift concurrency pool: client encoding and decoding, simulator handlers.
    case other

    init(threadName: String) {
        if threadName == "teacher-curl" {
            self = .curl
        } else if threadName.hasPrefix("NIO-") {
            self = .nioEventLoops
        } else {
            self = .other
        }
    }
}

/// CPU seconds (user + system) and name of every live thread of this process, by thread id (Linux /proc).
func threadCPUSeconds() -> [Int: (name: String, seconds: Double)] {
    let tasks = "/proc/self/task"
    guard let ids = try? FileManager.default.contentsOfDirectory(atPath: tasks) else { return [:] }
    let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    var result: [Int: (name: String, seconds: Double)] = [:]
    for id in ids {
        guard let tid = Int(id), let stat = try? String(contentsOfFile: "\(tasks)/\(id)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"), let open = stat.firstIndex(of: "(")
        else { continue }
        // Fields after the parenthesised name start at field 3 (state); utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
        let name = String(stat[stat.index(after: open)..<close])
        result[tid] = (name, (user + system) / ticksPerSecond)
    }
    return result
}

/// Self-Instruct instruction prompts for load tests that need no seed file: each request gets
/// `promptsPerRequest` prompts of 8 examples drawn from a small built-in list, so bodies differ.
struct LoadPromptSource: Sendable {
    /// Written for these benchmarks; only their shape (short imperative tasks) matters.
    static let exampleInstructions = [
        "Give three tips for keeping a houseplant alive.",
        "Rewrite the sentence in the passive voice.",
        "Classify the review as positive or negative.",
        "Suggest a title for a short story about a lighthouse keeper.",
        "Explain what a leap year is to a ten-year-old.",
        "List four fruits that are rich in vitamin C.",
        "Convert the temperature from Celsius to Fahrenheit.",
        "Write a haiku about the first snow of winter.",
        "Find the odd one out in the list of animals.",
        "Summarize the paragraph in one sentence.",
        "Is the following statement a fact or an opinion?",
        "Propose a name for a bakery that sells only bread.",
        "Describe the steps to change a bicycle tyre.",
        "Translate the greeting into Spanish.",
        "Sort the numbers from smallest to largest.",
        "What questions should you ask before adopting a dog?",
    ]

    let batches: [[String]]
    let parameters: SamplingParameters

    /// `distinct` different request bodies, cycled through by request number.
    init(promptsPerRequest: Int, distinct: Int = 512, seed: UInt64 = 7) throws {
        let library = PromptLibrary.v1
        var random = SeededRandom(seed: seed)
        batches = (0..<distinct).map { _ in
            (0..<promptsPerRequest).map { _ in
                let picks = random.sampleIndices(
                    population: Self.exampleInstructions.count, count: InstructionExampleSampler.referenceExamplesPerPrompt)
                return renderSelfInstructInstructionPrompt(
                    examples: picks.map { Self.exampleInstructions[$0] }, classificationOnly: false, library: library)
            }
        }
        parameters = SamplingParameters.reference(for: .selfInstructInstructions)
    }

    func prompts(forRequest number: Int) -> [String] { batches[number % batches.count] }
}
