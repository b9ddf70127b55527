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

    init(_ keyword: String, foldingTraditional: Bool) {
        self.keyword = keyword
        values = ScriptKeywordPattern.prepare(keyword, foldingTraditional: foldingTraditional)
        isCJK = keyword.unicodeScalars.contains { ScriptClass.isCJKCharacter($0.value) }
    }

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
            if text[start] == values[0], Array(text[start..<(start + length)]) == values,
               isCJK || (!Self.isAlphanumeric(text, start - 1) && !Self.isAlphanumeric(text, start + length)) {
                return true
            }
            start += 1
        }
        return false
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
