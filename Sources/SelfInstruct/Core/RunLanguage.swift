/// The language a run writes and judges its instructions in. It picks the prompt texts, the ROUGE-L tokenizer
/// and the cheap instruction filters; `en` is the reference, bit for bit.
public enum RunLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    /// English: the reference prompts, `rouge_score`'s ASCII tokenizer and the reference heuristics.
    case en
    /// Chinese: Chinese prompts, one token per Chinese character (traditional folded to simplified), lengths
    /// in characters, Chinese keywords.
    case zh
    /// Any other language: the English prompts (ask for the language in the seed tasks), one token per CJK
    /// character, words of any script, and only script-neutral checks.
    case unicode

    /// What `--language` accepts, for help and errors.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
