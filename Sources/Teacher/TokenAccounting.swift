import SelfInstruct

/// Turns a response's reported usage into the counts a call record keeps, catching usage that cannot cover the
/// choices returned (llama.cpp reports one prompt's usage for a list of prompts, and one choice's for `n > 1`).
enum TokenAccounting {
    /// What was counted for one response.
    struct Counted: Sendable, Hashable {
        var usage: TokenUsage
        var method: TokenCountMethod
        /// True when the server reported usage below what its choices prove was generated.
        var usageTooSmall: Bool
    }

    /// The fewest tokens any honest server can report: every prompt (or conversation) and every non-empty choice is
    /// at least one token. `length` does not prove `max_tokens` tokens: llama.cpp also ends a choice with `length`
    /// when its slot's context is full, and the simulator's truncation fault does the same.
    static func floors(choices: [[CompletionChoice]], promptCount: Int) -> (prompt: Int, completion: Int) {
        (promptCount, choices.joined().filter { !$0.text.isEmpty }.count)
    }

    /// The counts to record: `reported` under `method` when it covers the choices, otherwise an estimate that
    /// is never below what the server reported (method `estimated`). `promptEstimate` is the client's estimate
    /// of the request's prompt tokens.
    static func count(
        reported: TokenUsage?, choices: [[CompletionChoice]], promptCount: Int, promptEstimate: Int, maxTokens: Int,
        method: TokenCountMethod, counter: any TokenCounter
    ) -> Counted {
        let floor = floors(choices: choices, promptCount: promptCount)
        if let reported, reported.promptTokens >= floor.prompt, reported.completionTokens >= floor.completion {
            return Counted(usage: reported, method: method, usageTooSmall: false)
        }
        let completionEstimate = choices.joined().reduce(0) { total, choice in
            let estimate = counter.tokenCount(of: choice.text)
            // An estimate errs high: a choice cut by `length` most likely used all of `max_tokens`.
            return total + (choice.finishReason == .length ? max(estimate, maxTokens) : estimate)
        }
        let usage = TokenUsage(
            promptTokens: max(reported?.promptTokens ?? 0, promptEstimate),
            completionTokens: max(reported?.completionTokens ?? 0, completionEstimate))
        return Counted(usage: usage, method: .estimated, usageTooSmall: reported != nil)
    }
}
