import Testing
@testable import SelfInstruct

@Suite struct SelfInstructInstructionParserTests {
    @Test func splitsNumberedItems() {
        let text = " Suggest three ways to reduce stress at work.\n10. Explain why the sky is blue.\n11. Translate the sentence into French."
        #expect(SelfInstructInstructionParser.splitItems(text) == [
            " Suggest three ways to reduce stress at work.",
            "Explain why the sky is blue.",
            "Translate the sentence into French.",
        ])
    }

    @Test(arguments: [
        ("a\n10 . b", ["a", "b"]),            // one whitespace before the dot is allowed
        ("a\n10\t. b", ["a", "b"]),
        ("a\n10  . b", ["a\n10  . b"]),       // but only one
        ("a\n10.b", ["a\n10.b"]),             // the dot must be followed by a space
        ("a\n10.\tb", ["a\n10.\tb"]),         // a literal space, not any whitespace
        ("a in 2016. b", ["a in 2016. b"]),   // no newline before the number
        ("a\nin 2016. b", ["a\nin 2016. b"]),
        ("a\n. b", ["a\n. b"]),               // at least one digit
        ("a\n\u{0661}\u{0662}. b", ["a", "b"]), // Python's \d is any Unicode decimal digit
        ("a\n\n12. b", ["a\n", "b"]),
        ("a\n1\n2. b", ["a\n1", "b"]),
        ("\n9. a\n10. ", ["", "a", ""]),
    ])
    func splitRule(text: String, pieces: [String]) {
        #expect(SelfInstructInstructionParser.splitItems(text) == pieces)
    }

    @Test func capitalizeQuirk() {
        let parser = SelfInstructInstructionParser(mode: .referenceExact)
        let result = parser.parse(Completion(text: " write a Python program that prints the NASA logo text.\n10. Name the capital of France, please."))
        #expect(result.instructions.map(\.text) == [
            "Write a python program that prints the nasa logo text.",
            "Name the capital of france, please.",
        ])
        let keepCase = SelfInstructInstructionParser(capitalize: false).parse(Completion(text: " Write a Python program for me."))
        #expect(keepCase.instructions.map(\.text) == ["Write a Python program for me."])
    }

    @Test func capitalizeMakesWriteAProgramPrefixMatch() {
        let result = SelfInstructInstructionParser().parse(Completion(text: " write a PROGRAM that sorts numbers."))
        #expect(result.instructions.isEmpty)
        #expect(result.dropped.map(\.reason) == [.rejected(.startsWithWriteAProgram)])
    }

    @Test func whitespaceIsCollapsedBeforeFiltering() {
        let result = SelfInstructInstructionParser().parse(Completion(text: "  Give\tthree\n tips  for\u{00A0}sleep.\n10. x"))
        #expect(result.instructions == [ParsedInstruction(position: 0, text: "Give three tips for sleep.")])
        #expect(result.dropped == [DroppedItem(position: 1, text: "X", reason: .rejected(.tooFewWords(1)))])
    }

    @Test func filtersAndDropRecordsInOrder() {
        let text = """
             Describe the image below in words.
            10. Give three tips for staying healthy.
            11. ¿Qué hora es en este momento?
            12. "Quoted" instructions are dropped too.
            13. Short one.
            14. Explain how to go to the nearest station.
            """
        let result = SelfInstructInstructionParser().parse(Completion(text: text))
        #expect(result.instructions == [ParsedInstruction(position: 1, text: "Give three tips for staying healthy.")])
        #expect(result.dropped.map(\.position) == [0, 2, 3, 4, 5])
        #expect(result.dropped.map(\.reason.code) == [
            "blacklisted_keyword", "starts_with_non_ascii", "starts_with_punctuation", "too_few_words", "blacklisted_keyword",
        ])
        #expect(result.dropped.last?.reason.detail == "go to")
    }

    @Test func keywordCheckSeesCapitalizedText() {
        // capitalize() lower-cases a mid-sentence "İ" to "i" + U+0307, which no longer matches "image";
        // without capitalisation the same text is rejected.
        let text = " Describe the İmage in two sentences."
        #expect(SelfInstructInstructionParser().parse(Completion(text: text)).instructions.count == 1)
        let plain = SelfInstructInstructionParser(capitalize: false).parse(Completion(text: text))
        #expect(plain.dropped.map(\.reason) == [.rejected(.blacklistedKeyword("image"))])
        let leading = SelfInstructInstructionParser().parse(Completion(text: " İmage captions are hard to write."))
        #expect(leading.dropped.map(\.reason) == [.rejected(.blacklistedKeyword("image"))])
    }

    static let truncatedText = " Give three tips for staying healthy.\n10. Explain why the sky is blue.\n11. Translate the following sent"

    @Test func lengthTruncationReferenceDropsEverything() {
        let result = SelfInstructInstructionParser(mode: .referenceExact)
            .parse(Completion(text: Self.truncatedText, finishReason: .length))
        #expect(result.instructions.isEmpty)
        #expect(result.dropped.count == 3)
        #expect(result.dropped.allSatisfy { $0.reason == .truncatedCompletion })
        #expect(result.dropped.first?.reason.code == "truncated_completion")
    }

    @Test func lengthTruncationRobustKeepsAllButLast() {
        let result = SelfInstructInstructionParser(mode: .robust)
            .parse(Completion(text: Self.truncatedText, finishReason: .length))
        #expect(result.instructions.map(\.text) == ["Give three tips for staying healthy.", "Explain why the sky is blue."])
        #expect(result.dropped == [DroppedItem(position: 2, text: "Translate the following sent", reason: .truncatedLast)])
    }

    @Test(arguments: ParsingMode.allCases)
    func stopAndOtherFinishReasonsParseEverything(mode: ParsingMode) {
        for reason in [FinishReason.stop, .other("content_filter")] {
            let result = SelfInstructInstructionParser(mode: mode).parse(Completion(text: Self.truncatedText, finishReason: reason))
            #expect(result.instructions.count == 3)
        }
    }
}
