// Decides how the client sends several prompts (`TokenCountingMode`) by asking the server three tiny questions at
// once: a list of two prompts and each prompt alone. Prompt token counts do not depend on sampling, so a server
// whose usage covers the whole list reports at least the sum of the two single prompts.

import SelfInstruct

/// The outcome of `TeacherClient.probeTokenCounting()`.
public struct TokenCountingProbe: Sendable, Hashable {
    /// The mode the client uses from now on; `singlePrompt` when the probe could not decide (exact on any server
    /// that reports usage per request).
    public var mode: TokenCountingMode
    /// False when the server could not be asked (down, too slow, rejecting the probe); the client then probes again
    /// on a later call.
    public var decided: Bool
    /// Why, in words for the log.
    public var reason: String
    /// Wall time of the probe.
    public var duration: Duration

    /// Two prompts of clearly different token counts.
    static let prompts = ["Count: one, two, three,", "The colours of the rainbow are red, orange, yellow, green,"]
    /// One token each at temperature 0: quick on a CPU server, nearly free on a paid one.
    static let parameters = SamplingParameters(maxTokens: 1, temperature: 0)
    /// A probe must not hold up a daemon's start for the whole request timeout.
    static let timeout = Duration.seconds(15)

    private enum Answer {
        case answered(usage: TokenUsage?, choices: [[CompletionChoice]])
        case failed(status: Int?, message: String)
    }

    /// Sends the three requests concurrently, outside any rate limit, cache, retry or call record (the probe is
    /// no run's call), and decides.
    static func run(config: TeacherConfig, model: String, transport: any HTTPTransport, clock: TeacherClock) async
        -> TokenCountingProbe
    {
        let started = clock.now
        async let list = ask(prompts, config: config, model: model, transport: transport)
        async let first = ask([prompts[0]], config: config, model: model, transport: transport)
        async let second = ask([prompts[1]], config: config, model: model, transport: transport)
        let (listAnswer, firstAnswer, secondAnswer) = await (list, first, second)
        var probe = decide(list: listAnswer, singles: [firstAnswer, secondAnswer])
        probe.duration = started.duration(to: clock.now)
        return probe
    }

    private static func decide(list: Answer, singles: [Answer]) -> TokenCountingProbe {
        func result(_ mode: TokenCountingMode, decided: Bool = true, _ reason: String) -> TokenCountingProbe {
            TokenCountingProbe(mode: mode, decided: decided, reason: reason, duration: .zero)
        }
        var singleUsages: [TokenUsage?] = []
        for answer in singles {
            switch answer {
            case .failed(_, let message):
                return result(.singlePrompt, decided: false, "a one-prompt probe request failed: \(message)")
            case .answered(let usage, _):
                singleUsages.append(usage)
            }
        }
        switch list {
        case .failed(let status?, let message) where status == 429 || status == 503:
            return result(.singlePrompt, decided: false, "a list of prompts was turned away for now (HTTP \(status): \(message))")
        case .failed(let status?, let message):
            return result(.singlePrompt, "the server refuses a list of prompts (HTTP \(status): \(message))")
        case .failed(nil, let message):
            return result(.singlePrompt, "a list of prompts failed where single prompts succeeded: \(message)")
        case .answered(nil, _):
            if singleUsages.allSatisfy({ $0 == nil }) {
                return result(.usage, "the server reports no usage; counts are estimated by the client")
            }
            return result(.singlePrompt, "the server reports usage for a single prompt but none for a list")
        case .answered(let usage?, let choices):
            let singles = singleUsages.compactMap { $0 }
            guard singles.count == singleUsages.count else {
                return result(.usage, "the server reports usage for a list but not for every single prompt")
            }
            let promptSum = singles.reduce(0) { $0 + $1.promptTokens }
            let floor = TokenAccounting.floors(choices: choices, promptCount: prompts.count)
            let described = "a list of \(prompts.count) prompts reported \(usage.promptTokens) prompt and \(usage.completionTokens) "
                + "completion tokens; the prompts alone \(promptSum) prompt tokens, the choices at least \(floor.completion) completion tokens"
            if usage.promptTokens >= promptSum && usage.completionTokens >= floor.completion {
                return result(.usage, described)
            }
            return result(.singlePrompt, "usage covers part of a list: " + described)
        }
    }

    private static func ask(_ prompts: [String], config: TeacherConfig, model: String, transport: any HTTPTransport) async -> Answer {
        let operation = "POST \(OpenAIWire.completionsPath)"
        do {
            let body = try OpenAIWire.encode(
                OpenAIWire.CompletionsRequest(
                    model: model, prompt: prompts.count == 1 ? .single(prompts[0]) : .many(prompts), parameters: parameters))
            var headers = [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "Accept", value: "application/json")]
            if let apiKey = config.apiKey {
                headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(apiKey.value)"))
            }
            let request = HTTPRequest(
                method: .post, url: config.baseURL + OpenAIWire.completionsPath, headers: headers, body: body,
                connectTimeout: min(config.connectTimeout, timeout), timeout: min(config.requestTimeout, timeout))
            let response = try await transport.send(request)
            if let error = ErrorClassifier.classify(status: response.status, body: response.body, retryAfter: nil, operation: operation) {
                return .failed(status: response.status, message: error.redacting(config.apiKey?.value).message)
            }
            let decoded = try OpenAIWire.decode(response.body, promptCount: prompts.count, n: 1, operation: operation)
            return .answered(usage: decoded.usage, choices: decoded.choices)
        } catch let error as TeacherError {
            // A list answered with the wrong number of choices is a refusal too; it has no HTTP error status.
            return .failed(status: nil, message: error.redacting(config.apiKey?.value).message)
        } catch {
            return .failed(status: nil, message: "\(error)")
        }
    }
}
