// Python `str` semantics the reference pipelines depend on, re-implemented per Unicode scalar so that
// results do not depend on Swift's grapheme-cluster view of text (Python works on code points).

/// Python's `str.isspace()` / `re` `\s` set for `str` patterns: Unicode White_Space-like characters as
/// CPython defines them (bidirectional class WS, B or S, or category Zs).
@inline(__always)
public func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
        return true
    default:
        return false
    }
}

/// Python's `\d` for `str` patterns: Unicode decimal digits (general category Nd).
@inline(__always)
public func isPythonDecimalDigit(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII { return scalar.value >= 0x30 && scalar.value <= 0x39 }
    return scalar.properties.generalCategory == .decimalNumber
}

/// Python's `\w` for `str` patterns: `str.isalnum()` or underscore.
@inline(__always)
public func isPythonWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
        let v = scalar.value
        return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F
    }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
         .decimalNumber, .letterNumber, .otherNumber:
        return true
    default:
        return scalar.properties.numericType != nil
    }
}

/// ASCII punctuation as Python's `string.punctuation`.
@inline(__always)
public func isASCIIPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
    default: return false
    }
}

public enum PythonText {
    /// `s.strip()`: removes leading and trailing Python whitespace.
    public static func strip(_ s: some StringProtocol) -> String {
        let scalars = s.unicodeScalars
        return String(String.UnicodeScalarView(scalars[strippedRange(scalars, scalars.startIndex..<scalars.endIndex)]))
    }

    /// The part of `range` left after `str.strip()`: the one scalar-level primitive behind every strip here.
    public static func strippedRange<C: BidirectionalCollection>(_ scalars: C, _ range: Range<C.Index>) -> Range<C.Index>
    where C.Element == Unicode.Scalar {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isPythonWhitespace(scalars[lower]) { lower = scalars.index(after: lower) }
        while upper > lower {
            let before = scalars.index(before: upper)
            guard isPythonWhitespace(scalars[before]) else { break }
            upper = before
        }
        return lower..<upper
    }

    /// `s.split()` with no separator: runs of Python whitespace separate, empty pieces dropped.
    public static func splitWhitespace(_ s: some StringProtocol) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if isPythonWhitespace(scalar) {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// Number of words `len(s.split())`, without building them.
    public static func wordCount(_ s: some StringProtocol) -> Int {
        var count = 0
        var inWord = false
        for scalar in s.unicodeScalars {
            if isPythonWhitespace(scalar) { inWord = false } else if !inWord { inWord = true; count += 1 }
        }
        return count
    }

    /// `re.sub(r"\s+", " ", s)`: every run of Python whitespace becomes one space.
    public static func collapseWhitespace(_ s: some StringProtocol) -> String {
        var out = String.UnicodeScalarView()
        var inSpace = false
        for scalar in s.unicodeScalars {
            if isPythonWhitespace(scalar) {
                if !inSpace { out.append(" "); inSpace = true }
            } else {
                out.append(scalar)
                inSpace = false
            }
        }
        return String(out)
    }

    /// `re.sub(r"\s+", " ", s).strip()`: the normalisation both pipelines apply to instruction text.
    public static func normalizeWhitespace(_ s: some StringProtocol) -> String {
        strip(collapseWhitespace(s))
    }

    /// `s.rstrip(":")`.
    public static func stripTrailingColons(_ s: String) -> String {
        var scalars = s.unicodeScalars[...]
        while scalars.last == ":" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Python's `str.lower()`: full Unicode lower-casing per code point, including the context-dependent
    /// final sigma rule that CPython implements.
    public static func lower(_ s: some StringProtocol) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        for (i, scalar) in scalars.enumerated() {
            appendLower(scalar, at: i, in: scalars, to: &out)
        }
        return String(out)
    }

    /// Python's `str.capitalize()` (3.8+): first code point title-cased, every other one lower-cased.
    /// The reference Self-Instruct pipeline applies this to every generated instruction.
    public static func capitalize(_ s: some StringProtocol) -> String {
        let scalars = Array(s.unicodeScalars)
        guard let first = scalars.first else { return "" }
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        if first.isASCII {
            let v = first.value
            out.append(v >= 0x61 && v <= 0x7A ? Unicode.Scalar(v - 32)! : first)
        } else {
            out.append(contentsOf: first.properties.titlecaseMapping.unicodeScalars)
        }
        for i in 1..<scalars.count {
            appendLower(scalars[i], at: i, in: scalars, to: &out)
        }
        return String(out)
    }

    @inline(__always)
    private static func appendLower(
        _ scalar: Unicode.Scalar, at index: Int, in scalars: [Unicode.Scalar], to out: inout String.UnicodeScalarView
    ) {
        if scalar.isASCII {
            let v = scalar.value
            out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 32)! : scalar)
        } else if scalar.value == 0x03A3 {
            out.append(isFinalSigma(at: index, in: scalars) ? "\u{03C2}" : "\u{03C3}")
        } else {
            out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }

    /// CPython's `handle_capital_sigma`: Σ lower-cases to final ς when preceded by a cased letter and not
    /// followed by one (case-ignorable characters skipped in both directions).
    private static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        var j = index - 1
        while j >= 0 && scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && scalars[j].properties.isCased else { return false }
        j = index + 1
        while j < scalars.count && scalars[j].properties.isCaseIgnorable { j += 1 }
        return !(j < scalars.count && scalars[j].properties.isCased)
    }
}
