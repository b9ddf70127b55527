// The cheap instruction filters both reference pipelines apply before the novelty check
// (spec §1.1 "Drop the piece if any of", §2.4 step 5). Checks run in the reference order and the first
// failing one is reported. English runs are the reference, bit for bit; `zh` and `unicode` runs replace the
// word counts, the keyword matching and the ASCII first-character rule, which would reject all of their text.

/// The reference's cheap instruction filters, configured per recipe and run language.
public struct InstructionHeuristics: Sendable, Hashable {
    /// Keywords rejected as whole words, case-insensitively; matched literally, in this order.
    public let blacklist: [String]
    /// Fewest words kept (the reference drops ≤ 3); for `zh` and `unicode`, fewest characters (see `language`).
    public var minimumWords: Int
    /// Most words kept (the reference drops > 150); for `zh` and `unicode`, most characters.
    public var maximumWords: Int
    /// Case-sensitive prefix that rejects an instruction (reported as `starts_with_write_a_program`).
    public var forbiddenPrefix: String
    /// The language the checks are written for. For `zh` and `unicode`, lengths count ROUGE tokens (one per CJK
    /// character, one per word of a spaced script: `zh` calls them characters, `unicode` words), keywords in CJK
    /// characters match anywhere, and the first character must not be punctuation or a symbol (`zh`: it must be
    /// Chinese, or a Latin letter or digit).
    public let language: RunLanguage
    /// Further prefixes that reject an instruction in `zh` and `unicode` runs (e.g. 编写一个程序).
    public let forbiddenPrefixes: [String]

    private let patterns: [PythonKeywordPattern]
    private let scriptPatterns: [ScriptKeywordPattern]
    /// `forbiddenPrefixes` as `ScriptKeywordPattern.prepare` writes them, once rather than per instruction.
    private let preparedPrefixes: [[UInt32]]

    /// A filter with the given keyword list and bounds (English: the reference's rules).
    public init(blacklist: [String], minimumWords: Int = 4, maximumWords: Int = 150, forbiddenPrefix: String = "Write a program") {
        self.blacklist = blacklist
        self.minimumWords = minimumWords
        self.maximumWords = maximumWords
        self.forbiddenPrefix = forbiddenPrefix
        language = .en
        forbiddenPrefixes = []
        patterns = blacklist.map(PythonKeywordPattern.init)
        scriptPatterns = []
        preparedPrefixes = []
    }

    /// A filter for a `zh` or `unicode` run: lengths in characters, script-aware keywords and first-character rules.
    public init(language: RunLanguage, blacklist: [String], minimumCharacters: Int, maximumCharacters: Int,
                forbiddenPrefixes: [String]) {
        precondition(language != .en, "English runs use the reference's rules")
        self.blacklist = blacklist
        minimumWords = minimumCharacters
        maximumWords = maximumCharacters
        forbiddenPrefix = forbiddenPrefixes.first ?? ""
        self.language = language
        self.forbiddenPrefixes = forbiddenPrefixes
        patterns = []
        let folding = language == .zh
        scriptPatterns = blacklist.map { ScriptKeywordPattern($0, foldingTraditional: folding) }
        preparedPrefixes = forbiddenPrefixes.map { ScriptKeywordPattern.prepare($0, foldingTraditional: folding) }
    }

    /// Self-Instruct's 13 keywords (spec §1.1).
    public static let selfInstructKeywords = [
        "image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map", "maps", "draw", "plot", "go to",
    ]

    /// Alpaca's 18 keywords: Self-Instruct's plus five media words (spec §2.4).
    public static let alpacaKeywords = selfInstructKeywords + ["video", "audio", "music", "flowchart", "diagram"]

    /// The Chinese counterparts of Self-Instruct's keywords: things a text-only model cannot see, make or visit.
    public static let selfInstructChineseKeywords = [
        "图片", "图像", "照片", "图表", "图形", "绘图", "文件", "地图", "绘制", "画", "前往",
    ]

    /// The Chinese counterparts of Alpaca's keywords: Self-Instruct's plus media.
    public static let alpacaChineseKeywords = selfInstructChineseKeywords + ["视频", "音频", "音乐", "流程图", "示意图"]

