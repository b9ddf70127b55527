import SelfInstruct
import Teacher
import Foundation

/// The ordered request loop and its counters.
struct CandidateCollector {
    let seedInstructions: [String]
    let count: Int
    let inFlight: Int
    let promptsPerRequest: Int
    let file: FileHandle
    let library: PromptLibrary
    let parser: SelfInstructInstructionParser
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

    init(seedInstructions: [String], count: Int, seed: UInt64, inFlight: Int, promptsPerRequest: Int, file: FileHandle,
         language: RunLanguage = .en) throws {
        parameters = SamplingParameters.reference(for: .selfInstructInstructions)
        // As the generate stage does for a run in `language`.
        library = PromptLibrary.forLanguage(language)
        parser = language == .en
            ? SelfInstructInstructionParser(mode: .robust, capitalize: true, heuristics: .selfInstruct)
            : SelfInstructInstructionParser(mode: .robust, capitalize: false, heuristics: .forRecipe(.selfInstruct, language: language))
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
