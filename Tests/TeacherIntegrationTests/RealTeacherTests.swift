import Foundation
import Logging
import SelfInstruct
import Teacher
import TestSupport
import Testing

// The same client against a real OpenAI-compatible server (OpenAI, vLLM, llama.cpp, llama-cpp-python, Ollama),
// when SI_TEST_REAL_TEACHER_URL names one; without it the test is cancelled, or fails when
// SI_TEST_REQUIRE_SERVICES=1 (deploy/local/test.sh starts llama.cpp with deploy/local/llm.sh). It checks the
// plumbing with the reference's stage-1 prompts and sampling parameters and reports how often a completion
// yields a usable instruction.
//
//   SI_TEST_REAL_TEACHER_URL             server root, e.g. http://127.0.0.1:8081 (required)
//   SI_TEST_REAL_TEACHER_MODEL           model id (default: the first id of GET /v1/models)
//   SI_TEST_REAL_TEACHER_API_KEY         bearer key, if the server wants one
//   SI_TEST_REAL_TEACHER_CALLS           number of calls (default 5)
//   SI_TEST_REAL_TEACHER_MAX_TOKENS      max_tokens instead of the reference 1024 (a slow local model: ~150)
//   SI_TEST_REAL_TEACHER_CONTEXT_TOKENS  the model's context window (default 2048)

struct RealTeacherSettings {
    var url: String
    var model: String?
    var apiKey: APIKey?
    var calls: Int
    var maxTokens: Int?
    var contextTokens: Int

    /// The settings, or `nil` when SI_TEST_REAL_TEACHER_URL is unset.
    init?(environment: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        func positive(_ name: String) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text), number > 0 else { throw TeacherConfigError(variable: name, problem: "expected a positive integer") }
            return number
        }
        guard let url = value("SI_TEST_REAL_TEACHER_URL") else { return nil }
        self.url = url
        model = value("SI_TEST_REAL_TEACHER_MODEL")
        apiKey = value("SI_TEST_REAL_TEACHER_API_KEY").map(APIKey.init)
        calls = try positive("SI_TEST_REAL_TEACHER_CALLS") ?? 5
        maxTokens = try positive("SI_TEST_REAL_TEACHER_MAX_TOKENS")
        contextTokens = try positive("SI_TEST_REAL_TEACHER_CONTEXT_TOKENS") ?? 2048
    }
}

/// `GET /v1/models`: just the ids.
struct ModelList: Decodable {
    struct Model: Decodable { var id: String }
    var data: [Model]
}

@Suite("A real OpenAI-compatible server", .serialized)
struct RealTeacherTests {
    @Test func selfInstructInstructionPromptsGoThroughAndParse() async throws {
        // Unset URL: cancelled, or a failure under SI_TEST_REQUIRE_SERVICES=1 (deploy/local/test.sh starts a server).
        _ = try ServiceGate.realTeacherURL()
        let settings = try #require(try RealTeacherSettings(environment: ProcessInfo.processInfo.environment))
        var logger = Logger(label: "real-teacher")
        logger.logLevel = .warning
        try await withCurlTransport(logger: logger) { transport in
            var config = TeacherConfig(
                baseURL: settings.url, model: settings.model ?? "", apiKey: settings.apiKey, contextTokens: settings.contextTokens,
                requestTimeout: .seconds(600), retry: RetryPolicy(maximumAttempts: 3))
            if settings.model == nil {
                config.model = try await Self.firstModel(config: config, transport: transport)
            }
            let recorder = InMemoryCallRecorder()
            let client = TeacherClient(config: config, transport: transport, recorder: recorder, logger: logger)

            var sampling = SamplingParameters.reference(for: .selfInstructInstructions)
            if let maxTokens = settings.maxTokens { sampling.maxTokens = maxTokens }
            let parameters = sampling
            let parser = SelfInstructInstructionParser()
            // Reference stage 1 shows 8 examples; each call draws its own from the seed tasks.
            var random = SeededRandom(seed: 20_240_601)

            var usable = 0
            var instructions = 0
            var truncated = 0
            var examplesShown: [String] = []
            let started = ContinuousClock.now
            for _ in 0..<settings.calls {
                let examples = random.sample(SamplePrompts.seeds, count: 8)
                let prompt = renderSelfInstructInstructionPrompt(examples: examples, classificationOnly: false, library: .v1)
                #expect(prompt.hasSuffix("\n9."))
                let result = try await client.completeWithDetails(prompts: [prompt], parameters: parameters, stage: "real-teacher")
                let usage = try #require(result.usage, "the server reported no usage")
                #expect(usage.promptTokens > 0)
                #expect(result.choices.count == 1 && result.choices[0].count == 1)
                guard let choice = result.choices.first?.first else { continue }
                if choice.finishReason == .length { truncated += 1 }
                let parsed = parser.parse(choice.completion)
                instructions += parsed.instructions.count
                if !parsed.instructions.isEmpty {
                    usable += 1
                    if examplesShown.count < 3 { examplesShown.append(parsed.instructions[0].text) }
                }
            }
            let elapsed = started.duration(to: .now)

            let records = await recorder.records
            let successes = records.filter { $0.errorKind == nil }
            #expect(successes.count == settings.calls)
            #expect(successes.allSatisfy { $0.httpStatus == 200 && $0.promptTokens != nil && $0.completionTokens != nil })

            let rate = Double(usable) / Double(settings.calls)
            print(
                """
                real teacher: model \(config.model) at \(config.baseURL), max_tokens \(parameters.maxTokens)
                real teacher: \(settings.calls) calls in \(elapsed), \(records.count - successes.count) failed attempts retried, \
                \(truncated) cut by max_tokens
                real teacher: parse success rate \(usable)/\(settings.calls) = \(String(format: "%.2f", rate)) \
                (calls yielding >= 1 instruction passing the heuristics); \(instructions) instructions in all
                """)
            for example in examplesShown {
                print("real teacher: e.g. \(example)")
            }
        }
    }

    static func firstModel(config: TeacherConfig, transport: any HTTPTransport) async throws -> String {
        var headers: [HTTPHeader] = []
        if let key = ProcessInfo.processInfo.environment["SI_TEST_REAL_TEACHER_API_KEY"], !key.isEmpty {
            headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(key)"))
        }
        let response = try await transport.send(
            HTTPRequest(method: .get, url: config.baseURL + "/v1/models", headers: headers, timeout: .seconds(30)))
        try #require(response.status == 200, "GET /v1/models answered \(response.status)")
        let list = try JSONDecoder().decode(ModelList.self, from: Data(response.body))
        return try #require(list.data.first?.id, "GET /v1/models listed no model")
    }
}
