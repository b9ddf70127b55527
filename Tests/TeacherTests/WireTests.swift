import SelfInstruct
import Testing

@testable import Teacher

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("OpenAI wire format")
struct WireTests {
    static func json(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func completionsRequestBody() throws {
        let parameters = SamplingParameters(
            maxTokens: 3072, temperature: 1, topP: 1, stop: ["\n20", "20."], n: 1, logitBias: [50256: -100])
        let body = Self.json(
            try OpenAIWire.encode(OpenAIWire.CompletionsRequest(model: "m", prompt: .many(["a", "b"]), parameters: parameters)))
        #expect(body.contains(#""prompt":["a","b"]"#))
        #expect(body.contains(#""max_tokens":3072"#))
        #expect(body.contains(#""logit_bias":{"50256":-100}"#))
        #expect(body.contains(#""stop":["\n20","20."]"#))
        #expect(body.contains(#""top_p":1"#))
        #expect(!body.contains("seed"))
        #expect(!body.contains("logprobs"))
        #expect(!body.contains("best_of"))
    }

    /// The domain's parameters go on the wire as they are: every field of every reference kind shows up.
    @Test(arguments: PromptKind.allCases)
    func referenceSamplingParametersGoOnTheWireFieldByField(kind: PromptKind) throws {
        let sampling = SamplingParameters.reference(for: kind)
        let body = try JSONReader.parse(
            OpenAIWire.encode(OpenAIWire.CompletionsRequest(model: "m", prompt: .single("p"), parameters: sampling)))
        #expect(body["max_tokens"] == .number(String(sampling.maxTokens)))
        #expect(body["n"] == .number(String(sampling.n)))
        #expect(body["temperature"].flatMap(Self.double) == sampling.temperature)
        #expect(body["top_p"].flatMap(Self.double) == sampling.topP)
        #expect(body["frequency_penalty"].flatMap(Self.double) == sampling.frequencyPenalty)
        #expect(body["presence_penalty"].flatMap(Self.double) == sampling.presencePenalty)
        #expect(body["stop"] == .array(sampling.stop.map(JSONValue.string)))
        #expect(body["logprobs"] == sampling.logprobs.map { .number(String($0)) })
        #expect(body["best_of"] == sampling.bestOf.map { .number(String($0)) })
        #expect(body["seed"] == nil)
        let bias = sampling.logitBias.isEmpty
            ? nil : JSONValue.object(sampling.logitBias.map { (key: String($0.key), value: .number(String($0.value))) })
        #expect(body["logit_bias"] == bias)
    }

    static func double(_ value: JSONValue) -> Double? {
        guard case .number(let text) = value else { return nil }
        return Double(text)
    }

    @Test func referenceParametersOnTheWire() throws {
        let alpaca = Self.json(
            try OpenAIWire.encode(
                OpenAIWire.CompletionsRequest(
                    model: "m", prompt: .single("p"), parameters: SamplingParameters.reference(for: .alpacaInstructions))))
        #expect(alpaca.contains(#""logit_bias":{"50256":-100}"#))
        #expect(alpaca.contains(#""stop":["\n20","20.","20."]"#))
        #expect(alpaca.contains(#""max_tokens":3072"#))
        let selfInstruct = Self.json(
            try OpenAIWire.encode(
                OpenAIWire.CompletionsRequest(
                    model: "m", prompt: .single("p"),
                    parameters: SamplingParameters.reference(for: .selfInstructInstructions))))
        #expect(selfInstruct.contains(#""presence_penalty":2"#))
        #expect(selfInstruct.contains(#""top_p":0.5"#))
        #expect(selfInstruct.contains(#""logprobs":1"#))
        #expect(selfInstruct.contains(#""best_of":1"#))
    }

    @Test func samplingSeedKeepsItsBitPattern() throws {
        let sampling = SamplingParameters(maxTokens: 5, temperature: 0, topP: 1, seed: UInt64.max)
        let body = Self.json(
            try OpenAIWire.encode(OpenAIWire.CompletionsRequest(model: "m", prompt: .single("a"), parameters: sampling)))
        #expect(body.contains(#""seed":-1"#))
    }

    @Test(arguments: [[-1: -100], [50256: -100, -7: 5]])
    func badBiasKeysAreRejectedBeforeSending(bias: [Int: Int]) {
        var sampling = SamplingParameters(maxTokens: 5)
        sampling.logitBias = bias
        #expect {
            try sampling.validateForWire(operation: "POST /v1/completions")
        } throws: { error in
            guard let error = error as? TeacherError else { return false }
            return error.kind == .configuration && error.classification == .stopCaller
                && error.message.contains("\(bias.keys.min()!)")
        }
        #expect(throws: Never.self) { try SamplingParameters.reference(for: .alpacaInstructions).validateForWire(operation: "op") }
    }

