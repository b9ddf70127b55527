// The cheap instruction filters both reference pipelines apply before the novelty check
// (spec §1.1 "Drop the piece if any of", §2.4 step 5). Checks run in the reference order and the first
// failing one is reported.

/// The reference's cheap instruction filters, configured per recipe.
public struct InstructionHeuristics: Sendable, Hashable {
    /// Keywords rejected as whole words, case-insensitively; matched literally, in this order.
    public let blacklist: [String]
    /// Fewest words kept (the reference drops ≤ 3).
    public var minimumWords: Int
    /// Most words kept (the reference drops > 150).
    public var maximumWords: Int
    /// Case-sensitive prefix that rejects an instruction (reported as `starts_with_write_a_program`).
    public var forbiddenPrefix: String

    private let patterns: [PythonKeywordPattern]

    /// A filter with the given keyword list and bounds.
    public init(blacklist: [String], minimumWords: Int = 4, maximumWords: Int = 150, forbiddenPrefix: String = "Write a program") {
        self.blacklist = blacklist
        self.minimumWords = minimumWords
        self.maximumWords = maximumWords
        self.forbiddenPrefix = forbiddenPrefix
        patterns = blacklist.map(PythonKeywordPattern.init)
    }

    /// Self-Instruct's 13 keywords (spec §1.1).
    public static let selfInstructKeywords = [
        "image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map", "maps", "draw", "plot", "go to",
    ]

    /// Alpaca's 18 keywords: Self-Instruct's plus five media words (spec §2.4).
    public static let alpacaKeywords = selfInstructKeywords + ["video", "audio", "music", "flowchart", "diagram"]

    /// The Self-Instruct filter (13 keywords, 4–150 words).
    public static let selfInstruct = InstructionHeuristics(blacklist: selfInstructKeywords)

    /// The Alpaca filter (18 keywords, 4–150 words).
    public static let alpaca = InstructionHeuristics(blacklist: alpacaKeywords)

    /// The filter a recipe uses.
    public static func forRecipe(_ recipe: Recipe) -> InstructionHeuristics {
        switch recipe {
        case .selfInstruct: .selfInstruct
        case .alpaca: .alpaca
        }
    }

    /// Nil when `instruction` passes, else the first failing check in reference order. The text is judged
    /// as given (callers normalise and, for Self-Instruct, capitalise first).
    public func check(_ instruction: String) -> InstructionRejection? {
        let text = ScalarText(instruction)
        // The reference tests `inst == ""` after stripping; text that is only whitespace has no words either.
        guard text.stripped(0..<text.count).isEmpty == false else { return .empty }
        let words = PythonText.wordCount(instruction)
        if words < minimumWords { return .tooFewWords(words) }
        if words > maximumWords { return .tooManyWords(words) }
        let haystack = KeywordHaystack(text)
        if let hit = patterns.first(where: { $0.matches(in: haystack) }) { return .blacklistedKeyword(hit.keyword) }
        if instruction.hasScalarPrefix(forbiddenPrefix) { return .startsWithWriteAProgram }
        let first = text[0]
        if isASCIIPunctuation(first) { return .startsWithPunctuation }
        if !first.isASCII { return .startsWithNonASCII }
        return nil
    }
}
