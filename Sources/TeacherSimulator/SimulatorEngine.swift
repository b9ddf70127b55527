import FoundationEssentials
import SelfInstruct
import Synchronization

// The simulator without HTTP: request bytes in, status/headers/body/delay out. The HTTP layer only reads
// the body, sleeps the delay and writes the answer.

/// Decides and writes answers for one configuration.
struct SimulatorEngine: Sendable {
    let configuration: SimulatorConfiguration
    let state: SimulatorState

    /// The fixed `created` time of every response, so identical requests give identical bytes.
    static let createdTime = 1_700_000_000

    // MARK: Routes

    func models(authorization: String?) -> SimulatedResponse {
        if let denied = checkAuthorization(authorization) { return denied }
        let data = configuration.models.map { id in
            JSONValue.object([("id", .string(id)), ("object", .string("model")), ("created", .int(Self.createdTime)), ("owned_by", .string("si-teacher-sim"))])
        }
        return SimulatedResponse(status: 200, body: JSONValue.object([("object", .string("list")), ("data", .array(data))]).serialized)
    }

    func completions(body: [UInt8], authorization: String?, chat: Bool) -> SimulatedResponse {
        if let denied = checkAuthorization(authorization) { return denied }

        let request: CompletionRequestBody
        do {
            request = try JSONDecoder().decode(CompletionRequestBody.self, from: Data(body))
        } catch {
            return invalid("We could not parse the JSON body of your request.", code: nil)
        }
        guard let model = request.model, !model.isEmpty else {
            return invalid("You must provide a model parameter.", code: nil)
        }
        guard configuration.models.contains(model) else {
            return SimulatedResponse(status: 404, body: openAIError(
                message: "The model `\(model)` does not exist or you do not have access to it.",
                type: "invalid_request_error", code: "model_not_found").serialized)
        }

        let prompts: [String]
        let promptTokens: Int
        if chat {
            guard let messages = request.messages, !messages.isEmpty else {
                return invalid("'messages' is a required property.", code: nil)
            }
            // The answer continues the last user message as if it were a raw prompt.
            prompts = [messages.last { $0.role == "user" }?.content ?? messages[messages.count - 1].content]
            promptTokens = messages.reduce(0) { $0 + SimulatedTokenizer.count($1.content) }
        } else {
            guard let values = request.prompt?.values, !values.isEmpty else {
                return invalid("'prompt' is a required property.", code: nil)
            }
            prompts = values
            promptTokens = values.reduce(0) { $0 + SimulatedTokenizer.count($1) }
        }

        let n = request.n ?? 1
        guard (1...128).contains(n) else { return invalid("\(n) is not valid for 'n': it must be between 1 and 128.", code: nil) }
        let temperature = request.temperature ?? 1
        guard temperature >= 0, temperature <= 2 else {
            return invalid("\(temperature) is not valid for 'temperature': it must be between 0 and 2.", code: nil)
        }
        let maxTokens = request.maxTokens ?? request.maxCompletionTokens
        if let maxTokens, maxTokens < 0 { return invalid("max_tokens must be at least 0.", code: nil) }
        let stops = (request.stop?.values ?? []).filter { !$0.isEmpty }

        // Context window, per prompt as OpenAI checks it.
        let largestPrompt = chat ? promptTokens : prompts.map { SimulatedTokenizer.count($0) }.max() ?? 0
        if largestPrompt + (maxTokens ?? 0) > configuration.contextTokens {
            let message = "This model's maximum context length is \(configuration.contextTokens) tokens, however you requested "
                + "\(largestPrompt + (maxTokens ?? 0)) tokens (\(largestPrompt) in your prompt; \(maxTokens ?? 0) for the completion). "
                + "Please reduce your prompt; or completion length."
            return invalid(message, code: "context_length_exceeded")
        }

        // Faults: decided from (seed, body, attempt number) so that a retry of the same bytes can succeed.
        var bodyHasher = StableHash(seed: configuration.seed)
        bodyHasher.combine(bytes: body)
        let bodyHash = bodyHasher.finalize()
        let attempt = state.nextAttempt(of: bodyHash)
        let faults = configuration.faults
        let faultsAllowed = faults.faultsOnlyOnFirstAttempts <= 0 || attempt < faults.faultsOnlyOnFirstAttempts
        let faultKey = StableHash.of(configuration.seed, bodyHash, UInt64(attempt), 0xFA17)
        var faultRandom = SeededRandom(seed: faultKey)
        let draw = faultRandom.unitDouble()
        var delay = 0.0
        if faultsAllowed {
            var threshold = faults.rate429
            if draw < threshold {
                state.recordFault("429")
                return SimulatedResponse(
                    status: 429, headers: [("Retry-After", String(faults.retryAfterSeconds))],
                    body: openAIError(message: "Rate limit reached for requests on \(model). Please try again in \(faults.retryAfterSeconds)s.",
                                      type: "requests", code: "rate_limit_exceeded").serialized)
            }
            threshold += faults.rate500
            if draw < threshold {
                state.recordFault("500")
                return SimulatedResponse(status: 500, body: openAIError(
                    message: "The server had an error while processing your request. Sorry about that!",
                    type: "server_error", code: "internal_error").serialized)
            }
            threshold += faults.rate503
            if draw < threshold {
                state.recordFault("503")
                return SimulatedResponse(status: 503, body: openAIError(
                    message: "The engine is currently overloaded, please try again later.",
                    type: "server_error", code: "overloaded").serialized)
            }
            threshold += faults.rate400
            if draw < threshold {
                state.recordFault("400")
                return invalid("Invalid prompt: your prompt was flagged by the simulated moderation check.", code: "invalid_prompt")
            }
            threshold += faults.rateHang
            if draw < threshold {
                state.recordFault("hang")
                delay = max(0, faults.hangSeconds)
            }
        }
        if delay == 0 {
            var latencyRandom = SeededRandom(seed: faultKey, stream: 2)
            delay = configuration.latency.milliseconds(using: &latencyRandom) / 1000
        }

        // Choices, prompt-major: index = promptIndex · n + choiceIndex.
        let seedComponent = request.seed.map { UInt64(bitPattern: $0) } ?? configuration.seed
        var choices: [JSONValue] = []
        var completionTokens = 0
        for (promptIndex, prompt) in prompts.enumerated() {
            let kind = PromptKind.recognise(prompt)
            let language = PromptLanguage.of(prompt: prompt)
            for choiceIndex in 0..<n {
                var contentHasher = StableHash(seed: seedComponent)
                contentHasher.combine(model)
                contentHasher.combine(prompt)
                if temperature > 0 {
                    contentHasher.combine(UInt64(choiceIndex))
                    contentHasher.combine(temperature.bitPattern)
                }
                let index = promptIndex * n + choiceIndex
                var choiceFaults = SeededRandom(seed: faultKey, stream: 1, index: UInt64(index))
                let wrongNumbering = faultsAllowed && choiceFaults.unitDouble() < faults.rateWrongNumbering && kind.isList
                let skipFraction = choiceFaults.unitDouble()
                var contentRandom = SeededRandom(seed: contentHasher.finalize())
                var text = AnswerWriter.answer(for: kind, language: language, skipFraction: wrongNumbering ? skipFraction : nil, using: &contentRandom)
                if wrongNumbering { state.recordFault("wrong_numbering") }
                if chat { text = String(text.drop { $0 == " " }) }

                var finishReason = "stop"
                if let cut = Self.firstStop(in: text, stops: stops) { text = String(text[..<cut]) }
                if let maxTokens, SimulatedTokenizer.count(text) > maxTokens {
                    text = String(SimulatedTokenizer.prefix(text, maxTokens: maxTokens))
                    finishReason = "length"
                }
                if faultsAllowed, choiceFaults.unitDouble() < faults.rateMalformed {
                    state.recordFault("malformed")
                    text = Self.garble(text)
                } else if faultsAllowed, choiceFaults.unitDouble() < faults.rateTruncated, !text.isEmpty {
                    state.recordFault("truncated")
                    let keep = 0.3 + 0.6 * choiceFaults.unitDouble()
                    text = String(SimulatedTokenizer.prefix(text, maxTokens: max(0, Int(Double(SimulatedTokenizer.count(text)) * keep))))
                    finishReason = "length"
                }
                // A draw of its own, taken only when the fault is on, so every other fault stream stays as it was.
                if faultsAllowed, faults.rateControlCharacters > 0, choiceFaults.unitDouble() < faults.rateControlCharacters {
                    state.recordFault("control")
                    text = Self.withControlCharacters(text, using: &choiceFaults)
                }
                completionTokens += SimulatedTokenizer.count(text)
                if chat {
                    choices.append(.object([
                        ("index", .int(index)),
                        ("message", .object([("role", .string("assistant")), ("content", .string(text))])),
                        ("logprobs", .null),
                        ("finish_reason", .string(finishReason)),
                    ]))
                } else {
                    choices.append(.object([
                        ("text", .string(text)),
                        ("index", .int(index)),
                        ("logprobs", .null),
                        ("finish_reason", .string(finishReason)),
                    ]))
                }
            }
        }

        var idHasher = StableHash(seed: seedComponent)
        idHasher.combine(bytes: body)
        let id = (chat ? "chatcmpl-" : "cmpl-") + String(idHasher.finalize(), radix: 16)
        let document = JSONValue.object([
            ("id", .string(id)),
            ("object", .string(chat ? "chat.completion" : "text_completion")),
            ("created", .int(Self.createdTime)),
            ("model", .string(model)),
            ("choices", .array(choices)),
            ("usage", .object([
                ("prompt_tokens", .int(promptTokens)),
                ("completion_tokens", .int(completionTokens)),
                ("total_tokens", .int(promptTokens + completionTokens)),
            ])),
        ])
        return SimulatedResponse(status: 200, body: document.serialized, delaySeconds: delay)
    }

