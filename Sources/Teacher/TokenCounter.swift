/// Counts (or estimates) the tokens of a text for one model family.
public protocol TokenCounter: Sendable {
    /// The number of tokens `text` takes; estimators should err high.
    func tokenCount(of text: String) -> Int
}
