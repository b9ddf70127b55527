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
        // The word being read as UTF-8; ASCII words are lower-cased by hand (cheaper than `lowercased()` over 52K
        // instructions).
        var word: [UInt8] = []
        var wordIsASCII = true

        func flushWord() {
            // A word never ends in a hyphen, apostrophe or dot ("students'", "pre-", "etc.").
            while let last = word.last, last == UInt8(ascii: "-") || last == UInt8(ascii: "'") || last == UInt8(ascii: ".") {
                word.removeLast()
            }
            if !word.isEmpty {
                if wordIsASCII {
                    for index in word.indices where word[index] >= 0x41 && word[index] <= 0x5A { word[index] += 0x20 }
                    current.append(.word(String(decoding: word, as: UTF8.self)))
                } else {
                    current.append(.word(String(decoding: word, as: UTF8.self).lowercased()))
                }
            }
            word.removeAll(keepingCapacity: true)
            wordIsASCII = true
        }
        func append(_ scalar: Unicode.Scalar) {
            if scalar.isASCII { word.append(UInt8(scalar.value)) } else {
                wordIsASCII = false
                word.append(contentsOf: String(scalar).utf8)
            }
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

        var scalars = text.unicodeScalars.makeIterator()
        var upcoming = scalars.next()
        while let scalar = upcoming {
            let next = scalars.next()
            upcoming = next
            switch scalar {
            case _ where isWordScalar(scalar):
                append(scalar)
            case "'", "\u{2019}":
                // Inside a word an apostrophe belongs to it ("don't", "human's"); before one it opens a quotation.
                if word.isEmpty { current.append(.quote) } else { word.append(UInt8(ascii: "'")) }
            case "-":
                if !word.isEmpty, let next, isWordScalar(next) { append(scalar) } else {
                    flushWord()
                    if next == " " || next == nil { current.append(.dash) }
                }
            case "\u{2013}", "\u{2014}":
                flushWord()
                current.append(.dash)
            case ".":
                // "1.0", "e.g." and "etc." keep the sentence going; a dot before a space or the end closes it.
                if !word.isEmpty, let next, isWordScalar(next) {
                    append(scalar)
                } else if abbreviations.contains(String(decoding: word, as: UTF8.self).lowercased()) {
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