    // MARK: Helpers

    private func invalid(_ message: String, code: String?) -> SimulatedResponse {
        SimulatedResponse(status: 400, body: openAIError(message: message, type: "invalid_request_error", code: code).serialized)
    }

    /// The 401 for a request without the configured key, nil when it may proceed (every route but `/sim/*`).
    func checkAuthorization(_ header: String?) -> SimulatedResponse? {
        guard let required = configuration.requiredAPIKey else { return nil }
        guard let header, header.hasPrefix("Bearer ") else {
            return SimulatedResponse(status: 401, body: openAIError(
                message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                type: "invalid_request_error", code: nil).serialized)
        }
        // Never echo the presented key back.
        guard header.dropFirst("Bearer ".count) == required else {
            return SimulatedResponse(status: 401, body: openAIError(
                message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key").serialized)
        }
        return nil
    }

    /// Where the earliest occurrence of any stop string begins.
    static func firstStop(in text: String, stops: [String]) -> String.Index? {
        // Character-wise search was half the simulator's CPU. On ASCII without CR (CR LF is one Character) every
        // byte is a Character, so a byte search finds the same place; anything else takes the Character path.
        let isPlainASCII = { (bytes: String.UTF8View) in bytes.allSatisfy { $0 < 0x80 && $0 != 0x0D } }
        if !stops.contains(where: \.isEmpty), stops.allSatisfy({ isPlainASCII($0.utf8) }), isPlainASCII(text.utf8) {
            return firstStopByBytes(in: text, stops: stops)
        }
        var earliest: String.Index? = nil
        for stop in stops {
            if let range = text.firstRange(of: stop), earliest.map({ range.lowerBound < $0 }) ?? true {
                earliest = range.lowerBound
            }
        }
        return earliest
    }

    /// `firstStop` for ASCII text and non-empty ASCII stops, by comparing bytes.
    private static func firstStopByBytes(in text: String, stops: [String]) -> String.Index? {
        var text = text
        let offset: Int? = text.withUTF8 { haystack in
            var earliest: Int? = nil
            for stop in stops {
                let needle = Array(stop.utf8)
                // Only starts before the earliest match so far can win.
                let lastStart = min(haystack.count - needle.count, (earliest ?? haystack.count) - 1)
                guard lastStart >= 0 else { continue }
                let first = needle[0]
                var start = 0
                while start <= lastStart {
                    if haystack[start] == first, needle.indices.allSatisfy({ haystack[start + $0] == needle[$0] }) {
                        earliest = start
                        break
                    }
                    start += 1
                }
            }
            return earliest
        }
        return offset.map { text.utf8.index(text.utf8.startIndex, offsetBy: $0) }
    }

    /// Text no reference parser can use: no newlines, digits, colons or `#`, letters rotated by 13, and a
    /// leading punctuation mark (Self-Instruct's filter rejects it, Alpaca's split finds no item, instance
    /// parsers find no `Example`, `Output:` or `Class label:`).
    /// `text` with a NUL, an escape and a bell each put in at a random scalar position.
    static func withControlCharacters(_ text: String, using random: inout SeededRandom) -> String {
        var scalars = Array(text.unicodeScalars)
        for control: Unicode.Scalar in ["\u{0}", "\u{1B}", "\u{7}"] {
            scalars.insert(control, at: Int(random.unitDouble() * Double(scalars.count + 1)) % (scalars.count + 1))
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }

    static func garble(_ text: String) -> String {
        var out = "~*"
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: out.unicodeScalars.append(Unicode.Scalar((scalar.value - 0x41 + 13) % 26 + 0x41)!)
            case 0x61...0x7A: out.unicodeScalars.append(Unicode.Scalar((scalar.value - 0x61 + 13) % 26 + 0x61)!)
            case 0x30...0x39, 0x3A, 0x23: out += "~"
            case 0x0A, 0x0D: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension PromptKind {
    /// Whether the answer is a numbered list (where wrong numbering applies).
    var isList: Bool {
        switch self {
        case .instructionList, .alpacaList: true
        default: false
        }
    }
}
