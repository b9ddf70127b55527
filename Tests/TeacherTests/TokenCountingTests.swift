import Foundation
import Logging
import SelfInstruct
import Synchronization
import Testing

@testable import Teacher

/// Answers each request from its body (the probe and single-prompt mode send concurrently, so order is not fixed).
final class RoutedTransport: HTTPTransport {
    private let route: @Sendable (_ prompts: [String], _ body: String) throws -> HTTPResponse
    private let sent = Mutex<[[String]]>([])

    init(_ route: @escaping @Sendable (_ prompts: [String], _ body: String) throws -> HTTPResponse) {
        self.route = route
    }

    /// The prompts of every request, in arrival order.
    var requests: [[String]] { sent.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let body = String(decoding: request.body ?? [], as: UTF8.self)
        let prompts = Self.prompts(in: body)
        sent.withLock { $0.append(prompts) }
        return try route(prompts, body)
    }

    /// The `prompt` field, a string or a list of strings.
    static func prompts(in body: String) -> [String] {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        if let list = object?["prompt"] as? [String] { return list }
        return (object?["prompt"] as? String).map { [$0] } ?? []
    }
}

/// A completions body: one choice per text, finish reasons as given, and `usage` if any.
func cannedCompletions(_ choices: [(text: String, finish: String)], usage: (prompt: Int, completion: Int)?) -> HTTPResponse {
    let list = choices.enumerated().map { #"{"text":"\#($0.element.text)","index":\#($0.offset),"finish_reason":"\#($0.element.finish)"}"# }
    var json = #"{"choices":["# + list.joined(separator: ",") + "]"
    if let usage {
        json += #","usage":{"prompt_tokens":\#(usage.prompt),"completion_tokens":\#(usage.completion),"total_tokens":\#(usage.prompt + usage.completion)}"#
    }
    return HTTPResponse(status: 200, headers: [], body: Array((json + "}").utf8))
}

@Suite("Token counting: the probe, one prompt per request, estimates")
struct TokenCountingTests {
    static let config = TeacherConfig(baseURL: "http://teacher.local", model: "tiny", contextTokens: 4096)
    /// Prompt tokens of a prompt on the pretend server: one per character.
    static func tokens(_ prompt: String) -> Int { prompt.count }

    /// A server like llama.cpp's: a list of prompts is answered choice by choice, but `usage` is the first prompt's.
    static let llamaCpp: @Sendable ([String], String) throws -> HTTPResponse = { prompts, body in
        let maxTokens = body.contains(#""max_tokens":1,"#) ? 1 : 12
        return cannedCompletions(prompts.map { _ in (" word", "length") }, usage: (tokens(prompts[0]), maxTokens))
    }

    /// A server whose usage covers the whole request (OpenAI, vLLM, the simulator).
    static let honest: @Sendable ([String], String) throws -> HTTPResponse = { prompts, body in
        let maxTokens = body.contains(#""max_tokens":1,"#) ? 1 : 12
        return cannedCompletions(
            prompts.map { _ in (" word", "length") }, usage: (prompts.map(tokens).reduce(0, +), maxTokens * prompts.count))
    }

    let parameters = SamplingParameters(maxTokens: 12)
    let prompts = ["alpha", "beta gamma", "delta epsilon zeta"]

    func client(_ transport: RoutedTransport, recorder: InMemoryCallRecorder, tokenCounting: TokenCountingMode? = .usage) -> TeacherClient {
        TeacherClient(config: Self.config, transport: transport, recorder: recorder, jitterSeed: 1, tokenCounting: tokenCounting)
    }

    @Test func probeFindsUsageCoveringOnePromptOfAListAndSwitchesToOnePromptPerRequest() async throws {
        let transport = RoutedTransport(Self.llamaCpp)
        let recorder = InMemoryCallRecorder()
        let client = client(transport, recorder: recorder)
        let probe = await client.probeTokenCounting()
        #expect(probe.mode == .singlePrompt && probe.decided)
        #expect(probe.reason.contains("usage covers part of a list"))
        #expect(client.tokenCountingMode == .singlePrompt)
        // Three probe requests, none of them a call record.
        #expect(transport.requests.count == 3)
        #expect(await recorder.records.isEmpty)
    }

    @Test func probeKeepsListsForAServerWhoseUsageCoversThem() async throws {
        let transport = RoutedTransport(Self.honest)
        let client = client(transport, recorder: InMemoryCallRecorder(), tokenCounting: nil)
        let probe = await client.probeTokenCounting()
        #expect(probe.mode == .usage && probe.decided)
        #expect(client.tokenCountingMode == .usage)
    }

    @Test func probeChoosesOnePromptPerRequestWhenTheServerRefusesLists() async throws {
        // llama-cpp-python answers 500 to a list of two or more prompts.
        let transport = RoutedTransport { prompts, body in
            if prompts.count > 1 { return HTTPResponse(status: 500, headers: [], body: Array(#"{"error":{"message":"boom"}}"#.utf8)) }
            return try Self.honest(prompts, body)
        }
        let probe = await client(transport, recorder: InMemoryCallRecorder()).probeTokenCounting()
        #expect(probe.mode == .singlePrompt && probe.decided)
        #expect(probe.reason.contains("HTTP 500"))
    }

    @Test func aServerDownAtStartLeavesTheClientUndecidedSafeAndProbingAgainLater() async throws {
        let up = Atomic<Bool>(false)
        let transport = RoutedTransport { prompts, body in
            guard up.load(ordering: .relaxed) else {
                throw TeacherError(kind: .transport, classification: .retryable, operation: "POST /v1/completions", message: "refused")
            }
            return try Self.honest(prompts, body)
        }
        let recorder = InMemoryCallRecorder()
        let client = client(transport, recorder: recorder, tokenCounting: nil)
        let probe = await client.probeTokenCounting()
        #expect(probe.mode == .singlePrompt && !probe.decided)
        #expect(probe.reason.contains("refused"))

        // Until the re-probe is due, lists go one prompt per request (exact on any server reporting usage).
        up.store(true, ordering: .relaxed)
        let before = transport.requests.count
        let result = try await client.completeWithDetails(prompts: prompts, parameters: parameters, stage: "generate")
        #expect(transport.requests.count - before == prompts.count)
        #expect(result.tokenCountMethod == .singlePrompt)
        #expect(client.tokenCountingMode == .singlePrompt)
    }

    @Test func anUndecidedClientProbesOnItsFirstList() async throws {
        let transport = RoutedTransport(Self.honest)
        let recorder = InMemoryCallRecorder()
        let client = client(transport, recorder: recorder, tokenCounting: nil)
        let result = try await client.completeWithDetails(prompts: prompts, parameters: parameters, stage: "generate")
        // Three probe requests, then the list in one request counted by its usage.
        #expect(transport.requests.count == 4)
        #expect(transport.requests.last == prompts)
        #expect(result.tokenCountMethod == .usage)
        let records = await recorder.records
        #expect(records.count == 1 && records[0].tokenCountMethod == .usage)
        #expect(records[0].promptTokens == prompts.map(Self.tokens).reduce(0, +))
    }

    @Test func onePromptPerRequestReturnsOneResultPerPromptWithOneRecordPerRequest() async throws {
        let transport = RoutedTransport(Self.llamaCpp)
        let recorder = InMemoryCallRecorder()
        let client = client(transport, recorder: recorder, tokenCounting: .singlePrompt)
        let result = try await client.completeWithDetails(prompts: prompts, parameters: parameters, stage: "generate")
        #expect(result.choices.count == prompts.count && result.choices.allSatisfy { $0.count == 1 })
        #expect(Set(transport.requests) == Set(prompts.map { [$0] }))
        let records = await recorder.records
        #expect(records.count == prompts.count)
        #expect(records.allSatisfy { $0.tokenCountMethod == .singlePrompt && $0.promptCount == 1 && $0.errorKind == nil })
        #expect(Set(records.map(\.requestHash)).count == prompts.count)
        let promptTotal = prompts.map(Self.tokens).reduce(0, +)
        #expect(records.compactMap(\.promptTokens).reduce(0, +) == promptTotal)
        #expect(result.usage == TokenUsage(promptTokens: promptTotal, completionTokens: 12 * prompts.count))
        #expect(result.tokenCountMethod == .singlePrompt)
    }

    @Test func usageThatCannotCoverItsChoicesIsEstimatedAndListsAreSplitFromThenOn() async throws {
        // The client was told `usage`, but this answer to two prompts (two one-word choices) reports one completion
        // token, the first prompt's: only a real llama.cpp shows it, so the body is canned.
        let transport = RoutedTransport { prompts, _ in
            cannedCompletions(prompts.map { _ in (" Yes", "stop") }, usage: (Self.tokens(prompts[0]), 1))
        }
        let recorder = InMemoryCallRecorder()
        let client = client(transport, recorder: recorder)
        let two = Array(prompts.prefix(2))
        let result = try await client.completeWithDetails(prompts: two, parameters: parameters, stage: "generate")
        #expect(result.tokenCountMethod == .estimated)
        let record = try #require(await recorder.records.first)
        let estimator = ConservativeTokenEstimator()
        #expect(record.tokenCountMethod == .estimated)
        #expect(record.completionTokens == 2 * estimator.tokenCount(of: " Yes"))
        #expect(record.promptTokens == max(Self.tokens(two[0]), two.map { estimator.tokenCount(of: $0) }.reduce(0, +)))
        #expect(client.tokenCountingMode == .singlePrompt)

        // From then on a list goes one prompt per request, and those answers' usage is exact.
        _ = try await client.completeWithDetails(prompts: prompts, parameters: parameters, stage: "generate")
        #expect(transport.requests.count == 1 + prompts.count)
        let split = await recorder.records.suffix(prompts.count)
        #expect(split.allSatisfy { $0.tokenCountMethod == .singlePrompt && $0.completionTokens == 1 })
        #expect(split.compactMap(\.promptTokens).reduce(0, +) == prompts.map(Self.tokens).reduce(0, +))
    }

    @Test func aResponseWithoutUsageIsEstimated() async throws {
        let transport = RoutedTransport { prompts, _ in cannedCompletions(prompts.map { _ in ("a few words", "stop") }, usage: nil) }
        let recorder = InMemoryCallRecorder()
        let result = try await client(transport, recorder: recorder)
            .completeWithDetails(prompts: prompts, parameters: parameters, stage: "generate")
        let record = try #require(await recorder.records.first)
        #expect(record.tokenCountMethod == .estimated && result.tokenCountMethod == .estimated)
        #expect(try #require(record.promptTokens) > 0 && record.completionTokens == 3 * ConservativeTokenEstimator().tokenCount(of: "a few words"))
    }

    @Test func failedCallsHaveNoMethodAndChatUsesUsage() async throws {
        let transport = RoutedTransport { _, body in
            if body.contains("messages") {
                return HTTPResponse(status: 200, headers: [], body: Array(
                    #"{"choices":[{"message":{"content":"hi"},"index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":1}}"#.utf8))
            }
            return HTTPResponse(status: 400, headers: [], body: Array(#"{"error":{"message":"no"}}"#.utf8))
        }
        let recorder = InMemoryCallRecorder()
        let client = client(transport, recorder: recorder)
        _ = try? await client.completeWithDetails(prompts: prompts, parameters: parameters, stage: "generate")
        let chat = try await client.chatWithDetails(messages: [ChatMessage(role: .user, content: "hello")], parameters: parameters, stage: "chat")
        #expect(chat.tokenCountMethod == .usage)
        let records = await recorder.records
        #expect(records.map(\.tokenCountMethod) == [nil, .usage])
    }

    @Test func methodRawValuesMatchTheDatabaseCheck() {
        #expect(TokenCountMethod.allCases.map(\.rawValue) == ["usage", "per_choice", "tokenize", "single_prompt", "estimated"])
    }
}
