import Testing
@testable import SelfInstruct

@Suite struct AlpacaResponseParserTests {
    /// A completion as text-davinci-003 writes it after a prompt ending in "4. Instruction:".
    static func item(_ number: Int, _ instruction: String, input: String = "<noinput>", output: String) -> String {
        "\(number). Instruction: \(instruction)\n\(number). Input:\n\(input)\n\(number). Output:\n\(output)\n"
    }

    static func completion(_ items: [String], finishReason: FinishReason = .stop) -> Completion {
        // The first item's "4. Instruction:" is part of the prompt, so the text starts after it.
        let text = items.joined(separator: "###\n")
        return Completion(text: String(text[text.index(after: text.firstIndex(of: ":")!)...]), finishReason: finishReason)
    }

    static let four = item(4, "Give three tips for staying healthy.", output: "1. Eat well.\n2. Sleep.\n3. Move.")
    static let five = item(5, "Classify the sentiment of the sentence.", input: "I love this phone.", output: "Positive")
    static let six = item(6, "Translate the sentence into French.", input: "Good morning.", output: "Bonjour.")
    static let seven = item(7, "Name the largest planet in our solar system.", output: "Jupiter")

    @Test(arguments: ParsingMode.allCases)
    func wellFormedItems(mode: ParsingMode) {
        let result = AlpacaResponseParser(mode: mode).parse(Self.completion([Self.four, Self.five, Self.six]))
        #expect(result.dropped.isEmpty)
        #expect(result.tasks == [
            ParsedAlpacaTask(position: 0, itemNumber: 4, instruction: "Give three tips for staying healthy.", input: "",
                             output: "1. Eat well.\n2. Sleep.\n3. Move."),
            ParsedAlpacaTask(position: 1, itemNumber: 5, instruction: "Classify the sentiment of the sentence.",
                             input: "I love this phone.", output: "Positive"),
            ParsedAlpacaTask(position: 2, itemNumber: 6, instruction: "Translate the sentence into French.",
                             input: "Good morning.", output: "Bonjour."),
        ])
        #expect(result.tasks[1].instance == TaskInstance(input: "I love this phone.", output: "Positive"))
    }

    @Test func noCapitalisationAndNoWhitespaceNormalisation() {
        let text = " write a Python   function\nthat adds numbers.\n4. Input:\n<noinput>\n4. Output:\ndef add(a, b): return a + b"
        let result = AlpacaResponseParser().parse(Completion(text: text))
        #expect(result.tasks.map(\.instruction) == ["write a Python   function\nthat adds numbers."])
    }

    @Test(arguments: [
        ("<noinput>", ""), ("<NoInput>", ""), ("  <NOINPUT>  ", ""),
        ("\"<noinput>\"", "\"<noinput>\""), ("<noinput>.", "<noinput>."), ("None", "None"),
    ])
    func noInputMarker(written: String, expected: String) {
        let result = AlpacaResponseParser().parse(Self.completion([Self.item(4, "Give three tips for staying healthy.", input: written, output: "Eat well.")]))
        #expect(result.tasks.map(\.input) == [expected])
    }

    @Test func skippedNumberReferenceDropsEveryLaterItem() {
        let completion = Self.completion([Self.four, Self.item(6, "Translate the sentence into French.", input: "Hi.", output: "Salut."), Self.seven])
        let result = AlpacaResponseParser(mode: .referenceExact).parse(completion)
        #expect(result.tasks.map(\.itemNumber) == [4])
        #expect(result.dropped.map(\.reason) == [.wrongNumber(expected: 5, found: 6), .wrongNumber(expected: 6, found: 7)])
        #expect(result.dropped.map(\.reason.code) == ["wrong_number", "wrong_number"])
        #expect(result.dropped.first?.reason.detail == "expected 5, found 6")
    }

    @Test func skippedNumberRobustResynchronises() {
        let completion = Self.completion([Self.four, Self.item(6, "Translate the sentence into French.", input: "Hi.", output: "Salut."), Self.seven])
        let result = AlpacaResponseParser(mode: .robust).parse(completion)
        #expect(result.tasks.map(\.itemNumber) == [4, 6, 7])
        #expect(result.tasks.map(\.position) == [0, 1, 2])
        #expect(result.dropped.isEmpty)
    }

    @Test func hashesInsideAnOutputShiftLaterPieces() {
        let markdown = Self.item(4, "Write a Markdown heading for a blog post.", output: "### My trip to Rome")
        let completion = Self.completion([markdown, Self.five, Self.six])
        let reference = AlpacaResponseParser(mode: .referenceExact).parse(completion)
        // Piece 1 is " My trip to Rome\n" (no labels), so items 5 and 6 sit at positions 2 and 3.
        #expect(reference.tasks.map(\.output) == [""])
        #expect(reference.dropped.map(\.reason.code) == ["malformed_item", "wrong_number", "wrong_number"])
        let robust = AlpacaResponseParser(mode: .robust).parse(completion)
        #expect(robust.tasks.map(\.itemNumber) == [4, 5, 6])
        #expect(robust.dropped.map(\.reason.code) == ["malformed_item"])
    }

    @Test(arguments: ParsingMode.allCases)
    func unanchoredNumberQuirk(mode: ParsingMode) {
        // For item 4 the reference pattern also matches inside "14. Input:", leaving the "1" in the fields.
        let text = " Give three tips for staying healthy.\n14. Input:\n<noinput>\n14. Output:\nEat well."
        let result = AlpacaResponseParser(mode: mode).parse(Completion(text: text))
        #expect(result.tasks == [ParsedAlpacaTask(
            position: 0, itemNumber: 4, instruction: "Give three tips for staying healthy.\n1", input: "<noinput>\n1",
            output: "Eat well.")])
    }

    @Test(arguments: ParsingMode.allCases)
    func labelsAreTakenByPositionWhenTheNumberMatches(mode: ParsingMode) {
        let text = " Give three tips for staying healthy.\n4. Output:\nEat well.\n4. Input:\n<noinput>"
        let result = AlpacaResponseParser(mode: mode).parse(Completion(text: text))
        #expect(result.tasks.map(\.input) == ["Eat well."])
        #expect(result.tasks.map(\.output) == ["<noinput>"])
    }

    @Test(arguments: ParsingMode.allCases)
    func malformedPieces(mode: ParsingMode) {
        let missingInput = " Give three tips for staying healthy.\n4. Output:\nEat well.\n"
        let extraLabel = Self.item(5, "Name a color of the rainbow please.", output: "Red\n5. Output: Blue")
        let result = AlpacaResponseParser(mode: mode).parse(Completion(text: missingInput + "###\n" + extraLabel))
        #expect(result.tasks.isEmpty)
        #expect(result.dropped.map(\.reason) == [.malformedItem, .malformedItem])
    }

    @Test func robustFallbackRequiresOrderAndOneNumber() {
        let parser = AlpacaResponseParser(mode: .robust)
        let outOfOrder = Self.completion([Self.four, "6. Instruction: Name a planet of the solar system.\n6. Output:\nMars\n6. Input:\n<noinput>\n"])
        #expect(parser.parse(outOfOrder).dropped.map(\.reason) == [.malformedItem])
        let mixed = Self.completion([Self.four, "6. Instruction: Name a planet of the solar system.\n6. Input:\n<noinput>\n7. Output:\nMars\n"])
        #expect(parser.parse(mixed).dropped.map(\.reason) == [.malformedItem])
        let noSpace = Self.completion([Self.four, "6.Instruction: Name a planet of the solar system.\n6. Input:\n<noinput>\n6. Output:\nMars\n"])
        #expect(parser.parse(noSpace).dropped.map(\.reason) == [.malformedItem])
    }

    @Test(arguments: ParsingMode.allCases)
    func lengthTruncationSkipsOnlyTheLastPiece(mode: ParsingMode) {
        let cut = "7. Instruction: Name the largest planet in our sol"
        let result = AlpacaResponseParser(mode: mode).parse(Self.completion([Self.four, Self.five, cut], finishReason: .length))
        #expect(result.tasks.map(\.itemNumber) == [4, 5])
        #expect(result.dropped.map(\.reason) == [.truncatedLast])
        #expect(result.dropped.first?.position == 2)
        // Without truncation the same last piece is judged on its shape.
        let stopped = AlpacaResponseParser(mode: mode).parse(Self.completion([Self.four, Self.five, cut]))
        #expect(stopped.dropped.map(\.reason) == [.malformedItem])
    }

    @Test func heuristicsUseTheAlpacaList() {
        let items = [
            Self.item(4, "Describe the video in one paragraph.", output: "A cat."),
            Self.item(5, "write a program that sorts a list.", output: "sorted(x)"),
            Self.item(6, "Write a program that sorts a list.", output: "sorted(x)"),
            Self.item(7, "Sort it.", output: "Done"),
        ]
        let result = AlpacaResponseParser().parse(Self.completion(items))
        #expect(result.tasks.map(\.itemNumber) == [5])
        #expect(result.dropped.map(\.reason) == [
            .rejected(.blacklistedKeyword("video")), .rejected(.startsWithWriteAProgram), .rejected(.tooFewWords(2)),
        ])
        #expect(result.dropped.map(\.text) == ["Describe the video in one paragraph.", "Write a program that sorts a list.", "Sort it."])
    }

    @Test func customFirstItemNumber() {
        let text = " Give three tips for staying healthy.\n9. Input:\n<noinput>\n9. Output:\nEat well.\n###\n10. Instruction: Name a planet of the solar system.\n10. Input:\n<noinput>\n10. Output:\nMars"
        let result = AlpacaResponseParser(mode: .referenceExact, firstItemNumber: 9).parse(Completion(text: text))
        #expect(result.tasks.map(\.itemNumber) == [9, 10])
    }
}
