// Stage 1 of Self-Instruct (spec §1.1 "Parsing a completion"): the teacher continues a numbered list
// after the prompt's final "9.", so the completion is item 9's text followed by "\n10. …", "\n11. …".

/// Parses a Self-Instruct instruction-generation completion into candidate instructions.
public struct SelfInstructInstructionParser: Sendable, Hashable {
    /// Reference-exact or robust handling of truncated completions.
    public var mode: ParsingMode
    /// Apply Python `str.capitalize()` (first character upper-case, all others lower-case) as the reference does.
    public var capitalize: Bool
    /// The cheap filters applied to each item.
    public var heuristics: InstructionHeuristics

    /// A parser; the defaults are robust mode with the reference capitalisation and Self-Instruct filters.
    public init(mode: ParsingMode = .robust, capitalize: Bool = true, heuristics: InstructionHeuristics = .selfInstruct) {
        self.mode = mode
        self.capitalize = capitalize
        self.heuristics = heuristics
    }

    /// Splits, normalises and filters the items of `completion`.
    public func parse(_ completion: Completion) -> InstructionParseResult {
        let pieces = Self.splitItems(completion.text)
        let truncated = completion.finishReason == .length
        var result = InstructionParseResult()
        for (position, piece) in pieces.enumerated() {
            let normalized = PythonText.normalizeWhitespace(piece)
            let text = capitalize ? PythonText.capitalize(normalized) : normalized
            if truncated {
                switch mode {
                case .referenceExact:
                    result.dropped.append(DroppedItem(position: position, text: text, reason: .truncatedCompletion))
                    continue
                case .robust where position == pieces.count - 1:
                    result.dropped.append(DroppedItem(position: position, text: text, reason: .truncatedLast))
                    continue
                case .robust:
                    break
                }
            }
            if let rejection = heuristics.check(text) {
                result.dropped.append(DroppedItem(position: position, text: text, reason: .rejected(rejection)))
            } else {
                result.instructions.append(ParsedInstruction(position: position, text: text))
            }
        }
        return result
    }

    /// `re.split(r"\n\d+\s?\. ", text)`: a new item starts at a newline, one or more digits, an optional
    /// whitespace character, a dot and a space (a literal U+0020, as in the reference).
    /// "in 2016. The" does not split (no newline); "\n10 . " does.
    public static func splitItems(_ text: String) -> [String] {
        let scalars = ScalarText(text)
        let separators = scalars.matches { start in
            guard scalars[start] == "\n" else { return nil }
            let digitsEnd = scalars.skipDigits(from: start + 1)
            guard digitsEnd > start + 1 else { return nil }
            var i = digitsEnd
            // `\s?` then `\.`: a whitespace is only worth taking when a dot follows it, and without it the
            // dot would have to sit where the whitespace is, so taking it whenever present is the only path.
            if i < scalars.count && isPythonWhitespace(scalars[i]) { i += 1 }
            guard i + 1 < scalars.count, scalars[i] == ".", scalars[i + 1] == " " else { return nil }
            return i + 2
        }
        return scalars.pieces(between: separators).map(scalars.string)
    }
}
