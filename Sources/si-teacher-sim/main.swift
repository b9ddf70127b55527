// si-teacher-sim: the deterministic OpenAI-compatible teacher as a process. Flags override environment
// variables; the API key comes only from the environment so it never shows in argv.
import ArgumentParser
import Foundation
import Logging
import SelfInstruct
import TeacherSimulator

@main
struct TeacherSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "si-teacher-sim",
        abstract: "Serve a deterministic OpenAI-compatible teacher for local runs, tests and benchmarks.",
        discussion: """
            Prints the bound address on stdout (`listening http://HOST:PORT`) and stops
            gracefully on SIGTERM/SIGINT.
            Environment: SI_SIM_HOST, SI_SIM_PORT, SI_SIM_SEED, SI_SIM_LATENCY,
            SI_SIM_FAULTS, SI_SIM_BATCH, SI_SIM_MODELS (comma-separated),
            SI_SIM_CONTEXT_TOKENS, SI_SIM_API_KEY or SI_SIM_API_KEY_FILE, SI_LOG_LEVEL.
            Example: si-teacher-sim --port 0 --latency lognormal:200:0.5
                       --faults 429=0.05,503=0.02,first-attempts=2

            Batch API: POST /v1/files, GET /v1/files/ID/content, POST /v1/batches,
            GET /v1/batches, GET /v1/batches/ID, POST /v1/batches/ID/cancel. A batch
            validates for the first tenth of its delay, runs, finalizes for the last
            tenth and completes; its answers are the online answers to the same bodies.
            --batch keys (comma-separated key=value):
              delay=S         seconds from creation to completed (default 1)
              fail=R          share of requests answered 500 in the error file, drawn
                              per (seed, custom_id, earlier submissions of it), so a
                              resubmission can succeed (default 0)
              expire-first=K  the first K batches expire at the delay (default 0)
              expire-done=R   share of an expiring batch's requests answered, first
                              lines first (default 0.5)
              expire-after=S  a batch not finished S seconds after creation expires
            Example: si-teacher-sim --batch delay=2,fail=0.05,expire-first=1
            GET /sim/stats counts batches.duplicate_submissions: requests submitted
            again while an earlier submission still ran or had been answered.
            """
    )

    @Option(help: "Address to bind (env SI_SIM_HOST).")
    var host: String?

    @Option(help: "Port to bind, 0 for an ephemeral port (env SI_SIM_PORT).")
    var port: Int?

    @Option(help: "Seed of every answer (env SI_SIM_SEED).")
    var seed: UInt64?

    @Option(help: "none | fixed:MS | uniform:MIN:MAX | lognormal:MEDIAN_MS:SIGMA (env SI_SIM_LATENCY).")
    var latency: String?

    @Option(help: "Comma-separated key=value: 429, 500, 503, 400, hang, malformed, truncated, wrong-numbering, control (NUL, ESC and BEL put into a choice), retry-after, hang-seconds, first-attempts (env SI_SIM_FAULTS).")
    var faults: String?

    @Option(help: "Batch API: comma-separated key=value: delay, fail, expire-first, expire-done, expire-after (env SI_SIM_BATCH).")
    var batch: String?

    @Option(name: .customLong("model"), help: "A served model id; repeat for several (env SI_SIM_MODELS).")
    var models: [String] = []

    @Option(help: "Context window in simulated tokens (env SI_SIM_CONTEXT_TOKENS).")
    var contextTokens: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = environment[EnvironmentVariable.logLevel].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
            return handler
        }

        var configuration = SimulatorConfiguration()
        configuration.seed = try seed ?? environment[EnvironmentVariable.simulatorSeed].map { try Self.parse($0, as: UInt64.self, name: EnvironmentVariable.simulatorSeed) } ?? 42
        do {
            if let spec = latency ?? environment[EnvironmentVariable.simulatorLatency] { configuration.latency = try LatencyModel(spec: spec) }
            if let spec = faults ?? environment[EnvironmentVariable.simulatorFaults] { configuration.faults = try FaultInjection(spec: spec) }
            if let spec = batch ?? environment[EnvironmentVariable.simulatorBatch] { configuration.batch = try BatchConfiguration(spec: spec) }
        } catch {
            throw ValidationError(error.description)
        }
        let models = models.isEmpty ? (environment[EnvironmentVariable.simulatorModels]?.split(separator: ",").map(String.init) ?? []) : models
        if !models.isEmpty { configuration.models = models }
        if let tokens = try contextTokens ?? environment[EnvironmentVariable.simulatorContextTokens].map({ try Self.parse($0, as: Int.self, name: EnvironmentVariable.simulatorContextTokens) }) {
            configuration.contextTokens = tokens
        }
        if let key = environment[EnvironmentVariable.simulatorAPIKey], !key.isEmpty {
            configuration.requiredAPIKey = key
        } else if let path = environment[EnvironmentVariable.simulatorAPIKeyFile] {
            guard let key = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("\(EnvironmentVariable.simulatorAPIKeyFile): cannot read the key file")
            }
            configuration.requiredAPIKey = key.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let host = host ?? environment[EnvironmentVariable.simulatorHost] ?? "127.0.0.1"
        let port = try port ?? environment[EnvironmentVariable.simulatorPort].map { try Self.parse($0, as: Int.self, name: EnvironmentVariable.simulatorPort) } ?? 8089

        let logger = Logger(label: "si-teacher-sim")
        logger.info("configuration", metadata: [
            "seed": "\(configuration.seed)", "latency": "\(configuration.latency)", "faults": "\(configuration.faults)", "batch": "\(configuration.batch)",
            "models": "\(configuration.models)", "context_tokens": "\(configuration.contextTokens)",
            "api_key": "\(configuration.requiredAPIKey == nil ? "none" : "required (redacted)")",
        ])
        let simulator = TeacherSimulator(configuration: configuration, logger: logger)
        try await simulator.runUntilSignalled(host: host, port: port) { boundPort in
            // Unbuffered, so a parent process reading the pipe sees the address at once.
            FileHandle.standardOutput.write(Data("listening http://\(host):\(boundPort)\n".utf8))
        }
    }

    private static func parse<T: LosslessStringConvertible>(_ text: String, as type: T.Type, name: String) throws -> T {
        guard let value = T(text) else { throw ValidationError("\(name): '\(text)' is not a valid \(T.self)") }
        return value
    }
}
