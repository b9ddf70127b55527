// The language a prompt asks the teacher to write in. Chinese prompts keep their structural labels in ASCII
// English (`Task:`, `Output:`, `Class label:`, `###`, numbering), so only the natural-language text tells the
// languages apart; the first line of every Chinese prompt contains a CJK ideograph, and English prompts never do.

/// The language of a prompt's natural-language text.
enum PromptLanguage: Equatable, Sendable {
    case english
    case chinese

    /// Chinese when the first line of `prompt` contains a CJK ideograph, English otherwise.
    static func of(prompt: String) -> PromptLanguage {
        containsHan(prompt.unicodeScalars.prefix { $0 != "\n" }) ? .chinese : .english
    }

    /// The language a task text is read in inside a prompt of language `prompt`: a Chinese prompt may still carry a
    /// task without any Chinese character (an English seed), which only the English reading understands.
    static func ofTask(_ task: String, in prompt: PromptLanguage) -> PromptLanguage {
        prompt == .chinese && containsHan(task.unicodeScalars) ? .chinese : .english
    }

    /// Whether any scalar is a CJK unified ideograph (U+4E00–U+9FFF) or of extension A (U+3400–U+4DBF).
    static func containsHan(_ scalars: some Sequence<Unicode.Scalar>) -> Bool {
        scalars.contains(where: isHan)
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }
}
