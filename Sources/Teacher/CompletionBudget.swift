// How many completion tokens a request may ask for, computed from the prompt size and the model's
// context window (spec §6 item 6: the reference asked for 3072 tokens after a ~1000-token prompt in a
// 4097-token window, then shrank max_tokens by 20 % in a loop until it reached 0).

/// The completion budget of one model: `max_tokens = min(requested, context − prompt − margin)`, and a
/// clear failure when that leaves less than `minimumCompletionTokens`.
public struct CompletionBudget: Sendable, Hashable {
    /// The model's context window in tokens (prompt plus completion).
    public var contextTokens: Int
    /// Tokens kept free for estimation error and chat-template overhead.
    public var safetyMargin: Int
    /// Smallest completion worth asking for; below it the item fails instead of shrinking further.
    public var minimumCompletionTokens: Int

    public init(contextTokens: Int, safetyMargin: Int = 64, minimumCompletionTokens: Int = 16) {
        self.contextTokens = contextTokens
        self.safetyMargin = max(0, safetyMargin)
        self.minimumCompletionTokens = max(1, minimumCompletionTokens)
    }

    /// The `max_tokens` to send for a prompt of `promptTokens` when `requested` were asked for.
    public func maxTokens(requested: Int, promptTokens: Int, operation: String) throws(TeacherError) -> Int {
        let room = contextTokens - promptTokens - safetyMargin
        let granted = min(requested, room)
        // A caller asking for fewer tokens than the minimum (a 3-token classification answer) gets what it asked.
        let floor = min(minimumCompletionTokens, max(requested, 1))
        guard granted >= floor else {
            throw TeacherError(
                kind: .promptTooLong, classification: .failItem, operation: operation,
                message: "prompt of about \(promptTokens) tokens leaves \(max(room, 0)) of the \(contextTokens)-token "
                    + "context (margin \(safetyMargin)); at least \(floor) completion tokens are required")
        }
        return granted
    }
}
