/// Why the cheap filters rejected an instruction; `code` is a stable snake_case value for SQL.
public enum InstructionRejection: Sendable, Hashable {
    /// Nothing left after whitespace normalisation.
    case empty
    /// Fewer words than the minimum (the payload is the word count).
    case tooFewWords(Int)
    /// More words than the maximum (the payload is the word count).
    case tooManyWords(Int)
    /// Contains a blacklisted keyword as a whole word (the payload is the keyword).
    case blacklistedKeyword(String)
    /// Starts with the exact, case-sensitive text "Write a program".
    case startsWithWriteAProgram
    /// First character is ASCII punctuation.
    case startsWithPunctuation
    /// First character is not ASCII.
    case startsWithNonASCII
    /// Fewer characters than the minimum of a `zh` or `unicode` run (the payload is the count).
    case tooFewCharacters(Int)
    /// More characters than the maximum of a `zh` or `unicode` run (the payload is the count).
    case tooManyCharacters(Int)
    /// First character of a `zh` run is neither Chinese nor a Latin letter or digit; of a `unicode` run, not a
    /// letter or digit.
    case startsWithUnexpectedScript

    /// Stable reason code, e.g. `blacklisted_keyword`.
    public var code: String {
        switch self {
        case .empty: "empty"
        case .tooFewWords: "too_few_words"
        case .tooManyWords: "too_many_words"
        case .blacklistedKeyword: "blacklisted_keyword"
        case .startsWithWriteAProgram: "starts_with_write_a_program"
        case .startsWithPunctuation: "starts_with_punctuation"
        case .startsWithNonASCII: "starts_with_non_ascii"
        case .tooFewCharacters: "too_few_characters"
        case .tooManyCharacters: "too_many_characters"
        case .startsWithUnexpectedScript: "starts_with_unexpected_script"
        }
    }

    /// Extra detail for the code: the keyword or the word count, nil otherwise.
    public var detail: String? {
        switch self {
        case .tooFewWords(let count), .tooManyWords(let count), .tooFewCharacters(let count), .tooManyCharacters(let count):
            String(count)
        case .blacklistedKeyword(let keyword): keyword
        default: nil
        }
    }
}
