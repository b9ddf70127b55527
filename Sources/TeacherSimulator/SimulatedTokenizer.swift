// A stand-in tokenizer: real BPE tokenizers average roughly four bytes of English per token, so counting
// UTF-8 bytes is close enough for budgets and usage figures while staying trivially reproducible.

/// The simulator's token count: one token per 4 UTF-8 bytes, rounded up (`""` is 0 tokens).
public enum SimulatedTokenizer {
    /// Tokens in `text`: `ceil(utf8Count / 4)`.
    public static func count(_ text: some StringProtocol) -> Int {
        (text.utf8.count + 3) / 4
    }

    /// The longest prefix of `text` that fits in `maxTokens` tokens, cut on a Unicode scalar boundary.
    public static func prefix(_ text: String, maxTokens: Int) -> Substring {
        let budget = max(0, maxTokens) * 4
        var used = 0
        var end = text.startIndex
        for scalarIndex in text.unicodeScalars.indices {
            let width = UTF8.width(text.unicodeScalars[scalarIndex])
            if used + width > budget { break }
            used += width
            end = text.unicodeScalars.index(after: scalarIndex)
        }
        return text[..<end]
    }
}
