// Stage 1 of Self-Instruct as a standalone loop: prompts from seeds plus earlier candidates, the teacher,
// the parser; every parsed candidate goes to a JSON Lines file (for `sictl dedup` and keep-rate studies).

import ArgumentParser
import Foundation
import SelfInstruct
import Teacher
import TeacherSimulator

struct CollectInstructions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect-instructions",
        abstract: "Collect parsed Self-Instruct instruction candidates from a teacher into JSON Lines.",
        discussion: """
            Each request carries --prompts-per-request prompts (PromptLibrary v1, or zh-v1 with --language zh); each prompt lists 8 examples,
            6 seed instructions and 2 drawn from the candidates collected so far (fewer while there are none), with
            the reference sampling parameters. Completions are parsed in robust mode with the Self-Instruct
            heuristics of the language, and every surviving candidate is written, in request and completion order, as
            {"instruction": "..."} until --count lines exist. No novelty filter runs here: pipe the file into
            `sictl dedup`.

            Deterministic for a given --seed, --in-flight and teacher: request i draws its machine examples from
            the candidates of requests 0 ... i - in-flight, which have always been parsed by the time i is sent.

            The teacher is an in-process simulator unless --url names an OpenAI-compatible server (key from
            SI_TEACHER_API_KEY, if set).
            Example:
              swift run -c release si-bench collect-instructions --seeds ../shared/data/self_instruct_seed_tasks.jsonl \\
                  --count 50000 --output /tmp/candidates.jsonl
              swift run -c release si-bench collect-instructions --language zh --seeds examples/zh_seed_tasks.jsonl \\
                  --count 100000 --output /tmp/zh-candidates.jsonl
            """
    )

    @Option(help: ArgumentHelp("Seed tasks (Self-Instruct JSONL, Alpaca JSONL or a JSON list).", valueName: "file"))
    var seeds: String

    @Option(help: ArgumentHelp("en (default) or zh: the prompts and filters of a run in that language (unicode sends the English prompts).", valueName: "language"))
    var language: String = RunLanguage.en.rawValue

    @Option(help: "Candidate lines to write.")
    var count = 50_000

    @Option(help: ArgumentHelp("Where to write the candidates (JSON Lines).", valueName: "file"))
    var output: String

    @Option(help: "Seed of the example sampling (and of the in-process simulator).")
    var seed: UInt64 = 42

    @Option(help: "Requests kept outstanding.")
    var inFlight = 16

    @Option(help: "Prompts in each request.")
    var promptsPerRequest = SamplingParameters.referencePromptsPerRequest

    @Option(help: ArgumentHelp("An external OpenAI-compatible server instead of the in-process simulator.", valueName: "url"))
    var url: String?

    @Option(help: "Model to ask for.")
    var model = simulatorModel

    @Option(help: "In-process simulator latency per request, in milliseconds.")
    var latencyMs = 0

    func validate() throws {
        guard RunLanguage(rawValue: language) != nil else {
            throw ValidationError("--language must be one of \(RunLanguage.names) (got '\(language)')")
        }
        guard count > 0, inFlight > 0, promptsPerRequest > 0, latencyMs >= 0 else {
            throw ValidationError("--count, --in-flight and --prompts-per-request must be positive, --latency-ms not negative")
        }
    }

    /// Prints `message` on stderr and exits 1 (a failure of the run, not of its arguments).
    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data(("si-bench collect-instructions: " + message + "\n").utf8))
        return ExitCode.failure
    }

    func run() async throws {
        guard let seedBytes = FileManager.default.contents(atPath: seeds) else { throw fail("cannot read \(seeds)") }
        let seedFile = SeedLoader.load(Array(seedBytes), fileName: seeds)
        guard seedFile.errors.isEmpty else { throw fail(seedFile.errors.map(\.description).joined(separator: "\n")) }
        guard !seedFile.tasks.isEmpty else { throw fail("\(seeds) holds no seed tasks") }
        guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
            throw fail("cannot create \(output)")
        }
        defer { try? file.close() }

        var collector = try CandidateCollector(
            seedInstructions: seedFile.tasks.map(\.instruction), count: count, seed: seed, inFlight: inFlight,
            promptsPerRequest: promptsPerRequest, file: file, language: RunLanguage(rawValue: language) ?? .en)
        let start = monotonicSeconds()
        if let url {
            let key = ProcessInfo.processInfo.environment[EnvironmentVariable.teacherAPIKey].flatMap { $0.isEmpty ? nil : APIKey($0) }
            try await withTeacherClient(baseURL: url, model: model, apiKey: key, maximumConnections: max(inFlight, 1)) { client in
                try await collector.collect(using: client)
            }
        } else {
            let simulator = SimulatorConfiguration(seed: seed, latency: latencyMs > 0 ? .fixed(milliseconds: latencyMs) : .none)
            try await withInProcessSimulator(simulator) { baseURL in
                try await withTeacherClient(baseURL: baseURL, model: model, maximumConnections: max(inFlight, 1)) { client in
                    try await collector.collect(using: client)
                }
            }
        }
        let seconds = monotonicSeconds() - start
        collector.printReport(seconds: seconds, teacher: url ?? "in-process simulator (seed \(seed), latency \(latencyMs) ms)")
    }
}