    /// The Self-Instruct filter (13 keywords, 4–150 words).
    public static let selfInstruct = InstructionHeuristics(blacklist: selfInstructKeywords)

    /// The Alpaca filter (18 keywords, 4–150 words).
    public static let alpaca = InstructionHeuristics(blacklist: alpacaKeywords)

    /// Fewest and most characters of a `zh` or `unicode` instruction: a Chinese word is about 1.5 characters, so
    /// the reference's 4–150 words is about 6–300 characters ("讲个笑话。" is too short).
    public static let characterBounds = 6...300

    /// Fewest and most words of a `unicode` instruction, a CJK character counting as one word.
    public static let unicodeWordBounds = 4...300

    /// The filter a recipe uses in English runs.
    public static func forRecipe(_ recipe: Recipe) -> InstructionHeuristics {
        switch recipe {
        case .selfInstruct: .selfInstruct
        case .alpaca: .alpaca
        }
    }

    /// The filter a recipe uses in a run in `language`. `zh` and `unicode` keep the English keywords too, for
    /// mixed text; `unicode` has the Chinese ones as well, which also catch Japanese 画像 and 地図-like words.
    public static func forRecipe(_ recipe: Recipe, language: RunLanguage) -> InstructionHeuristics {
        let english = recipe == .alpaca ? alpacaKeywords : selfInstructKeywords
        let chinese = recipe == .alpaca ? alpacaChineseKeywords : selfInstructChineseKeywords
        switch language {
        case .en:
            return forRecipe(recipe)
        case .zh, .unicode:
            // unicode counts words (a CJK character is one): a spaced script keeps the reference's minimum of 4.
            let bounds = language == .zh ? characterBounds : unicodeWordBounds
            return InstructionHeuristics(
                language: language, blacklist: chinese + english, minimumCharacters: bounds.lowerBound,
                maximumCharacters: bounds.upperBound,
                forbiddenPrefixes: ["Write a program", "编写一个程序", "写一个程序", "编写程序", "写程序"])
        }
    }

    /// Nil when `instruction` passes, else the first failing check in reference order. The text is judged
    /// as given (callers normalise and, for Self-Instruct, capitalise first).
    public func check(_ instruction: String) -> InstructionRejection? {
        if language != .en { return checkScripts(instruction) }
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

    /// The same checks in the same order for `zh` and `unicode` runs.
    private func checkScripts(_ instruction: String) -> InstructionRejection? {
        let text = ScalarText(instruction)
        let content = text.stripped(0..<text.count)
        guard let firstIndex = content.first else { return .empty }
        let characters = Self.characterCount(instruction, language: language)
        if characters < minimumWords { return language == .zh ? .tooFewCharacters(characters) : .tooFewWords(characters) }
        if characters > maximumWords { return language == .zh ? .tooManyCharacters(characters) : .tooManyWords(characters) }
        let prepared = ScriptKeywordPattern.prepare(instruction, foldingTraditional: language == .zh)
        if let hit = scriptPatterns.first(where: { $0.matches(in: prepared) }) { return .blacklistedKeyword(hit.keyword) }
        // `prepare` maps scalar by scalar, so the stripped text is the same range of `prepared`.
        if preparedPrefixes.contains(where: { prepared[content].starts(with: $0) }) { return .startsWithWriteAProgram }
        let first = text[firstIndex]
        switch first.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return .startsWithPunctuation
        default:
            break
        }
        switch language {
        case .zh:
            if !(ScriptClass.isHan(first.value) || ScriptClass.isLatinLetterOrDigit(first.value)) {
                return .startsWithUnexpectedScript
            }
        case .unicode:
            if !ScriptClass.isWordCharacter(first) || [.nonspacingMark, .spacingMark, .enclosingMark].contains(first.properties.generalCategory) {
                return .startsWithUnexpectedScript
            }
        case .en:
            break
        }
        return nil
    }

    /// The length of `text` in characters as `zh` and `unicode` runs count it: its ROUGE tokens, that is one per
    /// CJK character and one per word or number of another script (punctuation and spaces do not count).
    public static func characterCount(_ text: String, language: RunLanguage) -> Int {
        var count = 0
        RougeTokenizer.forEachToken(in: text, language: language) { _ in count += 1 }
        return count
    }
}
