/// What an instruction asks for, as the diversity sunburst groups it.
public enum InstructionForm: Sendable, Hashable {
    /// Imperative: root verb (lower-cased lemma, e.g. "write", "give") and its direct-object noun (lower-cased singular
    /// lemma, e.g. "poem", "tip"), nil when none is found.
    case imperative(verb: String, object: String?)
    /// A question ("What is…?", "How do I…", "Why…", "Is there…", "Can you…"): its first word lower-cased ("what",
    /// "how", "why", "is", "can", …).
    case question(word: String)
    /// Neither (a statement, a noun phrase, text in another language, empty).
    case other
}
