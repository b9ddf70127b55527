// ROUGE-L tokens for runs that are not English (`zh`, `unicode`). `rouge_score` keeps only ASCII letters and
// digits, so a Chinese instruction has no tokens at all and every score against it is 0: no near-duplicate is
// ever caught. Here each CJK character is a token (Chinese has no spaces, and a character is its unit of
// meaning), words of any other script and numbers stay whole, and punctuation, symbols and spaces separate.
// In `zh` runs the clauses (split at ，。；！？ and line breaks) are also put in a canonical order: Chinese moves
// conditions and constraints freely ("预算五千元以内，推荐一款笔记本" / "推荐一款笔记本，预算五千元以内"), and
// a longest common subsequence would only see the longer clause of such a pair. The order must survive small
// edits, or a near-duplicate with one changed character gets its clauses swapped and escapes: longest clause
// first (a substituted character keeps the length), then by the clause's sorted tokens, then by its text; a
// leading connective (并, 然后, 请…) is left out of the key, since it stays in place when clauses swap.
// Ordered by text alone, a quarter of copies with a clause's first character changed escaped the filter.

/// The tokenizer of `zh` and `unicode` runs.
enum UnicodeRougeTokenizer {
    /// Calls `body` with the UTF-8 bytes of each token of `text`. Full-width ASCII is read as ASCII, letters are
    /// lower-cased; with `chinese`, common traditional characters become simplified and clauses come in the
    /// canonical order above (otherwise tokens come in text order).
    static func forEachToken(
        in text: some StringProtocol, chinese: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        guard chinese else { return forEachTokenInOrder(in: text, foldingTraditional: false) { token, _ in body(token) } }
        var clauses: [[[UInt8]]] = [[]]
        forEachTokenInOrder(in: text, foldingTraditional: true) { token, startsClause in
            if startsClause && !clauses[clauses.count - 1].isEmpty { clauses.append([]) }
            clauses[clauses.count - 1].append(Array(token))
        }
        if clauses.count > 1 {
            let byBytes: ([UInt8], [UInt8]) -> Bool = { $0.lexicographicallyPrecedes($1) }
            let keyed = clauses.map { clause in
                let core = withoutLeadingConnective(clause)
                return (length: core.count, bag: core.sorted(by: byBytes), clause: clause)
            }
            clauses = keyed.sorted { a, b in
                if a.length != b.length { return a.length > b.length }
                if a.bag.elementsEqual(b.bag) { return a.clause.lexicographicallyPrecedes(b.clause, by: byBytes) }
                return a.bag.lexicographicallyPrecedes(b.bag, by: byBytes)
            }.map(\.clause)
        }
        for clause in clauses {
            for token in clause { token.withUnsafeBufferPointer(body) }
        }
    }

    /// Words that open a clause and stay behind when clauses swap ("解释A，并举例" / "举例，并解释A"), as token
    /// sequences, longest first. The order key leaves them out; the tokens keep them.
    private static let connectives: [[[UInt8]]] = ["并且", "而且", "然后", "同时", "以及", "另外", "并", "且", "再", "还", "和", "与", "及", "而", "或", "请"]
        .map { word in word.unicodeScalars.map { Array(String($0).utf8) } }

    /// `clause` without a leading connective (unless that is all it has).
    private static func withoutLeadingConnective(_ clause: [[UInt8]]) -> ArraySlice<[UInt8]> {
        for connective in connectives where clause.count > connective.count && clause.starts(with: connective) {
            return clause.dropFirst(connective.count)
        }
        return clause[...]
    }

    /// Whether `value` (full-width already read as ASCII) ends a clause: ，。；！？ (and their ASCII forms) or a
    /// line break. Not "." or "、": decimals, abbreviations and lists stay inside their clause.
    @inline(__always)
    private static func endsClause(_ value: UInt32) -> Bool {
        switch value {
        case 0x2C, 0x3B, 0x21, 0x3F, 0x0A, 0x3002: true
        default: false
        }
    }

    /// Tokens in text order; `body` also learns whether a token is the first after a clause boundary.
    private static func forEachTokenInOrder(
        in text: some StringProtocol, foldingTraditional: Bool, _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Void
    ) {
        var boundary = false
        func emit(_ token: UnsafeBufferPointer<UInt8>) {
            body(token, boundary)
            boundary = false
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(32)
        func flush() {
            if !buffer.isEmpty {
                buffer.withUnsafeBufferPointer(emit)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        for original in text.unicodeScalars {
            var value = original.value
            // Full-width forms (Ａ, １, ！) are the ASCII characters typed in a CJK input method.
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
            if endsClause(value) {
                flush()
                boundary = true
                continue
            }
            if value < 0x80 {
                switch value {
                case 0x61...0x7A, 0x30...0x39: buffer.append(UInt8(value))
                case 0x41...0x5A: buffer.append(UInt8(value + 32))
                default: flush()
                }
                continue
            }
            if ScriptClass.isCJKCharacter(value) {
                flush()
                let folded = foldingTraditional ? TraditionalChineseFolding.fold(value) : value
                appendUTF8(Unicode.Scalar(folded)!, to: &buffer)
                flush()
                continue
            }
            let scalar = Unicode.Scalar(value)!
            guard ScriptClass.isWordCharacter(scalar) else { flush(); continue }
            for lower in scalar.properties.lowercaseMapping.unicodeScalars { appendUTF8(lower, to: &buffer) }
        }
        flush()
    }

    @inline(__always)
    private static func appendUTF8(_ scalar: Unicode.Scalar, to buffer: inout [UInt8]) {
        UTF8.encode(scalar) { buffer.append($0) }
    }
}
