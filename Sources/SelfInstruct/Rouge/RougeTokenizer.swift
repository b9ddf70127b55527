/// The default `rouge_score` tokenizer without stemming, applied per Unicode scalar:
/// Python lower-casing, then every run of characters outside ASCII `a-z0-9` separates tokens.
/// Runs in other languages use `UnicodeRougeTokenizer` instead (`forEachToken(in:language:_:)`).
public enum RougeTokenizer {
    /// Tokens of `text` as `rouge_score` produces them.
    public static func tokenize(_ text: some StringProtocol) -> [String] {
        tokenize(text, language: .en)
    }

    /// Tokens of `text` for a run in `language` (`en`: exactly `rouge_score`'s).
    public static func tokenize(_ text: some StringProtocol, language: RunLanguage) -> [String] {
        var tokens: [String] = []
        forEachToken(in: text, language: language) { tokens.append(String(decoding: $0, as: UTF8.self)) }
        return tokens
    }

    /// Calls `body` with the UTF-8 bytes of each token of `text` for a run in `language`.
    public static func forEachToken(
        in text: some StringProtocol, language: RunLanguage, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        switch language {
        case .en: forEachToken(in: text, body)
        case .zh: UnicodeRougeTokenizer.forEachToken(in: text, chinese: true, body)
        case .unicode: UnicodeRougeTokenizer.forEachToken(in: text, chinese: false, body)
        }
    }

    /// Calls `body` with the ASCII bytes of each token, in order, without allocating strings.
    public static func forEachToken(in text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(32)
        func flush() {
            if !buffer.isEmpty {
                buffer.withUnsafeBufferPointer(body)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x61...0x7A, 0x30...0x39: buffer.append(UInt8(v))
            case 0x41...0x5A: buffer.append(UInt8(v + 32))
            // Python lower-cases U+0130 to "i" + U+0307: the "i" joins the token, the combining dot separates.
            case 0x0130: buffer.append(UInt8(ascii: "i")); flush()
            // U+212A KELVIN SIGN lower-cases to ASCII "k".
            case 0x212A: buffer.append(UInt8(ascii: "k"))
            default: flush()
            }
        }
        flush()
    }
}
