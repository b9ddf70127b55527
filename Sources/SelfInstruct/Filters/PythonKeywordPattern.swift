// The reference blacklist test is `re.search(r"\b(" + word + r")\b", s, re.IGNORECASE)` on a `str`.
// This file reproduces exactly that for literal keywords, per code point:
// - `\b` is a Unicode word boundary (word = Python `\w`: alphanumeric or underscore);
// - a cased pattern character c matches a text character t when the simple lower-case mapping of t equals
//   that of c, or is one of the extra equivalents CPython's `sre_compile` adds (`_ignorecase_fixes`);
//   so "İ" (U+0130) and "ı" (U+0131) match "i", "ſ" (U+017F) matches "s", the Kelvin sign (U+212A) matches "k";
// - an uncased pattern character (the space of "go to") matches only itself.

/// A literal keyword searched as a whole word, case-insensitively, with Python `re` semantics.
struct PythonKeywordPattern: Sendable, Hashable {
    /// The keyword as given (reported in rejections).
    let keyword: String
    private let units: [Unit]

    private enum Unit: Sendable, Hashable {
        /// Uncased pattern character: the text must have this exact code point.
        case exact(UInt32)
        /// Cased pattern character: the text character's simple lower-case form must be one of these.
        case folded([UInt32])
    }

    /// Builds the matcher; regular-expression metacharacters in `keyword` are taken literally.
    init(_ keyword: String) {
        self.keyword = keyword
        units = keyword.unicodeScalars.map { scalar in
            guard Self.isCased(scalar) else { return .exact(scalar.value) }
            let lower = Self.simpleLowercase(scalar).value
            return .folded([lower] + (Self.ignoreCaseEquivalents[lower] ?? []))
        }
    }

    /// Whether the keyword occurs in `text` as a whole word.
    func matches(in text: ScalarText) -> Bool {
        let length = units.count
        guard length > 0, length <= text.count else { return false }
        for start in 0...(text.count - length) where isBoundary(text, start) {
            var matched = true
            for offset in 0..<length where !unitMatches(units[offset], text[start + offset]) {
                matched = false
                break
            }
            if matched && isBoundary(text, start + length) { return true }
        }
        return false
    }

    private func unitMatches(_ unit: Unit, _ scalar: Unicode.Scalar) -> Bool {
        switch unit {
        case .exact(let value):
            return scalar.value == value
        case .folded(let accepted):
            return accepted.contains(Self.simpleLowercase(scalar).value)
        }
    }

    /// Python's `\b` for `str` patterns: word-ness differs on the two sides (outside the text counts as non-word).
    private func isBoundary(_ text: ScalarText, _ index: Int) -> Bool {
        let before = index > 0 && isPythonWordCharacter(text[index - 1])
        let after = index < text.count && isPythonWordCharacter(text[index])
        return before != after
    }

    /// The simple (one-to-one) lower-case mapping CPython's `re` uses. Only U+0130 has a multi-scalar full
    /// lower-case mapping without a condition; its simple mapping is plain "i".
    static func simpleLowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            let v = scalar.value
            return v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 32)! : scalar
        }
        if scalar.value == 0x0130 { return "i" }
        let mapping = scalar.properties.lowercaseMapping.unicodeScalars
        return mapping.count == 1 ? mapping.first! : scalar
    }

    /// The simple upper-case mapping (identity where the full mapping needs several scalars, e.g. "ß").
    static func simpleUppercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            let v = scalar.value
            return v >= 0x61 && v <= 0x7A ? Unicode.Scalar(v - 32)! : scalar
        }
        let mapping = scalar.properties.uppercaseMapping.unicodeScalars
        return mapping.count == 1 ? mapping.first! : scalar
    }

    /// CPython's `unicode_iscased`: the character has a different lower- or upper-case form.
    static func isCased(_ scalar: Unicode.Scalar) -> Bool {
        simpleLowercase(scalar) != scalar || simpleUppercase(scalar) != scalar
    }

    /// CPython 3.11 `re._casefix._EXTRA_CASES` (lower-case characters sharing one upper-case form), as a
    /// map from each member to the others.
    static let ignoreCaseEquivalents: [UInt32: [UInt32]] = {
        let groups: [[UInt32]] = [
            [0x69, 0x131], [0x73, 0x17F], [0xB5, 0x3BC], [0x345, 0x3B9, 0x1FBE], [0x390, 0x1FD3],
            [0x3B0, 0x1FE3], [0x3B2, 0x3D0], [0x3B5, 0x3F5], [0x3B8, 0x3D1], [0x3BA, 0x3F0],
            [0x3C0, 0x3D6], [0x3C1, 0x3F1], [0x3C2, 0x3C3], [0x3C6, 0x3D5], [0x1E61, 0x1E9B],
            [0x432, 0x1C80], [0x434, 0x1C81], [0x43E, 0x1C82], [0x441, 0x1C83], [0x442, 0x1C84, 0x1C85],
            [0x44A, 0x1C86], [0x463, 0x1C87], [0x1C88, 0xA64B], [0xFB05, 0xFB06],
        ]
        var map: [UInt32: [UInt32]] = [:]
        for group in groups {
            for member in group { map[member] = group.filter { $0 != member } }
        }
        return map
    }()
}
