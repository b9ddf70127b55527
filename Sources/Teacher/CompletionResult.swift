#if canImport(FoundationEssentials)
#else
#endif

/// The decoded answer to one request.
public struct CompletionResult: Sendable, Hashable {
    /// `choices[j]` holds the `n` choices of prompt `j` (for chat: one conversation, so one inner array).
    public var choices: [[CompletionChoice]]
    /// The tokens counted for the request as `tokenCountMethod` says; present for every answer (optional for
    /// source compatibility).
    public var usage: TokenUsage?
    /// The model the server says answered.
    public var model: String?
    /// True when the answer came from the response cache.
    public var fromCache: Bool
    /// The canonical request key (of the whole list when its prompts were sent one per request).
    public var requestKey: RequestKey
    /// How `usage` was counted; `estimated` when any of its requests had to be estimated.
    public var tokenCountMethod: TokenCountMethod
}
