/// The lower-cased words of a text for phrase rules. Punctuation and line breaks become a barrier (an empty
/// word) so that a phrase never matches across a sentence, a list item or a line; spaces, hyphens and
/// apostrophes only separate words.
struct HygieneWords {
    static let barrier = ""
    let words: [String]

    init(_ text: String) {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func finishWord() {
            guard !current.isEmpty else { return }
            words.append(String(current).lowercased())
            current = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || isPythonDecimalDigit(scalar) {
                current.append(scalar)
                continue
            }
            finishWord()
            switch scalar {
            case " ", "\t", "-", "'", "\u{2019}", "\u{00A0}":
                continue
            default:
                if words.last != Self.barrier { words.append(Self.barrier) }
            }
        }
        finishWord()
        self.words = words
    }

    /// The word at `index`, or a barrier outside the text.
    subscript(_ index: Int) -> String {
        words.indices.contains(index) ? words[index] : Self.barrier
    }

    /// Whether any word is in `set`.
    func containsAny(_ set: Set<String>) -> Bool {
        words.contains(where: set.contains)
    }

    /// Whether a word of `first` is directly followed by a word of `second`.
    func containsPair(_ first: Set<String>, _ second: Set<String>) -> Bool {
        words.indices.contains { first.contains(words[$0]) && second.contains(self[$0 + 1]) }
    }
}
