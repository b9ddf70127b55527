import Testing
@testable import SelfInstruct

@Suite struct InstructionHeuristicsTests {
    let selfInstruct = InstructionHeuristics.selfInstruct
    let alpaca = InstructionHeuristics.alpaca

    @Test func keywordListsHaveTheReferenceSizes() {
        #expect(InstructionHeuristics.selfInstructKeywords.count == 13)
        #expect(InstructionHeuristics.alpacaKeywords.count == 18)
        #expect(InstructionHeuristics.forRecipe(.alpaca).blacklist.contains("flowchart"))
        #expect(!InstructionHeuristics.forRecipe(.selfInstruct).blacklist.contains("video"))
    }

    @Test func passingInstruction() {
        #expect(selfInstruct.check("Give three tips for staying healthy.") == nil)
        #expect(alpaca.check("Give three tips for staying healthy.") == nil)
    }

    @Test(arguments: [
        ("", InstructionRejection.empty),
        ("   ", .empty),
        ("Sort the list", .tooFewWords(3)),
        ("Sort", .tooFewWords(1)),
    ])
    func emptyAndShort(text: String, expected: InstructionRejection) {
        #expect(selfInstruct.check(text) == expected)
    }

    @Test func wordBounds() {
        let fourWords = "Sort the given list"
        #expect(selfInstruct.check(fourWords) == nil)
        let words150 = "Explain" + String(repeating: " word", count: 149)
        #expect(selfInstruct.check(words150) == nil)
        let words151 = words150 + " more"
        #expect(selfInstruct.check(words151) == .tooManyWords(151))
        #expect(selfInstruct.check(words151)?.code == "too_many_words")
        #expect(selfInstruct.check(words151)?.detail == "151")
        // Words are separated by any Python whitespace, including NBSP and the ideographic space.
        #expect(selfInstruct.check("Sort\u{00A0}the\u{3000}given") == .tooFewWords(3))
    }

    @Test(arguments: [
        ("Describe the image in one sentence.", "image"),
        ("Plot the data as a line chart please.", "plot"),
        ("Explain how to go to the station.", "go to"),
        ("Describe what these FILES are for.", "files"),
        ("Summarize the plot: of the novel.", "plot"),
        ("Describe the_map or the map here.", "map"),
    ])
    func keywordRejects(text: String, keyword: String) {
        #expect(selfInstruct.check(text) == .blacklistedKeyword(keyword))
    }

    @Test(arguments: [
        "Describe a drawing you like very much.",   // "draw" only as part of a longer word
        "Explain how to go  to the station.",       // two spaces: the pattern has exactly one
        "Explain how to go\u{00A0}to the station.", // NBSP is not the literal space
        "Describe the mapping between the sets.",
        "List some images_of famous people.",       // "_" is a word character, so no boundary
        "Name the filesystem used by Linux.",
    ])
    func keywordPasses(text: String) {
        #expect(selfInstruct.check(text) == nil)
    }

    @Test func keywordPythonCaseEquivalents() {
        // CPython `re.IGNORECASE`: İ (U+0130) and ı (U+0131) match "i", ſ (U+017F) matches "s".
        #expect(alpaca.check("Tell me about the İmage in detail.") == .blacklistedKeyword("image"))
        #expect(alpaca.check("Tell me about the ımage in detail.") == .blacklistedKeyword("image"))
        #expect(alpaca.check("Tell me about the fileſ in detail.") == .blacklistedKeyword("files"))
        // A word boundary is Unicode-aware: a letter before the keyword joins the word.
        #expect(alpaca.check("Tell me about éimage in detail.") == nil)
        // Alpaca-only keywords.
        #expect(alpaca.check("Compose some music for a party.") == .blacklistedKeyword("music"))
        #expect(selfInstruct.check("Compose some music for a party.") == nil)
    }

    @Test func kelvinSignMatchesK() {
        let withK = InstructionHeuristics(blacklist: ["kite"])
        #expect(withK.check("Describe a \u{212A}ite in the sky.") == .blacklistedKeyword("kite"))
        #expect(withK.check("Describe a KITE in the sky.") == .blacklistedKeyword("kite"))
        #expect(withK.check("Describe a kites in the sky.") == nil)
    }

    @Test func firstKeywordInListOrderIsReported() {
        #expect(selfInstruct.check("Draw a map of the city please.") == .blacklistedKeyword("map"))
    }

    @Test func writeAProgramPrefixIsCaseSensitive() {
        #expect(selfInstruct.check("Write a program that adds two numbers.") == .startsWithWriteAProgram)
        #expect(selfInstruct.check("Write a programme that adds two numbers.") == .startsWithWriteAProgram)
        #expect(selfInstruct.check("write a program that adds two numbers.") == nil)
        #expect(selfInstruct.check("Please write a program that adds numbers.") == nil)
        #expect(selfInstruct.check("Write a program that adds two numbers.")?.code == "starts_with_write_a_program")
    }

    @Test func firstCharacter() {
        #expect(selfInstruct.check("\"Quote\" this sentence for me.") == .startsWithPunctuation)
        #expect(selfInstruct.check("- Sort the given list.") == .startsWithPunctuation)
        #expect(selfInstruct.check("¿Qué hora es ahora mismo?") == .startsWithNonASCII)
        #expect(selfInstruct.check("Écrivez une phrase en français.") == .startsWithNonASCII)
        #expect(selfInstruct.check("« Sort the given list. »") == .startsWithNonASCII)
        #expect(selfInstruct.check("1 Sort the given list.") == nil)
    }

    @Test func orderOfChecks() {
        // Keyword beats the prefix and first-character checks; the word count beats the keyword.
        #expect(selfInstruct.check("Write a program to plot data.") == .blacklistedKeyword("plot"))
        #expect(selfInstruct.check("\"Plot the data.\"") == .tooFewWords(3))
        #expect(selfInstruct.check("\"Plot the data now.\"") == .blacklistedKeyword("plot"))
    }

    @Test func reasonCodesAreStable() {
        let codes: [InstructionRejection: String] = [
            .empty: "empty", .tooFewWords(1): "too_few_words", .tooManyWords(200): "too_many_words",
            .blacklistedKeyword("map"): "blacklisted_keyword", .startsWithWriteAProgram: "starts_with_write_a_program",
            .startsWithPunctuation: "starts_with_punctuation", .startsWithNonASCII: "starts_with_non_ascii",
        ]
        for (rejection, code) in codes { #expect(rejection.code == code) }
        #expect(InstructionRejection.blacklistedKeyword("go to").detail == "go to")
    }
}
