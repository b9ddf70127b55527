import SelfInstruct
import Testing

@Suite("Training formats: the five layouts, the Self-Instruct templates, LLaMA-Factory's dataset_info")
struct TrainingFormatTests {
    static let sort = TrainingRecord(key: 7, instruction: "Sort the given list ascendingly.", input: "List: [10, 92, 2, 5]",
                                     output: "[2, 5, 10, 92]")
    static let noInput = TrainingRecord(key: 8, instruction: "Name a color.", input: "", output: "Blue")

    /// Parses one JSON text, failing the test on a syntax error.
    static func parse(_ text: String) throws -> JSONValue {
        try JSONReader.parse(Array(text.utf8))
    }

    // MARK: - Self-Instruct prompt/completion (spec §1.4)

    @Test func theSpecExampleRecord() {
        let pair = SelfInstructTemplates.render(
            instruction: Self.sort.instruction, input: SelfInstructTemplates.strippingFieldLabel(Self.sort.input),
            output: Self.sort.output, template: 2)
        #expect(pair.prompt == "Task: Sort the given list ascendingly.\nInput: [10, 92, 2, 5]\nOutput:")
        #expect(pair.completion == " [2, 5, 10, 92]<|endoftext|>")
    }

    @Test func everyTemplateAsTheSpecTablesWriteIt() {
        let withInput = (0..<7).map { SelfInstructTemplates.render(instruction: " I ", input: " X ", output: " Y ", template: $0) }
        #expect(withInput.map(\.prompt) == [
            "I\nInput: X\nOutput:", "I\n\nInput: X\n\nOutput:", "Task: I\nInput: X\nOutput:", "I\n\nX\n\nOutput:",
            "I\n\nX\n\n", "I\nX\n\n", "Task: I\n\nX\n\n",
        ])
        #expect(withInput.map(\.completion) == Array(repeating: " Y<|endoftext|>", count: 4) + Array(repeating: "Y<|endoftext|>", count: 3))
        let withoutInput = (0..<6).map { SelfInstructTemplates.render(instruction: "I", input: "  ", output: "Y", template: $0) }
        #expect(withoutInput.map(\.prompt) == ["I Output:", "I\nOutput:", "I\n\nOutput:", "I\n", "I\n\n", "Task: I\n\n"])
        #expect(withoutInput.map(\.completion) == Array(repeating: " Y<|endoftext|>", count: 3) + Array(repeating: "Y<|endoftext|>", count: 3))
    }

    @Test func aLoneFieldLabelIsStrippedAndSeveralAreKept() {
        #expect(SelfInstructTemplates.strippingFieldLabel("List: 3, 1, 2") == "3, 1, 2")
        #expect(SelfInstructTemplates.strippingFieldLabel("Sentence: It rains. Question: Why?") == "Sentence: It rains. Question: Why?")
        // The same label twice is one distinct word: stripped up to the first colon.
        #expect(SelfInstructTemplates.strippingFieldLabel("Item: a\nItem: b") == "a\nItem: b")
        #expect(SelfInstructTemplates.strippingFieldLabel("  no labels here \n\n second line ") == "no labels here \n second line")
        // A colon after a non-word character is no label; Python's \w takes non-ASCII letters.
        #expect(SelfInstructTemplates.strippingFieldLabel("12 : 30") == "12 : 30")
        #expect(SelfInstructTemplates.strippingFieldLabel("Café: ouvert") == "ouvert")
        // Code points, as Python: CR LF LF holds one "\n\n", and canonically equivalent labels are two words.
        #expect(SelfInstructTemplates.strippingFieldLabel("a\r\n\nb") == "a\r\nb")
        #expect(SelfInstructTemplates.strippingFieldLabel("\u{C5}: x \u{212B}: y") == "\u{C5}: x \u{212B}: y")
    }

    @Test func drawsAreFixedByRecordAndSeedAndCoverEveryTemplate() {
        var prompts = Set<String>()
        var stripped = 0
        for key in Int64(0)..<400 {
            let record = TrainingRecord(key: key, instruction: "I", input: "List: X", output: "Y")
            let pair = SelfInstructTemplates.render(record, seed: 3)
            #expect(pair == SelfInstructTemplates.render(record, seed: 3))
            prompts.insert(pair.prompt)
            if !pair.prompt.contains("List:") { stripped += 1 }
        }
        // 7 templates × (stripped or not) = 14 distinct prompts, and about half the inputs stripped.
        #expect(prompts.count == 14)
        #expect((150...250).contains(stripped), "\(stripped) of 400 stripped")
        let other = (Int64(0)..<50).map { SelfInstructTemplates.render(TrainingRecord(key: $0, instruction: "I", input: "List: X", output: "Y"), seed: 4).prompt }
        let same = (Int64(0)..<50).map { SelfInstructTemplates.render(TrainingRecord(key: $0, instruction: "I", input: "List: X", output: "Y"), seed: 3).prompt }
        #expect(other != same, "another seed draws differently")
    }

    // MARK: - Encoders

    @Test func jsonlAndAlpacaListCarryTheThreeFields() throws {
        var lines = TrainingFileEncoder(format: .jsonl)
        #expect(lines.beginFile() == "")
        #expect(lines.encode(Self.sort) == "{\"instruction\": \"Sort the given list ascendingly.\", \"input\": \"List: [10, 92, 2, 5]\", \"output\": \"[2, 5, 10, 92]\"}\n")
        var list = TrainingFileEncoder(format: .alpacaJSON)
        var text = list.beginFile()
        text += list.encode(Self.sort) + list.encode(Self.noInput) + list.footer
        guard case .array(let items) = try Self.parse(text) else { Issue.record("not a list: \(text)"); return }
        #expect(items.count == 2)
        #expect(items[1]["output"] == .string("Blue") && items[1]["input"] == .string(""))
        // A second file of the same encoder starts its own list; an empty one is still a list.
        let empty = list.beginFile() + list.footer
        #expect(empty == "[]\n")
        #expect(list.records == 2 && list.fileRecords == 0)
    }

    @Test func chatFormatsPutTheInputAfterTheInstructionAndTheSystemPromptWhenGiven() throws {
        var chat = TrainingFileEncoder(format: .openAIChat, systemPrompt: "Be brief.")
        let line = try Self.parse(chat.encode(Self.sort))
        guard case .array(let messages)? = line["messages"] else { Issue.record("no messages"); return }
        #expect(messages.map { $0["role"] } == [.string("system"), .string("user"), .string("assistant")])
        #expect(messages[1]["content"] == .string("Sort the given list ascendingly.\n\nList: [10, 92, 2, 5]"))
        #expect(messages[2]["content"] == .string("[2, 5, 10, 92]"))
        var bare = TrainingFileEncoder(format: .openAIChat, systemPrompt: "")
        guard case .array(let two)? = try Self.parse(bare.encode(Self.noInput))["messages"] else { Issue.record("no messages"); return }
        #expect(two.map { $0["role"] } == [.string("user"), .string("assistant")])
        #expect(two[0]["content"] == .string("Name a color."))

        var share = TrainingFileEncoder(format: .shareGPT, systemPrompt: "Be brief.")
        let shared = try Self.parse(share.encode(Self.noInput))
        guard case .array(let turns)? = shared["conversations"] else { Issue.record("no conversations"); return }
        #expect(turns.map { $0["from"] } == [.string("human"), .string("gpt")])
        #expect(turns.map { $0["value"] } == [.string("Name a color."), .string("Blue")])
        #expect(shared["system"] == .string("Be brief."))
        var plain = TrainingFileEncoder(format: .shareGPT)
        #expect(try Self.parse(plain.encode(Self.noInput))["system"] == nil)
    }

    @Test func selfInstructWritesARepeatedPairOnce() throws {
        var encoder = TrainingFileEncoder(format: .selfInstruct, seed: 9)
        let first = encoder.encode(Self.sort)
        let line = try Self.parse(first)
        guard case .string(let completion)? = line["completion"], case .string? = line["prompt"] else {
            Issue.record("not a prompt/completion line: \(first)"); return
        }
        #expect(completion.hasSuffix("<|endoftext|>"))
        #expect(encoder.encode(Self.sort) == "", "the same record renders the same pair")
        #expect(encoder.encode(Self.noInput) != "")
        #expect(encoder.records == 2 && encoder.repeatedPairs == 1)
    }

    @Test func textStaysUTF8AndControlCharactersAreEscaped() {
        var encoder = TrainingFileEncoder(format: .jsonl)
        let line = encoder.encode(TrainingRecord(key: 1, instruction: "翻译成英文", input: "a\tb", output: "x\u{1}"))
        #expect(line.contains("翻译成英文"))
        #expect(line.contains("a\\tb") && line.contains("x\\u0001"))
    }

    @Test func formatListsByNameOrAll() throws {
        #expect(try TrainingFormat.list("all") == TrainingFormat.allCases)
        #expect(try TrainingFormat.list("sharegpt, jsonl,jsonl") == [.jsonl, .shareGPT])
        #expect(throws: TrainingFormatError(name: "parquet")) { try TrainingFormat.list("jsonl,parquet") }
        #expect(TrainingFormatError(name: "x").description.contains("jsonl, alpaca-json, self-instruct, openai-chat, sharegpt or all"))
    }

    // MARK: - LLaMA-Factory

    @Test func datasetInfoNamesEachDirectoryWithItsFormatting() throws {
        let entries = [
            LlamaFactoryDatasetInfo.Entry(format: .jsonl, split: .train, directory: "jsonl/train"),
            LlamaFactoryDatasetInfo.Entry(format: .selfInstruct, split: .train, directory: "self-instruct/train"),
            LlamaFactoryDatasetInfo.Entry(format: .openAIChat, split: .validation, directory: "openai-chat/validation"),
            LlamaFactoryDatasetInfo.Entry(format: .shareGPT, split: .train, directory: "sharegpt/train"),
        ]
        let info = try Self.parse(LlamaFactoryDatasetInfo.json(run: "demo", entries: entries, hasSystemPrompt: false))
        guard case .object(let members) = info else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["demo-jsonl-train", "demo-self-instruct-train", "demo-openai-chat-validation", "demo-sharegpt-train"])
        let alpaca = try #require(info["demo-jsonl-train"])
        #expect(alpaca["file_name"] == .string("jsonl/train") && alpaca["formatting"] == .string("alpaca"))
        #expect(alpaca["columns"]?["prompt"] == .string("instruction") && alpaca["columns"]?["query"] == .string("input")
                && alpaca["columns"]?["response"] == .string("output"))
        #expect(info["demo-self-instruct-train"]?["columns"]?["response"] == .string("completion"))
        let openai = try #require(info["demo-openai-chat-validation"])
        #expect(openai["formatting"] == .string("sharegpt") && openai["columns"]?["messages"] == .string("messages"))
        #expect(openai["tags"]?["role_tag"] == .string("role") && openai["tags"]?["assistant_tag"] == .string("assistant"))
        let share = try #require(info["demo-sharegpt-train"])
        #expect(share["columns"]?["messages"] == .string("conversations") && share["columns"]?["system"] == nil)
        #expect(share["tags"]?["user_tag"] == .string("human") && share["tags"]?["content_tag"] == .string("value"))
        let withSystem = try Self.parse(LlamaFactoryDatasetInfo.json(run: "demo", entries: entries, hasSystemPrompt: true))
        #expect(withSystem["demo-sharegpt-train"]?["columns"]?["system"] == .string("system"))
        #expect(LlamaFactoryDatasetInfo.json(run: "demo", entries: [], hasSystemPrompt: false) == "{}\n")
    }
}
