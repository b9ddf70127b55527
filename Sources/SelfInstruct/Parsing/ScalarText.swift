// Text indexed by Unicode scalar, the unit Python's `str` and `re` work in. The reference parsers are
// regular expressions; here each one is a small hand-written matcher over this view, so results never
// depend on Swift's grapheme clusters or on canonical equivalence (Python compares code points).

/// A string as an array of Unicode scalars, with the few operations the reference parsers need.
struct ScalarText {
    let scalars: [Unicode.Scalar]

    init(_ text: some StringProtocol) {
        scalars = Array(text.unicodeScalars)
    }

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var count: Int { scalars.count }

    subscript(index: Int) -> Unicode.Scalar { scalars[index] }

    /// The text of `range` as a `String`.
    func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }

    /// Whether `literal` occurs at `index` (code point for code point, case-sensitive).
    func hasLiteral(_ literal: [Unicode.Scalar], at index: Int) -> Bool {
        guard index >= 0, index + literal.count <= scalars.count else { return false }
        for offset in 0..<literal.count where scalars[index + offset] != literal[offset] {
            return false
        }
        return true
    }

    /// Index just past a run of Python `\d` characters starting at `index`.
    func skipDigits(from index: Int) -> Int {
        var i = index
        while i < scalars.count && isPythonDecimalDigit(scalars[i]) { i += 1 }
        return i
    }

    /// Index just past a run of Python `\s` characters starting at `index`.
    func skipWhitespace(from index: Int) -> Int {
        var i = index
        while i < scalars.count && isPythonWhitespace(scalars[i]) { i += 1 }
        return i
    }

    /// Every match of a pattern that never matches the empty string, found as Python's `re` finds them:
    /// leftmost first, non-overlapping, scanning resumes at the end of the previous match.
    /// `matchEnd(i)` returns the end of the match starting at `i`, or nil.
    func matches(_ matchEnd: (Int) -> Int?) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i < scalars.count {
            if let end = matchEnd(i), end > i {
                found.append(i..<end)
                i = end
            } else {
                i += 1
            }
        }
        return found
    }

    /// Non-overlapping occurrences of a literal, as `str.split(literal)` finds them.
    func occurrences(of literal: [Unicode.Scalar]) -> [Range<Int>] {
        matches { hasLiteral(literal, at: $0) ? $0 + literal.count : nil }
    }

    /// The text between matches (Python `re.split` without capture groups): always `matches.count + 1` pieces.
    func pieces(between matches: [Range<Int>]) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        pieces.reserveCapacity(matches.count + 1)
        var start = 0
        for match in matches {
            pieces.append(start..<match.lowerBound)
            start = match.upperBound
        }
        pieces.append(start..<scalars.count)
        return pieces
    }

    /// `range` without leading and trailing Python whitespace (as `str.strip()`).
    func stripped(_ range: Range<Int>) -> Range<Int> {
        PythonText.strippedRange(scalars, range)
    }

    /// `str.strip()` of `range`, as a `String`.
    func strippedString(_ range: Range<Int>) -> String {
        string(stripped(range))
    }
}

/// Code-point equality, as Python's `==` on `str` (Swift's `==` on `String` uses canonical equivalence).
@inline(__always)
func scalarsEqual(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.elementsEqual(b.unicodeScalars)
}

extension String {
    /// `str.startswith(prefix)` by code points.
    func hasScalarPrefix(_ prefix: String) -> Bool {
        unicodeScalars.starts(with: prefix.unicodeScalars)
    }

    /// `str.endswith(suffix)` for a one-scalar suffix.
    func hasLastScalar(_ scalar: Unicode.Scalar) -> Bool {
        unicodeScalars.last == scalar
    }
}
