// Throughput of the teacher path: the real client (libcurl) against the in-process simulator.

import ArgumentParser
import Foundation
import SelfInstruct
import Teacher
import TeacherSimulator

struct TeacherConcurrencyBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teacher-concurrency",
        abstract: "Requests/s of the real client with a fixed number in flight against a simulator with fixed latency.",
        discussion: """
            Starts the simulator in-process on 127.0.0.1 (ephemeral port) answering after --latency-ms, then keeps
            exactly --in-flight requests outstanding through TeacherClient over CurlTransport, without rate limits.
            Each request carries --prompts-per-request Self-Instruct instruction prompts with the reference sampling
            parameters. The ideal rate is in-flight / latency; the goal is an efficiency of at least 90 %.
            Example:
              swift run -c release si-bench teacher-concurrency --latency-ms 200 --in-flight 64 --requests 3200
            """
    )

    @Option(help: "Simulator latency per request, in milliseconds.")
    var latencyMs = 200

    @Option(help: "Requests kept outstanding.")
    var inFlight = 64

    @Option(help: "Measured requests (after a warm-up of 2 × in-flight).")
    var requests = 3200

    @Option(help: "Prompts in each request.")
    var promptsPerRequest = SamplingParameters.referencePromptsPerRequest

    @Option(help: ArgumentHelp("Client connection limit; default: the library's (SI_TEACHER_MAX_CONNECTIONS unset).", valueName: "n"))
    var maxConnections: Int?

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func validate() throws {
        guard latencyMs > 0, inFlight > 0, requests > 0, promptsPerRequest > 0 else {
            throw ValidationError("--latency-ms, --in-flight, --requests and --prompts-per-request must be positive")
        }
    }

    func run() async throws {
        let source = try LoadPromptSource(promptsPerRequest: promptsPerRequest)
        let simulator = SimulatorConfiguration(latency: .fixed(milliseconds: latencyMs))
        let (outcome, connections) = try await withInProcessSimulator(simulator) { baseURL in
            try await withTeacherClient(baseURL: baseURL, maximumConnections: maxConnections) { client in
                let send: @Sendable (Int) async throws -> Void = { number in
                    _ = try await client.complete(
                        prompts: source.prompts(forRequest: number), parameters: source.parameters, stage: "bench")
                }
                // Warm-up: opens the connections and faults in the code paths; not measured.
                _ = await runClosedLoop(requests: 2 * inFlight, inFlight: inFlight, send)
                return (await runClosedLoop(requests: requests, inFlight: inFlight, send), client.config.maximumConnections)
            }
        }
        let ideal = Double(inFlight) / (Double(latencyMs) / 1000)
        let efficiency = outcome.requestsPerSecond / ideal
        if json {
            print(
                "{\"in_flight\": \(inFlight), \"latency_ms\": \(latencyMs), \"requests\": \(requests), "
                    + "\"prompts_per_request\": \(promptsPerRequest), \"max_connections\": \(connections), "
                    + "\"succeeded\": \(outcome.succeeded), \"failed\": \(outcome.failed), "
                    + "\"seconds\": \(outcome.wallSeconds), \"requests_per_second\": \(outcome.requestsPerSecond), "
                    + "\"ideal_requests_per_second\": \(ideal), \"efficiency\": \(efficiency), "
                    + "\"latency_p50_ms\": \(outcome.latencyMilliseconds(0.5)), \"latency_p99_ms\": \(outcome.latencyMilliseconds(0.99)), "
                    + "\"cpu_seconds\": \(outcome.cpuSeconds)}")
        } else {
            print("teacher-concurrency: \(inFlight) in flight, \(latencyMs) ms fixed latency, \(requests) requests of "
                + "\(promptsPerRequest) prompts, max connections \(connections)")
            print(String(format: "achieved:   %.1f requests/s  (%d ok, %d failed: %@; %.2f s)",
                         outcome.requestsPerSecond, outcome.succeeded, outcome.failed, outcome.failureSummary, outcome.wallSeconds))
            print(String(format: "ideal:      %.1f requests/s  (in-flight / latency)", ideal))
            print(String(format: "efficiency: %.1f %%  (goal >= 90 %%)", 100 * efficiency))
            print(String(format: "latency:    p50 %.1f ms, p99 %.1f ms",
                         outcome.latencyMilliseconds(0.5), outcome.latencyMilliseconds(0.99)))
            print(String(format: "process CPU: %.2f s (%.3f ms per request, client and simulator together)",
                         outcome.cpuSeconds, 1000 * outcome.cpuSeconds / Double(max(1, outcome.succeeded))))
            print("CPU per request by thread: \(outcome.threadGroupSummary)")
        }
        if outcome.failed > 0 { throw ExitCode.failure }
    }
}

/// The `/v1/completions` body the client sends for these prompts (same field names and order as the client).
func wireBody(prompts: [String], parameters: SamplingParameters) throws -> [UInt8] {
    var fields = [
        "\"model\":" + JSONWriter.quoted(simulatorModel),
        "\"prompt\":[" + prompts.map(JSONWriter.quoted).joined(separator: ",") + "]",
        "\"max_tokens\":\(parameters.maxTokens)", "\"temperature\":\(parameters.temperature)", "\"top_p\":\(parameters.topP)",
        "\"frequency_penalty\":\(parameters.frequencyPenalty)", "\"presence_penalty\":\(parameters.presencePenalty)",
        "\"n\":\(parameters.n)", "\"stop\":[" + parameters.stop.map(JSONWriter.quoted).joined(separator: ",") + "]",
    ]
    if let logprobs = parameters.logprobs { fields.append("\"logprobs\":\(logprobs)") }
    if let bestOf = parameters.bestOf { fields.append("\"best_of\":\(bestOf)") }
    return Array(("{" + fields.joined(separator: ",") + "}").utf8)
}

/// One real answer of the simulator to `body`, to replay from memory.
func transportRecording(baseURL: String, body: [UInt8]) async throws -> HTTPResponse {
    try await withCurlTransport(logger: silentLogger) { transport in
        let response = try await transport.send(HTTPRequest(
            method: .post, url: baseURL + "/v1/completions",
            headers: [HTTPHeader(name: "Content-Type", value: "application/json")], body: body))
        guard response.status == 200 else { throw UnexpectedStatus(status: response.status) }
        return response
    }
}
