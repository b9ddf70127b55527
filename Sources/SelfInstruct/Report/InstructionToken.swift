/// One piece of an instruction as `VerbObjectExtractor` reads it: a lower-cased word or the punctuation that bounds
/// phrases. Sentence ends are not tokens; `sentences(of:)` splits on them.
enum InstructionToken: Equatable, Sendable {
    /// Letters, digits and inner hyphens, apostrophes and dots ("don't", "one-sentence", "1.0"), lower-cased, with the
    /// curly apostrophe made straight.
    case word(String)
    case comma
    case colon
    case quote
    case open
    case close
    /// A free-standing dash (" - ", "–", "—"), which sets off an example or a label rather than joining words.
    case dash

    var word: String? {
        if case .word(let text) = self { return text }
        return nil
    }

    /// The sentences of `text`, split at ".", "!", "?", ";" and line breaks; empty sentences are dropped.
    static func sentences(of text: String) -> [[InstructionToken]] {
        var sentences: [[InstructionToken]] = []
        var current: [InstructionToken] = []
        var word = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)

        func flushWord() {
            // A word never ends in a hyphen or apostrophe ("students'", "pre-").
            while let last = word.last, last == "-" || last == "'" || last == "." { word.removeLast() }
            if !word.isEmpty { current.append(.word(String(word).lowercased())) }
            word = String.UnicodeScalarView()
        }
        func endSentence() {
            flushWord()
            if !current.isEmpty { sentences.append(current) }
            current = []
        }
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
            // ASCII first: the Unicode property lookup dominated the run time over the Alpaca 52K.
            if scalar.isASCII {
                let value = scalar.value
                return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || (value >= 0x30 && value <= 0x39)
            }
            return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }

        for (index, scalar) in scalars.enumerated() {
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case _ where isWordScalar(scalar):
                word.append(scalar)
            case "'", "\u{2019}":
                // Inside a word an apostrophe belongs to it ("don't", "human's"); before one it opens a quotation.
                if word.isEmpty { current.append(.quote) } else { word.append("'") }
            case "-":
                if !word.isEmpty, let next, isWordScalar(next) { word.append(scalar) } else {
                    flushWord()
                    if next == " " || next == nil { current.append(.dash) }
                }
            case "\u{2013}", "\u{2014}":
                flushWord()
                current.append(.dash)
            case ".":
                // "1.0", "e.g." and "etc." keep the sentence going; a dot before a space or the end closes it.
                if !word.isEmpty, let next, isWordScalar(next) {
                    word.append(scalar)
                } else if abbreviations.contains(String(word).lowercased()) {
                    flushWord()
                } else {
                    endSentence()
                }
            case "!", "?", ";", "\n", "\r", "\u{3002}":
                endSentence()
            case ",", "\u{FF0C}":
                flushWord()
                current.append(.comma)
            case ":":
                flushWord()
                current.append(.colon)
            case "\"", "\u{201C}", "\u{201D}", "\u{2018}", "\u{00AB}", "\u{00BB}", "`":
                flushWord()
                current.append(.quote)
            case "(", "[", "{":
                flushWord()
                current.append(.open)
            case ")", "]", "}":
                flushWord()
                current.append(.close)
            default:
                // Spaces, "<" ">" around placeholders ("<mask>"), slashes, symbols: a word boundary and nothing more.
                flushWord()
            }
        }
        endSentence()
        return sentences
    }

    private static let abbreviations: Set<String> = ["e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "approx"]
}
