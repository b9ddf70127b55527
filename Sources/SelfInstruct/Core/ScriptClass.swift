// Character classes shared by the tokenizer and the instruction filters of non-English runs.

/// What a character is, for tokenizing and judging non-English text.
public enum ScriptClass {
    /// A Han ideograph (CJK unified, extensions and compatibility ideographs, 々 and 〇) or a kana: one token each.
    @inline(__always)
    public static func isCJKCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF, 0x20000...0x323AF, 0x3005, 0x3007: true
        case 0x3041...0x3096, 0x30A1...0x30FA, 0x30FC, 0x31F0...0x31FF, 0xFF66...0xFF9D: true
        default: false
        }
    }

    /// A Han ideograph (not kana).
    @inline(__always)
    public static func isHan(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF, 0x20000...0x323AF, 0x3005, 0x3007: true
        default: false
        }
    }

    /// Part of a word: a letter or number of any script, or a combining mark (which belongs to the letter before it).
    public static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// ASCII (or full-width) letter or digit.
    @inline(__always)
    public static func isLatinLetterOrDigit(_ value: UInt32) -> Bool {
        var v = value
        if (0xFF01...0xFF5E).contains(v) { v -= 0xFEE0 }
        switch v {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }
}
