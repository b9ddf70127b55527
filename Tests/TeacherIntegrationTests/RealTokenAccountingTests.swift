import Foundation
import Logging
import SelfInstruct
import Teacher
import Testing

// Token accounting against a real llama.cpp server (issue 11: its usage covers one prompt of a list). The check
// is exact and independent of the client: prompt tokens are what the server's own /tokenize says of each prompt
// (with the special tokens a completion adds), completion tokens are the growth of /metrics
// llamacpp:tokens_predicted_total over the calls (the server must serve nobody else meanwhile; the suite is
// serialized). Re-tokenizing completion texts is not exact: text cut at a stop string was generated and counted.

extension RealTeacherTests {
    @Test func tokenAccountingAgainstTheServersOwnTokenizer() async throws {
        guard let settings = try RealTeacherSettings(environment: ProcessInfo.processInfo.environment) else {
            try Test.cancel("SI_TEST_REAL_TEACHER_URL not set: skipping the real-server test (see README)")
        }
        var logger = Logger(label: "real-teacher")
        logger.logLevel = .warning
        try await withCurlTransport(logger: logger) { transport in
            var config = TeacherConfig(
                baseURL: settings.url, model: settings.model ?? "", apiKey: settings.apiKey, contextTokens: settings.contextTokens,
                requestTimeout: .seconds(600), retry: RetryPolicy(maximumAttempts: 3))
            if settings.model == nil {
                config.model = try await Self.firstModel(config: config, transport: transport)
            }
            guard try await Self.predictedTokens(config: config, transport: transport) != nil else {
                try Test.cancel("no llama.cpp /metrics at \(settings.url) (start llama-server with --metrics)")
            }
            let recorder = InMemoryCallRecorder()
            let client = TeacherClient(config: config, transport: transport, recorder: recorder, logger: logger, tokenCounting: nil)
            let probe = await client.probeTokenCounting()
            print("real teacher: token counting \(probe.mode.rawValue) (decided \(probe.decided)) in \(probe.duration): \(probe.reason)")
            #expect(probe.decided)

            // Five prompts per request as si-generate sends them, with a stop string that cuts some completions.
            let prompts = (0..<5).map { SamplePrompts.instructionList(offset: 3 * $0) }
            let parameters = SamplingParameters(maxTokens: 24, temperature: 0.7, stop: ["\n4."])
            let before = try #require(try await Self.predictedTokens(config: config, transport: transport))
            let result = try await client.completeWithDetails(prompts: prompts, parameters: parameters, stage: "real-teacher")
            let after = try #require(try await Self.predictedTokens(config: config, transport: transport))
            var promptTokens = 0
            for prompt in prompts { promptTokens += try await Self.tokenCount(prompt, config: config, transport: transport) }

            let records = await recorder.records.filter { $0.errorKind == nil }
            let recordedPrompt = records.compactMap(\.promptTokens).reduce(0, +)
            let recordedCompletion = records.compactMap(\.completionTokens).reduce(0, +)
            print("real teacher: recorded \(recordedPrompt) prompt + \(recordedCompletion) completion tokens in \(records.count) calls; "
                + "/tokenize says \(promptTokens) prompt, /metrics \(after - before) predicted")
            #expect(result.choices.count == prompts.count)
            #expect(recordedPrompt == promptTokens)
            #expect(recordedCompletion == after - before)
            #expect(result.usage == TokenUsage(promptTokens: recordedPrompt, completionTokens: recordedCompletion))
            let method: TokenCountMethod = probe.mode == .singlePrompt ? .singlePrompt : .usage
            #expect(records.allSatisfy { $0.tokenCountMethod == method })
        }
    }

    /// `llamacpp:tokens_predicted_total` from `/metrics`, nil when the server has no such endpoint.
    static func predictedTokens(config: TeacherConfig, transport: any HTTPTransport) async throws -> Int? {
        let response = try await transport.send(HTTPRequest(method: .get, url: config.baseURL + "/metrics", timeout: .seconds(30)))
        guard response.status == 200 else { return nil }
        let line = String(decoding: response.body, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("llamacpp:tokens_predicted_total ") }
        return line.flatMap { Double($0.split(separator: " ")[1]) }.map { Int($0) }
    }

    /// The prompt's token count by the server's tokenizer, with the special tokens (BOS) a completion adds.
    static func tokenCount(_ text: String, config: TeacherConfig, transport: any HTTPTransport) async throws -> Int {
        struct Tokens: Decodable { var tokens: [Int] }
        let body = try JSONSerialization.data(withJSONObject: ["content": text, "add_special": true])
        let response = try await transport.send(HTTPRequest(
            method: .post, url: config.baseURL + "/tokenize", headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
            body: Array(body), timeout: .seconds(30)))
        try #require(response.status == 200, "POST /tokenize answered \(response.status)")
        return try JSONDecoder().decode(Tokens.self, from: Data(response.body)).tokens.count
    }
}
