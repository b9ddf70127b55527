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

    /// One pattern code point.
    private struct Unit: Sendable, Hashable {
        /// Uncased: the text must have exactly `value`; cased: its lower-cased form must be `value`
        /// or one of `alternates`.
        var cased: Bool
        var value: UInt32
        var alternates: [UInt32]

        @inline(__always)
        func matches(raw: UInt32, lowered: UInt32) -> Bool {
            guard cased else { return raw == value }
            return lowered == value || (!alternates.isEmpty && alternates.contains(lowered))
        }
    }

    /// Builds the matcher; regular-expression metacharacters in `keyword` are taken literally.
    init(_ keyword: String) {
        self.keyword = keyword
        units = keyword.unicodeScalars.map { scalar in
            guard Self.isCased(scalar) else { return Unit(cased: false, value: scalar.value, alternates: []) }
            let lower = Self.simpleLowercase(scalar).value
            return Unit(cased: true, value: lower, alternates: Self.ignoreCaseEquivalents[lower] ?? [])
        }
    }

    /// Whether the keyword occurs in `text` as a whole word.
    func matches(in text: ScalarText) -> Bool {
        matches(in: KeywordHaystack(text))
    }

    /// Whether the keyword occurs in the prepared `text` as a whole word.
    func matches(in text: KeywordHaystack) -> Bool {
        let length = units.count
        guard length > 0, length <= text.count else { return false }
        for start in text.boundaryPositions where start + length <= text.count && text.isBoundary[start + length] {
            var offset = 0
            while offset < length && units[offset].matches(raw: text.raw[start + offset], lowered: text.lowered[start + offset]) {
                offset += 1
            }
            if offset == length { return true }
        }
        return false
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
