/// A tokenizer-free estimate meant to be an upper bound for common BPE vocabularies (GPT-2, cl100k,
/// Llama, Qwen): real tokenizers cannot be loaded offline, and over-estimating only costs a little
/// completion budget while under-estimating makes the server reject the request.
///
/// Rules: each run of ASCII letters or digits costs ⌈length / 3⌉ (BPE merges rarely cover fewer than 3
/// characters per token; cl100k splits digits in groups of 3); each ASCII punctuation or symbol
/// character costs 1; a single space before a word is free (BPE folds it into the word), other spaces,
/// tabs and newlines cost 1 each; CJK ideographs, kana and hangul cost 2 each; any other non-ASCII
/// scalar costs its UTF-8 byte count (byte-level fallback). English prose comes out about 1.3–1.6× the
/// real cl100k count.
public struct ConservativeTokenEstimator: TokenCounter, Hashable {
    public init() {}

    public func tokenCount(of text: String) -> Int {
        var total = 0
        var runLength = 0
        var previousWasSpace = false
        func closeRun() {
            total += (runLength + 2) / 3
            runLength = 0
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isAlphanumeric =
                (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
            if isAlphanumeric {
                runLength += 1
                previousWasSpace = false
                continue
            }
            closeRun()
            if value == 0x20 {
                // A lone space merges into the following word; a second one in a row is its own token.
                if previousWasSpace { total += 1 }
                previousWasSpace = true
                continue
            }
            if previousWasSpace {
                // The pending space did not precede a word.
                total += 1
            }
            previousWasSpace = false
            if value < 0x80 {
                total += 1
            } else if Self.isWideScript(value) {
                total += 2
            } else {
                total += scalar.utf8.count
            }
        }
        closeRun()
        if previousWasSpace { total += 1 }
        return total
    }

    private static func isWideScript(_ value: UInt32) -> Bool {
        switch value {
        case 0x3040...0x30FF,  // hiragana, katakana
            0x3400...0x4DBF,  // CJK extension A
            0x4E00...0x9FFF,  // CJK unified ideographs
            0xAC00...0xD7AF,  // hangul syllables
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0x3000...0x303F,  // CJK punctuation
            0xFF00...0xFFEF:  // full-width forms
            return true
        default:
            return false
        }
    }
}
