/// Removes characters that carry no text: C0 and C1 controls (tab and line feed stay), U+FFFD (a decoding
/// failure upstream), invisible spaces, and escape debris ("\n" written as two characters) at the very end.
enum ControlCharacterCleaner {
    /// The cleaned text, or nil when there was nothing to clean.
    static func clean(_ text: String) -> String? {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var changed = false
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { previousWasCarriageReturn = scalar == "\r" }
            switch scalar.value {
            case 0x0A where previousWasCarriageReturn:
                // CR LF: the CR already became this LF.
                changed = true
            case 0x0D, 0x0B, 0x0C:
                // CR, vertical tab and form feed end a line wherever they turn up; keep the line break.
                scalars.append("\n")
                changed = true
            case 0x09, 0x0A:
                scalars.append(scalar)
            case 0x00...0x1F, 0x7F...0x9F, 0xFFFD:
                changed = true
            case 0x200B, 0x2060, 0xFEFF, 0x180E:
                // Zero-width space, word joiner, BOM, Mongolian vowel separator: invisible and meaningless in
                // training text. ZWJ/ZWNJ (U+200C/U+200D) stay: emoji sequences and Persian or Indic script use them.
                changed = true
            default:
                scalars.append(scalar)
            }
        }
        if removeTrailingEscapes(&scalars) { changed = true }
        guard changed else { return nil }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    /// Drops literal `\n`, `\r`, `\t` sequences (backslash + letter) left at the end of a field, with the white
    /// space around them. Only at the end: inside code they are meaningful (`printf("%d\n", i);`), and code
    /// never ends with one.
    static func removeTrailingEscapes(_ scalars: inout [Unicode.Scalar]) -> Bool {
        var end = scalars.count
        var removed = false
        while true {
            var cut = end
            while cut > 0, isPythonWhitespace(scalars[cut - 1]) { cut -= 1 }
            guard cut >= 2, scalars[cut - 2] == "\\", ["n", "r", "t"].contains(scalars[cut - 1]),
                  cut < 3 || scalars[cut - 3] != "\\" else { break }
            end = cut - 2
            removed = true
        }
        guard removed else { return false }
        while end > 0, isPythonWhitespace(scalars[end - 1]) { end -= 1 }
        scalars.removeSubrange(end...)
        return true
    }
}
