// Keyword search for non-English runs. Python's `\b` finds no boundary between Chinese characters (all are
// word characters), so "\b图片\b" never matches inside a sentence, and "\bimage\b" never matches "用image生成".
// Here a keyword in CJK characters matches anywhere, and one in another script matches where its ends are not
// next to a letter or digit of that kind of script (CJK characters count as separators for it).

/// A literal keyword searched in lower-cased (and, for `zh`, traditional-folded) text.
struct ScriptKeywordPattern: Sendable, Hashable {
    /// The keyword as given (reported in rejections).
    let keyword: String
    private let values: [UInt32]
    private let isCJK: Bool
    /// Words that contain the keyword without meaning it, each with the keyword's offset inside it.
    private let exceptions: [(word: [UInt32], offset: Int)]

    /// Words holding a one-character keyword in another sense: 画 "draw" is also in 刻画 (portrayal), 动画
    /// (animation), 漫画 (comics) and idioms, which a text-only model can write about.
    static let exceptionWords: [String: [String]] = [
        "画": ["刻画", "动画", "漫画", "画家", "画龙点睛", "画蛇添足", "画饼充饥", "如诗如画", "诗情画意"],
    ]

    init(_ keyword: String, foldingTraditional: Bool) {
        self.keyword = keyword
        let values = ScriptKeywordPattern.prepare(keyword, foldingTraditional: foldingTraditional)
        self.values = values
        isCJK = keyword.unicodeScalars.contains { ScriptClass.isCJKCharacter($0.value) }
        exceptions = (Self.exceptionWords[keyword] ?? []).compactMap { word in
            let prepared = ScriptKeywordPattern.prepare(word, foldingTraditional: foldingTraditional)
            guard let offset = (0...(prepared.count - values.count)).first(where: { Array(prepared[$0..<($0 + values.count)]) == values })
            else { return nil }
            return (prepared, offset)
        }
    }

    static func == (a: ScriptKeywordPattern, b: ScriptKeywordPattern) -> Bool { a.keyword == b.keyword && a.values == b.values }
    func hash(into hasher: inout Hasher) { hasher.combine(keyword); hasher.combine(values) }

    /// `text`'s scalar values as patterns compare them: full-width ASCII as ASCII, simple lower case, and with
    /// `foldingTraditional` common traditional characters as simplified.
    static func prepare(_ text: some StringProtocol, foldingTraditional: Bool) -> [UInt32] {
        text.unicodeScalars.map { scalar in
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
            if ScriptClass.isCJKCharacter(value) { return foldingTraditional ? TraditionalChineseFolding.fold(value) : value }
            return PythonKeywordPattern.simpleLowercase(Unicode.Scalar(value)!).value
        }
    }

    /// Whether the keyword occurs in `text` (prepared by `prepare`).
    func matches(in text: [UInt32]) -> Bool {
        let length = values.count
        guard length > 0, length <= text.count else { return false }
        var start = 0
        while start + length <= text.count {
            if text[start] == values[0], text[start..<(start + length)].elementsEqual(values),
               isCJK || (!Self.isAlphanumeric(text, start - 1) && !Self.isAlphanumeric(text, start + length)),
               !isInsideException(text, at: start) {
                return true
            }
            start += 1
        }
        return false
    }

    /// Whether the match at `start` is part of one of the keyword's exception words.
    private func isInsideException(_ text: [UInt32], at start: Int) -> Bool {
        exceptions.contains { word, offset in
            let from = start - offset
            return from >= 0 && from + word.count <= text.count && text[from..<(from + word.count)].elementsEqual(word)
        }
    }

    /// Whether `text[index]` exists and is a letter or digit outside the CJK characters.
    private static func isAlphanumeric(_ text: [UInt32], _ index: Int) -> Bool {
        guard index >= 0, index < text.count else { return false }
        let value = text[index]
        if ScriptClass.isCJKCharacter(value) { return false }
        guard let scalar = Unicode.Scalar(value) else { return false }
        return ScriptClass.isWordCharacter(scalar) || value == 0x5F
    }
}
