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

func timedRequest(_ number: Int, _ send: @Sendable (Int) async throws -> Void) async -> (latency: Double, failure: String?) {
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
