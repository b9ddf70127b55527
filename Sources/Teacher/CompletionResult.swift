#if canImport(FoundationEssentials)
#else
#endif

/// The decoded answer to one request.
public struct CompletionResult: Sendable, Hashable {
    /// `choices[j]` holds the `n` choices of prompt `j` (for chat: one conversation, so one inner array).
    public var choices: [[CompletionChoice]]
    public var usage: TokenUsage?
    /// The model the server says answered.
    public var model: String?
    /// True when the answer came from the response cache.
    public var fromCache: Bool
    /// The canonical request key.
    public var requestKey: RequestKey
}
