// The OpenAI-compatible wire format: request bodies for /v1/completions and /v1/chat/completions and
// lenient decoding of their responses (OpenAI, vLLM, llama.cpp server, Ollama and TGI differ in details).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SelfInstruct

extension SamplingParameters {
    /// Fails with a `.configuration` error (stop the caller) when a `logitBias` key is not a token id (negative),
    /// since no request built from such parameters could be sent; checked before any request leaves.
    func validateForWire(operation: String) throws(TeacherError) {
        if let key = logitBias.keys.filter({ $0 < 0 }).min() {
            throw TeacherError(
                kind: .configuration, classification: .stopCaller, operation: operation,
                message: "logit_bias key \(key) is not a token id")
        }
    }

    /// OpenAI's seed is a signed 64-bit integer; the simulator reads it back with the same bit pattern.
    var wireSeed: Int64? { seed.map { Int64(truncatingIfNeeded: $0) } }

    /// The canonical form used in request keys; absent optionals are omitted so `nil` never differs from unset.
    var canonicalJSON: CanonicalJSON {
        var members: [String: CanonicalJSON] = [
            "max_tokens": .integer(Int64(maxTokens)),
            "temperature": .number(temperature),
            "top_p": .number(topP),
            "frequency_penalty": .number(frequencyPenalty),
            "presence_penalty": .number(presencePenalty),
            "stop": .array(stop.map(CanonicalJSON.string)),
            "n": .integer(Int64(n)),
        ]
        if let logprobs { members["logprobs"] = .integer(Int64(logprobs)) }
        if let bestOf { members["best_of"] = .integer(Int64(bestOf)) }
        if !logitBias.isEmpty {
            members["logit_bias"] = .object(
                Dictionary(uniqueKeysWithValues: logitBias.map { (String($0.key), CanonicalJSON.integer(Int64($0.value))) }))
        }
        if let wireSeed { members["seed"] = .integer(wireSeed) }
        return .object(members)
    }
}

/// Request and response bodies.
enum OpenAIWire {
    static let completionsPath = "/v1/completions"
    static let chatPath = "/v1/chat/completions"

