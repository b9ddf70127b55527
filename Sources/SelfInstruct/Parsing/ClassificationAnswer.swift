// Stage 2 of Self-Instruct (spec §1.2): the teacher answers "Is it classification?" with a few tokens,
// typically " Yes" or " No".

/// The parsed answer to "Is it classification?".
public enum ClassificationAnswer: String, Sendable, Hashable, CaseIterable, Codable {
    case yes
    case no
    /// Neither yes nor no (robust mode only): the task must not be routed as if the answer were "no".
    case unparseable

    /// Reads a completion's text. Reference: trimmed text exactly `Yes`, `yes` or `YES` is `.yes`, anything
    /// else (even "" from a failed call) `.no`. Robust: `yes`/`no` in any ASCII case, optionally followed by
    /// ASCII punctuation ("Yes."), else `.unparseable`.
    public init(parsing text: String, mode: ParsingMode = .robust) {
        let trimmed = PythonText.strip(text)
        switch mode {
        case .referenceExact:
            self = ["Yes", "yes", "YES"].contains(where: { scalarsEqual($0, trimmed) }) ? .yes : .no
        case .robust:
            var scalars = trimmed.unicodeScalars[...]
            while let last = scalars.last, isASCIIPunctuation(last) { scalars = scalars.dropLast() }
            var word = ""
            for scalar in scalars {
                // Only ASCII letters may vary in case; anything else keeps the answer unparseable.
                guard scalar.isASCII else { self = .unparseable; return }
                word.unicodeScalars.append(scalar.properties.isUppercase ? Unicode.Scalar(scalar.value + 32)! : scalar)
            }
            switch word {
            case "yes": self = .yes
            case "no": self = .no
            default: self = .unparseable
            }
        }
    }

    /// True for `.yes`, false for `.no`, nil when unparseable.
    public var isClassification: Bool? {
        switch self {
        case .yes: true
        case .no: false
        case .unparseable: nil
        }
    }
}
