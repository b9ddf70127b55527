import Testing
@testable import SelfInstruct

/// Structure of the shipped v1 prompt texts: counts, layout and endings the parsers and spec rely on.
@Suite struct PromptResourceTests {
    let library = PromptLibrary.v1

    func text(_ kind: PromptKind) -> String { library.text(for: kind) }

    /// Blocks between the header paragraph and the dangling `Task:`, split on blank lines.
    func exampleBlocks(_ kind: PromptKind) -> [String] {
        let full = text(kind)
        guard let headerEnd = full.firstRange(of: "\n\n"), full.hasSuffix("\n\nTask:") else { return [] }
        let body = full[headerEnd.upperBound...].dropLast("\n\nTask:".count)
        return body.split(separator: "\n\n", omittingEmptySubsequences: false).map(String.init)
    }

    func lines(_ s: String) -> [String] {
        s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func versionIsV1() {
        #expect(library.version == "v1")
        #expect(PromptLibrary.named("v1") == library)
        #expect(PromptLibrary.named("v0") == nil)
    }

    /// Other components recognise a prompt by its first line, so these are fixed.
    @Test(arguments: [
        (PromptKind.selfInstructInstructions, "Come up with a series of tasks:"),
        (.selfInstructClassificationInstructions,
         "Come up with a series of classification tasks. Where possible, name the possible output labels."),
        (.selfInstructIsClassification,
         "Can the following task be treated as a classification task with a finite set of output labels?"),
        (.selfInstructInstancesOutputFirst,
         "Given a classification task and its class labels, write an input that belongs to each class label. If the task needs no input, just list the possible class labels."),
        (.selfInstructInstancesInputFirst,
         "Come up with examples for the following tasks. Write several examples when you can. If a task needs no extra input, give the output directly."),
        (.alpacaInstructions,
         "You are asked to write 20 diverse task instructions. A GPT model will be given these instructions and judged on how well it completes them."),
    ])
    func firstLineIsFixed(kind: PromptKind, firstLine: String) {
        #expect(lines(text(kind)).first == firstLine)
    }

    @Test func instructionHeadersAreSingleLines() {
        #expect(!text(.selfInstructInstructions).contains("\n"))
        #expect(!text(.selfInstructClassificationInstructions).contains("\n"))
    }

    @Test(arguments: PromptKind.allCases)
    func noTrailingWhitespaceAnywhere(kind: PromptKind) {
        let full = text(kind)
        #expect(!full.isEmpty)
        #expect(!full.hasSuffix("\n") && !full.hasSuffix(" "))
        #expect(!full.contains("\r") && !full.contains("\t"))
        for line in lines(full) {
            #expect(line.last != " ", "trailing space in \(kind): \(line)")
        }
    }

    @Test(arguments: [PromptKind.selfInstructIsClassification, .selfInstructInstancesOutputFirst, .selfInstructInstancesInputFirst])
    func fewShotBlocksEndWithDanglingTask(kind: PromptKind) {
        let full = text(kind)
        #expect(full.hasSuffix("\n\nTask:"))
        // Header line, one blank line, then the first example.
        #expect(lines(full)[1] == "")
        #expect(lines(full)[2].hasPrefix("Task: "))
        // No runs of blank lines: examples are separated by exactly one.
        #expect(!full.contains("\n\n\n"))
    }

    @Test func isClassificationHas31Examples12Yes19No() {
        let blocks = exampleBlocks(.selfInstructIsClassification)
        #expect(blocks.count == 31)
        var answers: [String] = []
        for block in blocks {
            let blockLines = lines(block)
            #expect(blockLines.count == 2, "block: \(block)")
            #expect(blockLines[0].hasPrefix("Task: ") && blockLines[0].count > "Task: ".count + 10)
            let answer = blockLines.last.map { $0.replacing("Is it classification? ", with: "") }
            #expect(answer == "Yes" || answer == "No", "block: \(block)")
            answers.append(answer ?? "")
        }
        #expect(answers.filter { $0 == "Yes" }.count == 12)
        #expect(answers.filter { $0 == "No" }.count == 19)
        // Mixed order: the answers are not grouped into one Yes run and one No run.
        let changes = zip(answers, answers.dropFirst()).filter { $0 != $1 }.count
        #expect(changes >= 10)
        #expect(Set(blocks.map { lines($0)[0] }).count == 31)
    }

    @Test func outputFirstHas16TasksAnd34ClassLabels() {
        let blocks = exampleBlocks(.selfInstructInstancesOutputFirst)
        #expect(blocks.count == 16)
        let labelLines = lines(text(.selfInstructInstancesOutputFirst)).filter { $0.hasPrefix("Class label: ") }
        #expect(labelLines.count == 34)
        var labelOnlyTasks = 0
        var multiLineInputs = 0
        for block in blocks {
            let blockLines = lines(block)
            #expect(blockLines[0].hasPrefix("Task: "))
            // Every line after the task is either a label or part of an input written with its field name.
            #expect(blockLines.count >= 2 && blockLines[1].hasPrefix("Class label: "), "block: \(block)")
            // Parse as the reference does: split on "Class label:", first line = label, rest = input.
            let parts = block.split(separator: "Class label:", omittingEmptySubsequences: false).dropFirst()
            let inputs = parts.map { part -> String in
                let trimmed = PythonText.strip(part)
                let partLines = lines(trimmed)
                #expect(!partLines[0].isEmpty)
                return PythonText.strip(partLines.dropFirst().joined(separator: "\n"))
            }
            if inputs.allSatisfy({ $0.isEmpty }) {
                labelOnlyTasks += 1
            } else {
                for input in inputs {
                    #expect(!input.isEmpty, "a task with inputs has an input per label: \(block)")
                    let field = input.prefix { $0 != ":" }
                    #expect(field.count < input.count && field.first?.isUppercase == true, "field name: \(input)")
                    if lines(input).count > 2 { multiLineInputs += 1 }
                }
            }
        }
        #expect(labelOnlyTasks >= 2)
        #expect(multiLineInputs >= 1)
    }

    @Test func inputFirstHas11TasksOfBothShapes() {
        let blocks = exampleBlocks(.selfInstructInstancesInputFirst)
        #expect(blocks.count == 11)
        var direct = 0
        var withExamples = 0
        for block in blocks {
            let blockLines = lines(block)
            #expect(blockLines[0].hasPrefix("Task: "))
            if blockLines[1].hasPrefix("Output:") {
                direct += 1
                #expect(!block.contains("Example"))
            } else {
                withExamples += 1
                let headers = blockLines.filter { $0.hasPrefix("Example") }
                #expect(headers == (1...headers.count).map { "Example \($0)" }, "numbering: \(headers)")
                // The reference asks for at most 5 instances and stops at "Example 6".
                #expect(headers.count <= 5)
                // Each example: its header, at least one labelled input line, then one Output line.
                let examples = block.split(separator: "\nExample ", omittingEmptySubsequences: false).dropFirst().map(String.init)
                #expect(examples.count == headers.count)
                for example in examples {
                    let exampleLines = lines(example)
                    #expect(exampleLines.count >= 3, "example: \(example)")
                    #expect(exampleLines.filter { $0.hasPrefix("Output: ") }.count == 1)
                    #expect(exampleLines.last?.hasPrefix("Output: ") == true)
                    #expect(exampleLines[1].contains(": ") && !exampleLines[1].hasPrefix("Output"))
                }
            }
        }
        #expect(direct >= 3)
        #expect(withExamples >= 3)
        #expect(text(.selfInstructInstancesInputFirst).contains("\nParagraph: "))
        #expect(text(.selfInstructInstancesInputFirst).contains("\nList: "))
        #expect(text(.selfInstructInstancesInputFirst).contains("\nSentence: "))
    }

    @Test func alpacaRequirementsKeepTheReferenceNumbering() {
        let alpacaLines = lines(text(.alpacaInstructions))
        let numbers = alpacaLines.compactMap { line -> Int? in
            guard let dot = line.firstIndex(of: "."), line[line.index(after: dot)...].hasPrefix(" ") else { return nil }
            return Int(line[..<dot])
        }
        #expect(numbers == [1, 2, 3, 2, 3, 4, 5, 6, 7])
        #expect(alpacaLines.last == "List of 20 tasks:")
        #expect(alpacaLines[alpacaLines.count - 2] == "")
        #expect(text(.alpacaInstructions).contains("<noinput>"))
    }

    /// Example tasks must themselves pass the Alpaca keyword filter (18 words, whole-word, case-insensitive).
    @Test(arguments: PromptKind.allCases)
    func noBlacklistedKeywords(kind: PromptKind) {
        let keywords: Set<String> = [
            "image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map", "maps", "draw",
            "plot", "video", "audio", "music", "flowchart", "diagram",
        ]
        var words: [String] = []
        var current = ""
        for scalar in PythonText.lower(text(kind)).unicodeScalars {
            if isPythonWordCharacter(scalar) {
                current.unicodeScalars.append(scalar)
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        #expect(words.count > 4)
        #expect(words.filter(keywords.contains).isEmpty)
        #expect(!zip(words, words.dropFirst()).contains { $0 == "go" && $1 == "to" })
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: PromptLibraryError.invalidUTF8(kind: .selfInstructIsClassification, version: "bad")) {
            try PromptLibrary(version: "bad") { kind in
                kind == .selfInstructIsClassification ? [0x54, 0x61, 0xC3, 0x28] : Array("ok".utf8)
            }
        }
        let library = try? PromptLibrary(version: "test") { _ in Array("Téxt".utf8) }
        #expect(library?.text(for: .alpacaInstructions) == "Téxt")
    }

    @Test func cacheKeyComponentsNameVersionAndKind() {
        let keys = PromptKind.allCases.map(library.cacheKeyComponent(for:))
        #expect(Set(keys).count == PromptKind.allCases.count)
        #expect(library.cacheKeyComponent(for: .alpacaInstructions) == "v1/alpaca-instructions")
        #expect(PromptKind.allCases.filter { $0.recipe == .alpaca } == [.alpacaInstructions])
    }
}