    @Test func singlePromptIsAString() throws {
        let body = Self.json(
            try OpenAIWire.encode(
                OpenAIWire.CompletionsRequest(model: "m", prompt: .single("a"), parameters: SamplingParameters(maxTokens: 5, seed: 9))))
        #expect(body.contains(#""prompt":"a""#))
        #expect(body.contains(#""seed":9"#))
        #expect(!body.contains(#""stop""#))
    }

    @Test func chatSpellsLogprobsItsOwnWay() throws {
        let parameters = SamplingParameters(maxTokens: 5, logprobs: 3, bestOf: 2)
        let body = Self.json(
            try OpenAIWire.encode(
                OpenAIWire.ChatRequest(model: "m", messages: [.init(role: "user", content: "hi")], parameters: parameters)))
        #expect(body.contains(#""logprobs":true"#))
        #expect(body.contains(#""top_logprobs":3"#))
        #expect(!body.contains("best_of"))
        #expect(body.contains(#""messages":[{"content":"hi","role":"user"}]"#))
    }

    /// Choices arrive out of order; their `index` decides the prompt (prompt = index / n).
    @Test func choicesAreSplitByIndexNotPosition() throws {
        let body = #"""
            {"choices":[
              {"text":"p1c0","index":2,"finish_reason":"stop"},
              {"text":"p0c1","index":1,"finish_reason":"length"},
              {"text":"p2c1","index":5,"finish_reason":"stop"},
              {"text":"p0c0","index":0,"finish_reason":"stop"},
              {"text":"p2c0","index":4,"finish_reason":null},
              {"text":"p1c1","index":3,"finish_reason":"content_filter"}],
             "usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42},"model":"served"}
            """#
        let decoded = try OpenAIWire.decode(Array(body.utf8), promptCount: 3, n: 2, operation: "op")
        #expect(decoded.choices.map { $0.map(\.text) } == [["p0c0", "p0c1"], ["p1c0", "p1c1"], ["p2c0", "p2c1"]])
        #expect(decoded.choices[0][1].finishReason == .length)
        #expect(decoded.choices[1][1].finishReason == .other("content_filter"))
        #expect(decoded.choices[2][0].finishReason == .stop)
        #expect(decoded.choices[1].map(\.indexInPrompt) == [0, 1])
        #expect(decoded.usage == TokenUsage(promptTokens: 30, completionTokens: 12, totalTokens: 42))
        #expect(decoded.model == "served")
    }

    @Test func chatChoicesReadTheMessageContent() throws {
        let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}]}"#
        let decoded = try OpenAIWire.decode(Array(body.utf8), promptCount: 1, n: 1, operation: "op")
        #expect(decoded.choices == [[CompletionChoice(text: "hello", finishReason: .stop, indexInPrompt: 0)]])
        #expect(decoded.usage == nil)
    }

    @Test func withoutIndexesPositionIsUsed() throws {
        let body = #"{"choices":[{"text":"a"},{"text":"b"}]}"#
        let decoded = try OpenAIWire.decode(Array(body.utf8), promptCount: 2, n: 1, operation: "op")
        #expect(decoded.choices.map { $0.map(\.text) } == [["a"], ["b"]])
    }

    @Test(arguments: [
        #"{"choices":[{"text":"a","index":0}]}"#,  // too few
        #"{"choices":[{"text":"a","index":0},{"text":"b","index":0}]}"#,  // duplicate
        #"{"choices":[{"text":"a","index":0},{"text":"b","index":7}]}"#,  // out of range
        #"{"choices":[{"text":"a","index":0},{"text":"b"}]}"#,  // mixed
        #"{"choices":[{"index":0},{"text":"b","index":1}]}"#,  // no text
        #"{"nothing":true}"#,
        "not json",
    ])
    func malformedResponsesAreRejected(body: String) {
        #expect {
            try OpenAIWire.decode(Array(body.utf8), promptCount: 2, n: 1, operation: "op")
        } throws: { error in
            (error as? TeacherError)?.kind == .malformedResponse
        }
    }
}
