import Testing
@testable import SelfInstruct

/// Exact prompt strings for given inputs, as the reference pipelines build them.
@Suite struct PromptRenderingTests {
    let library = PromptLibrary.v1

    @Test func selfInstructPromptListsEightAndEndsAtNine() {
        let examples = [
            "Give three tips for staying healthy.",
            "  Summarize the   following\tarticle:  ",
            "Translate the sentence\ninto French.",
            "Sort the list::",
            "Is this email spam?",
            "Write a limerick about a cat.",
            "Explain recursion to a child.",
            "Name the capital of Peru.",
        ]
        let prompt = renderSelfInstructInstructionPrompt(examples: examples, classificationOnly: false, library: library)
        #expect(prompt == """
            Come up with a series of tasks:
            1. Give three tips for staying healthy.
            2. Summarize the following article
            3. Translate the sentence into French.
            4. Sort the list
            5. Is this email spam?
            6. Write a limerick about a cat.
            7. Explain recursion to a child.
            8. Name the capital of Peru.
            9.
            """)
        #expect(prompt.hasSuffix("\n9."))
    }

    @Test func classificationModeUsesItsHeader() {
        let prompt = renderSelfInstructInstructionPrompt(
            examples: ["Is the review positive or negative?"], classificationOnly: true, library: library)
        #expect(prompt == """
            Come up with a series of classification tasks. Where possible, name the possible output labels.
            1. Is the review positive or negative?
            2.
            """)
    }

    @Test(arguments: [0, 3, 7])
    func fewerExamplesRenderWhatExists(count: Int) {
        let examples = (0..<count).map { "Task number \($0) for the list." }
        let prompt = renderSelfInstructInstructionPrompt(examples: examples, classificationOnly: false, library: library)
        let lines = prompt.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == count + 2)
        #expect(lines.first == "Come up with a series of tasks:")
        #expect(lines.last.map(String.init) == "\(count + 1).")
        for k in 0..<count {
            #expect(lines[k + 1] == "\(k + 1). Task number \(k) for the list.")
        }
    }

    /// The reference removes colons after trimming, so a space before them survives (`"a :".rstrip(":")`).
    @Test(arguments: [
        ("Fill in the blank:", "Fill in the blank"),
        ("  Answer\n\nthe question : ", "Answer the question "),
        ("Keep: inner colons", "Keep: inner colons"),
        ("\u{00A0}Non-breaking\u{2003}spaces ", "Non-breaking spaces"),
    ])
    func exampleInstructionNormalisation(raw: String, normalised: String) {
        #expect(normalizedExampleInstruction(raw) == normalised)
    }

    @Test func isClassificationPromptAppendsTrimmedInstructionAndQuestion() {
        let prompt = renderIsClassificationPrompt(instruction: "  Sort the list of numbers.\n", library: library)
        let block = library.text(for: .selfInstructIsClassification)
        #expect(prompt == block + " Sort the list of numbers.\nIs it classification?")
        #expect(prompt.hasSuffix("\n\nTask: Sort the list of numbers.\nIs it classification?"))
        #expect(prompt.hasPrefix("Can the following task be treated as a classification task"))
    }

    @Test(arguments: [true, false])
    func instancePromptAppendsTrimmedInstructionAndNewline(outputFirst: Bool) {
        let prompt = renderInstancePrompt(instruction: "\tDecide whether the tweet is sarcastic. ", outputFirst: outputFirst, library: library)
        let template = library.text(for: outputFirst ? .selfInstructInstancesOutputFirst : .selfInstructInstancesInputFirst)
        #expect(prompt == template + " Decide whether the tweet is sarcastic.\n")
        #expect(prompt.hasSuffix("\n\nTask: Decide whether the tweet is sarcastic.\n"))
        let header = outputFirst ? "Given a classification task" : "Come up with examples"
        #expect(prompt.hasPrefix(header))
    }

    @Test func alpacaPromptLayout() {
        let seeds = [
            SeedTask(
                id: "seed_task_0", instruction: "Give three tips  for staying\nhealthy:",
                instances: [
                    TaskInstance(input: "", output: "1. Eat well.\n2. Move daily.\n3. Sleep enough."),
                    TaskInstance(input: "ignored", output: "ignored"),
                ]),
            SeedTask(
                id: "seed_task_1", instruction: "Fix the grammar.",
                instances: [TaskInstance(input: "  She go  to school.\nEvery day.", output: "She goes to school every day.")]),
            SeedTask(id: "seed_task_2", instruction: "Name a prime number.", instances: [TaskInstance(input: " ", output: "7")]),
        ]
        let prompt = renderAlpacaPrompt(examples: seeds, library: library)
        let expectedTail = """

            ###
            1. Instruction: Give three tips for staying healthy
            1. Input:
            <noinput>
            1. Output:
            1. Eat well.
            2. Move daily.
            3. Sleep enough.
            ###
            2. Instruction: Fix the grammar.
            2. Input:
              She go  to school.
            Every day.
            2. Output:
            She goes to school every day.
            ###
            3. Instruction: Name a prime number.
            3. Input:
            \u{20}
            3. Output:
            7
            ###
            4. Instruction:
            """
        #expect(prompt == library.text(for: .alpacaInstructions) + expectedTail)
        #expect(prompt.hasPrefix("You are asked to write 20 diverse task instructions."))
        #expect(prompt.contains("List of 20 tasks:\n###\n1. Instruction: "))
        #expect(prompt.hasSuffix("7\n###\n4. Instruction:"))
    }

    @Test func alpacaPromptWithFewerSeedsNumbersOn() {
        let seeds = [SeedTask(id: "a", instruction: "Say hello.", instances: [TaskInstance(input: "", output: "Hello!")])]
        let prompt = renderAlpacaPrompt(examples: seeds, library: library)
        #expect(prompt.hasSuffix("\n###\n1. Instruction: Say hello.\n1. Input:\n<noinput>\n1. Output:\nHello!\n###\n2. Instruction:"))
    }
}
