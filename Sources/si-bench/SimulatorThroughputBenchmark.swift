import Teacher
import TeacherSimulator
import ArgumentParser
import SelfInstruct
import Foundation

struct SimulatorThroughputBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator-throughput",
        abstract: "Requests/s the simulator serves with zero latency, and what the client itself costs.",
        discussion: """
            Three closed-loop runs with the same Self-Instruct request bodies:
              client+simulator  TeacherClient over CurlTransport against the in-process simulator (latency 0)
              transport only    CurlTransport.send with pre-encoded bodies against the same simulator (no
                                TeacherClient encoding, request keys, decoding or accounting)
              client only       TeacherClient over an in-memory transport that returns a recorded simulator
                                answer: the client's own CPU per request, without HTTP or simulator
            All share the machine's cores; the simulator runs in the same process.
            Example:
              swift run -c release si-bench simulator-throughput --requests 20000 --in-flight 32
            """
    )

    @Option(help: "Measured requests per run (after a warm-up of 2 × in-flight).")
    var requests = 20_000

    @Option(help: "Requests kept outstanding.")
    var inFlight = 32

    @Option(help: "Prompts in each request.")
    var promptsPerRequest = SamplingParameters.referencePromptsPerRequest

    @Option(help: ArgumentHelp("Client connection limit; default: the library's.", valueName: "n"))
    var maxConnections: Int?

    func validate() throws {
        guard inFlight > 0, requests > 0, promptsPerRequest > 0 else {
            throw ValidationError("--in-flight, --requests and --prompts-per-request must be positive")
        }
    }

    func run() async throws {
        let source = try LoadPromptSource(promptsPerRequest: promptsPerRequest)
        let (full, transportOnly, recorded) = try await withInProcessSimulator(SimulatorConfiguration()) { baseURL in
            try await withTeacherClient(baseURL: baseURL, maximumConnections: maxConnections) { client in
                let send: @Sendable (Int) async throws -> Void = { number in
                    _ = try await client.complete(
                        prompts: source.prompts(forRequest: number), parameters: source.parameters, stage: "bench")
                }
                _ = await runClosedLoop(requests: 2 * inFlight, inFlight: inFlight, send)
                let full = await runClosedLoop(requests: requests, inFlight: inFlight, send)

                // The same bodies the client would send, encoded once up front.
                let bodies = try source.batches.map { try wireBody(prompts: $0, parameters: source.parameters) }
                let url = baseURL + "/v1/completions"
                let raw = try await withCurlTransport(
                    configuration: CurlTransport.Configuration(for: client.config), logger: silentLogger
                ) { transport in
                    let sendRaw: @Sendable (Int) async throws -> Void = { number in
                        let response = try await transport.send(HTTPRequest(
                            method: .post, url: url, headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
                            body: bodies[number % bodies.count]))
                        guard response.status == 200 else { throw UnexpectedStatus(status: response.status) }
                    }
                    _ = await runClosedLoop(requests: 2 * inFlight, inFlight: inFlight, sendRaw)
                    return await runClosedLoop(requests: requests, inFlight: inFlight, sendRaw)
                }
                let recorded = try await transportRecording(baseURL: baseURL, body: bodies[0])
                return (full, raw, recorded)
            }
        }
        // The client alone: every request answered at once from memory with a real simulator answer.
        let memoryConfig = TeacherConfig(baseURL: "http://127.0.0.1:1", model: simulatorModel)
        let memoryClient = TeacherClient(config: memoryConfig, transport: RecordedTransport(response: recorded), logger: silentLogger)
        let firstBatch = source.batches[0]
        let clientOnly = await runClosedLoop(requests: requests, inFlight: inFlight) { _ in
            _ = try await memoryClient.complete(prompts: firstBatch, parameters: source.parameters, stage: "bench")
        }

        print("simulator-throughput: \(requests) requests of \(promptsPerRequest) prompts per run, \(inFlight) in flight, "
            + "latency 0, max connections \(maxConnections.map(String.init) ?? "default")")
        for (name, outcome) in [("client+simulator", full), ("transport only", transportOnly), ("client only", clientOnly)] {
            print(name.padding(toLength: 17, withPad: " ", startingAt: 0) + String(
                format: " %9.1f requests/s  %7.3f ms CPU per request  p50 %6.2f ms  p99 %6.2f ms  failed %@",
                         outcome.requestsPerSecond, 1000 * outcome.cpuSeconds / Double(max(1, outcome.succeeded)),
                         outcome.latencyMilliseconds(0.5), outcome.latencyMilliseconds(0.99), outcome.failureSummary))
            print("                  CPU per request by thread: \(outcome.threadGroupSummary)")
        }
        print(String(format: "response body: %d bytes; client-only CPU is %.1f %% of the client+simulator CPU per request",
                     recorded.body.count,
                     100 * (clientOnly.cpuSeconds / Double(max(1, clientOnly.succeeded)))
                         / (full.cpuSeconds / Double(max(1, full.succeeded)))))
        if full.failed + transportOnly.failed + clientOnly.failed > 0 { throw ExitCode.failure }
    }
}
