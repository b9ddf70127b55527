/// Maps token strings to dense integer ids, once, so that comparisons work on integers.
public struct TokenVocabulary: Sendable {
    private var ids: [String: Int32] = [:]
    public private(set) var tokens: [String] = []
    /// Whose tokenizer splits the texts (`en`: `rouge_score`'s).
    public let language: RunLanguage

    public init(language: RunLanguage = .en) {
        self.language = language
    }

    public var count: Int { tokens.count }

    /// The ids of `text`'s ROUGE tokens without growing the vocabulary: tokens it does not know all map to
    /// one id past the end (`count`), which no pool member contains. For decisions that may not admit.
    public func lookup(_ text: some StringProtocol) -> [Int32] {
        var out: [Int32] = []
        let unknown = Int32(tokens.count)
        RougeTokenizer.forEachToken(in: text, language: language) { bytes in
            out.append(ids[String(decoding: bytes, as: UTF8.self)] ?? unknown)
        }
        return out
    }

    /// The ids of `text`'s ROUGE tokens, interning new tokens.
    public mutating func intern(_ text: some StringProtocol) -> [Int32] {
        var out: [Int32] = []
        RougeTokenizer.forEachToken(in: text, language: language) { bytes in
            let token = String(decoding: bytes, as: UTF8.self)
            if let id = ids[token] {
                out.append(id)
            } else {
                let id = Int32(tokens.count)
                ids[token] = id
                tokens.append(token)
                out.append(id)
            }
        }
        return out
    }
}