    struct CompletionsRequest: Encodable {
        enum Prompt: Encodable {
            case single(String)
            case many([String])

            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .single(let text): try container.encode(text)
                case .many(let texts): try container.encode(texts)
                }
            }
        }

        var model: String
        var prompt: Prompt
        var parameters: SamplingParameters

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: WireKey.self)
            try container.encode(model, forKey: .model)
            try container.encode(prompt, forKey: .prompt)
            try parameters.encodeWire(into: &container, chat: false)
        }
    }

    struct ChatRequest: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }

        var model: String
        var messages: [Message]
        var parameters: SamplingParameters

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: WireKey.self)
            try container.encode(model, forKey: .model)
            try container.encode(messages, forKey: .messages)
            try parameters.encodeWire(into: &container, chat: true)
        }
    }

    struct WireKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }

        static let model = WireKey(stringValue: "model")
        static let prompt = WireKey(stringValue: "prompt")
        static let messages = WireKey(stringValue: "messages")
    }

    struct Response: Decodable {
        struct Choice: Decodable {
            var text: String?
            var index: Int?
            var finishReason: String?
            var message: ChoiceMessage?

            enum CodingKeys: String, CodingKey {
                case text, index, message
                case finishReason = "finish_reason"
            }
        }

        struct ChoiceMessage: Decodable {
            var content: String?
        }

        struct Usage: Decodable {
            var promptTokens: Int?
            var completionTokens: Int?
            var totalTokens: Int?

            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens"
                case completionTokens = "completion_tokens"
                case totalTokens = "total_tokens"
            }
        }

        var choices: [Choice]
        var usage: Usage?
        var model: String?
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Decodes a response and splits its choices by their `index` field: choice `i` belongs to prompt
    /// `i / n` as choice `i % n` (the reference split by position, spec §6 item 10). A response without any
    /// `index` fields falls back to position; a mix, a duplicate, a gap or a wrong count is malformed.
    static func decode(
        _ body: [UInt8], promptCount: Int, n: Int, operation: String
    ) throws(TeacherError) -> (choices: [[CompletionChoice]], usage: TokenUsage?, model: String?) {
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: Data(body))
        } catch {
            throw malformed(operation, "response is not a completions object")
        }
        let expected = promptCount * n
        guard response.choices.count == expected else {
            throw malformed(operation, "expected \(expected) choices, got \(response.choices.count)")
        }
        let withIndex = response.choices.filter { $0.index != nil }.count
        guard withIndex == 0 || withIndex == expected else {
            throw malformed(operation, "only some choices carry an index")
        }
        var slots = [[CompletionChoice?]](repeating: [CompletionChoice?](repeating: nil, count: n), count: promptCount)
        for (position, choice) in response.choices.enumerated() {
            let index = choice.index ?? position
            guard index >= 0, index < expected else {
                throw malformed(operation, "choice index \(index) out of range 0..<\(expected)")
            }
            let (prompt, slot) = index.quotientAndRemainder(dividingBy: n)
            guard slots[prompt][slot] == nil else {
                throw malformed(operation, "duplicate choice index \(index)")
            }
            guard let text = choice.text ?? choice.message?.content else {
                throw malformed(operation, "choice \(index) has no text")
            }
            // Never a NUL: PostgreSQL could not store the item, and it would fail on every retry (StorableText).
            slots[prompt][slot] = CompletionChoice(
                text: StorableText.removingNUL(text), finishReason: FinishReason(apiValue: choice.finishReason), indexInPrompt: slot)
        }
        let choices = slots.map { $0.compactMap { $0 } }
        let usage = response.usage.flatMap { usage -> TokenUsage? in
            guard let prompt = usage.promptTokens else { return nil }
            let completion = usage.completionTokens ?? max(0, (usage.totalTokens ?? prompt) - prompt)
            return TokenUsage(promptTokens: prompt, completionTokens: completion, totalTokens: usage.totalTokens)
        }
        return (choices, usage, response.model)
    }

    private static func malformed(_ operation: String, _ message: String) -> TeacherError {
        TeacherError(kind: .malformedResponse, classification: .retryable, operation: operation, message: message)
    }
}

extension SamplingParameters {
    /// Writes the sampling fields in OpenAI's snake_case; unset optionals and empty collections are omitted,
    /// since some servers reject `null` or an empty `stop`. Chat has no `best_of` and spells log-probabilities
    /// as `logprobs: true` plus `top_logprobs`.
    fileprivate func encodeWire(
        into container: inout KeyedEncodingContainer<OpenAIWire.WireKey>, chat: Bool
    ) throws {
        typealias Key = OpenAIWire.WireKey
        try container.encode(maxTokens, forKey: Key(stringValue: "max_tokens"))
        try container.encode(temperature, forKey: Key(stringValue: "temperature"))
        try container.encode(topP, forKey: Key(stringValue: "top_p"))
        try container.encode(frequencyPenalty, forKey: Key(stringValue: "frequency_penalty"))
        try container.encode(presencePenalty, forKey: Key(stringValue: "presence_penalty"))
        try container.encode(n, forKey: Key(stringValue: "n"))
        if !stop.isEmpty { try container.encode(stop, forKey: Key(stringValue: "stop")) }
        if let logprobs {
            if chat {
                try container.encode(true, forKey: Key(stringValue: "logprobs"))
                try container.encode(logprobs, forKey: Key(stringValue: "top_logprobs"))
            } else {
                try container.encode(logprobs, forKey: Key(stringValue: "logprobs"))
            }
        }
        if !chat, let bestOf { try container.encode(bestOf, forKey: Key(stringValue: "best_of")) }
        if !logitBias.isEmpty {
            let byString = Dictionary(uniqueKeysWithValues: logitBias.map { (String($0.key), $0.value) })
            try container.encode(byString, forKey: Key(stringValue: "logit_bias"))
        }
        if let wireSeed { try container.encode(wireSeed, forKey: Key(stringValue: "seed")) }
    }
}
