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
            Each request carries --prompts-per-request prompts (PromptLibrary v1); each prompt lists 8 examples,
            6 seed instructions and 2 drawn from the candidates collected so far (fewer while there are none), with
            the reference sampling parameters. Completions are parsed in robust mode with the Self-Instruct
            heuristics, and every surviving candidate is written, in request and completion order, as
            {"instruction": "..."} until --count lines exist. No novelty filter runs here: pipe the file into
            `sictl dedup`.

            Deterministic for a given --seed, --in-flight and teacher: request i draws its machine examples from
            the candidates of requests 0 ... i - in-flight, which have always been parsed by the time i is sent.

            The teacher is an in-process simulator unless --url names an OpenAI-compatible server (key from
            SI_TEACHER_API_KEY, if set).
            Example:
              swift run -c release si-bench collect-instructions --seeds ../shared/data/self_instruct_seed_tasks.jsonl \\
                  --count 50000 --output /tmp/candidates.jsonl
            """
    )

    @Option(help: ArgumentHelp("Seed tasks (Self-Instruct JSONL, Alpaca JSONL or a JSON list).", valueName: "file"))
    var seeds: String

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
            promptsPerRequest: promptsPerRequest, file: file)
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

/// The ordered request loop and its counters.
struct CandidateCollector {
    let seedInstructions: [String]
    let count: Int
    let inFlight: Int
    let promptsPerRequest: Int
    let file: FileHandle
    let library = PromptLibrary.v1
    let parser = SelfInstructInstructionParser(mode: .robust, capitalize: true, heuristics: .selfInstruct)
    let parameters: SamplingParameters

    private var random: SeededRandom
    /// Every candidate parsed so far, in request and completion order.
    private var candidates: [String] = []
    /// `candidates.count` after each committed request, so request i can see exactly those of requests ≤ i - inFlight.
    private var candidatesAfterRequest: [Int] = []
    private(set) var written = 0
    private(set) var committedRequests = 0
    private(set) var failedRequests: [String: Int] = [:]
    private(set) var completions = 0
    private(set) var truncatedCompletions = 0
    private(set) var items = 0
    private(set) var drops: [String: Int] = [:]
    private var pendingOutput: [UInt8] = []

    init(seedInstructions: [String], count: Int, seed: UInt64, inFlight: Int, promptsPerRequest: Int, file: FileHandle) throws {
        parameters = SamplingParameters.reference(for: .selfInstructInstructions)
        self.seedInstructions = seedInstructions
        self.count = count
        self.inFlight = inFlight
        self.promptsPerRequest = promptsPerRequest
        self.file = file
        random = SeededRandom(seed: seed)
    }

    /// Sends requests in order, commits their results in order, and stops once `count` lines are written.
    mutating func collect(using client: TeacherClient) async throws {
        let parameters = self.parameters
        typealias Answer = (number: Int, result: Result<[[CompletionChoice]], TeacherError>)
        try await withThrowingTaskGroup(of: Answer.self) { group in
            var nextRequest = 0
            var finished: [Int: Result<[[CompletionChoice]], TeacherError>] = [:]
            while written < count {
                // Request i may go once requests 0 ... i - inFlight are committed (so at most inFlight are outstanding).
                while nextRequest - inFlight < committedRequests {
                    let prompts = makePrompts(forRequest: nextRequest)
                    let number = nextRequest
                    group.addTask {
                        do {
                            return (number, .success(try await client.complete(prompts: prompts, parameters: parameters, stage: "collect")))
                        } catch let error as TeacherError {
                            guard error.classification != .stopCaller else { throw error }
                            return (number, .failure(error))
                        }
                    }
                    nextRequest += 1
                }
                guard let answer = try await group.next() else { break }
                finished[answer.number] = answer.result
                while written < count, let result = finished.removeValue(forKey: committedRequests) {
                    try commit(result)
                }
            }
            group.cancelAll()
        }
        try flush()
    }

    private mutating func makePrompts(forRequest number: Int) -> [String] {
        let visibleRequests = number - inFlight + 1
        let machineCount = visibleRequests > 0 ? candidatesAfterRequest[visibleRequests - 1] : 0
        return (0..<promptsPerRequest).map { _ in
            let refs = InstructionExampleSampler.sample(seedCount: seedInstructions.count, machineCount: machineCount, rng: &random)
            let examples = refs.map { $0.resolve(seed: { seedInstructions[$0] }, machine: { candidates[$0] }) }
            return renderSelfInstructInstructionPrompt(examples: examples, classificationOnly: false, library: library)
        }
    }

    private mutating func commit(_ result: Result<[[CompletionChoice]], TeacherError>) throws {
        committedRequests += 1
        switch result {
        case .failure(let error):
            failedRequests[error.kind.rawValue, default: 0] += 1
        case .success(let choices):
            for choice in choices.joined() {
                completions += 1
                if choice.finishReason == .length { truncatedCompletions += 1 }
                let parsed = parser.parse(choice.completion)
                items += parsed.instructions.count + parsed.dropped.count
                for dropped in parsed.dropped { drops[dropped.reason.code, default: 0] += 1 }
                for instruction in parsed.instructions {
                    candidates.append(instruction.text)
                    if written < count {
                        pendingOutput += Array("{\"instruction\": \(JSONWriter.quoted(instruction.text))}\n".utf8)
                        written += 1
                    }
                }
            }
        }
        candidatesAfterRequest.append(candidates.count)
        if pendingOutput.count >= 1 << 20 { try flush() }
    }

    private mutating func flush() throws {
        try file.write(contentsOf: pendingOutput)
        pendingOutput.removeAll(keepingCapacity: true)
    }

    func printReport(seconds: Double, teacher: String) {
        let failed = failedRequests.values.reduce(0, +)
        print("collect-instructions: teacher \(teacher), \(promptsPerRequest) prompts per request, \(inFlight) in flight")
        print("requests:    \(committedRequests) committed (\(failed) failed\(failed > 0 ? ": " + failedRequests.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ") : ""))")
        print("completions: \(completions) (\(truncatedCompletions) with finish_reason length)")
        print("items:       \(items) parsed, \(candidates.count) candidates, \(written) written")
        print("dropped:     \(drops.values.reduce(0, +))" + (drops.isEmpty ? "" : " — " + drops.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        print(String(format: "time:        %.2f s (%.1f requests/s, %.0f candidates/s)",
                     seconds, Double(committedRequests) / seconds, Double(candidates.count) / seconds))
    }
}
