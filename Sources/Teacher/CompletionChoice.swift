public import SelfInstruct

#if canImport(FoundationEssentials)
#else
#endif

/// One generated choice, already matched to its prompt.
public struct CompletionChoice: Sendable, Hashable {
    public var text: String
    public var finishReason: FinishReason
    /// Position among the `n` choices of its prompt.
    public var indexInPrompt: Int

    public init(text: String, finishReason: FinishReason, indexInPrompt: Int) {
        self.text = text
        self.finishReason = finishReason
        self.indexInPrompt = indexInPrompt
    }

    /// The choice as the domain's `Completion`.
    public var completion: Completion { Completion(text: text, finishReason: finishReason) }
}
