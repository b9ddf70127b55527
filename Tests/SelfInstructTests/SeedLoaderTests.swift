import Testing
@testable import SelfInstruct

@Suite struct SeedLoaderTests {
    func load(_ text: String, file: String = "seeds.jsonl") -> SeedFile {
        SeedLoader.load(Array(text.utf8), fileName: file)
    }

    @Test func selfInstructFormat() throws {
        let file = load("""
            {"id": "seed_task_0", "name": "breakfast", "instruction": "Suggest a breakfast.", "instances": [{"input": "", "output": "Oats."}], "is_classification": false}
            {"id": "seed_task_1", "name": "sentiment", "instruction": "Classify the sentiment.", "instances": [{"input": "I love it", "output": "Positive"}], "is_classification": true}

            """)
        #expect(file.problems.isEmpty)
        #expect(file.tasks.map(\.id) == ["seed_task_0", "seed_task_1"])
        #expect(file.tasks[1].isClassification == true)
        #expect(file.tasks[1].instances == [TaskInstance(input: "I love it", output: "Positive")])
        #expect(file.lines == [1, 2])
    }

    @Test func alpacaJSONLinesAndJSONList() {
        let lines = load(#"{"instruction": "Add the numbers.", "input": "2, 3", "output": "5"}"# + "\n" + #"{"instruction": "Name a color.", "output": "Blue"}"#)
        #expect(lines.problems.isEmpty)
        #expect(lines.tasks.map(\.id) == ["seed_task_0", "seed_task_1"])
        #expect(lines.tasks[1].instances == [TaskInstance(input: "", output: "Blue")])
        #expect(lines.tasks[0].isClassification == nil)

        let list = load("""
            [
              {"instruction": "Add the numbers.", "input": "2, 3", "output": "5"},
              {"instruction": "Name a color.",
               "input": "", "output": "Blue"}
            ]
            """, file: "seeds.json")
        #expect(list.problems.isEmpty)
        #expect(list.lines == [2, 3])
    }

    @Test func brokenJSONNamesFileLineAndColumn() {
        let file = load(#"{"instruction": "ok", "output": "x"}"# + "\n" + #"{"instruction": "broken, "output": "x"}"#)
        #expect(file.tasks.count == 1)
        #expect(file.errors.count == 1)
        #expect(file.errors[0].line == 2)
        #expect(file.errors[0].description.hasPrefix("seeds.jsonl:2:"))
        #expect(file.errors[0].description.contains("invalid JSON"))
    }

    @Test func missingAndMistypedFields() {
        let file = load("""
            {"output": "x"}
            {"instruction": 3, "output": "x"}
            {"instruction": "Do it.", "instances": [{"input": ""}]}
            {"instruction": "Do it again.", "output": "x", "is_classification": "yes"}
            {"instruction": "No instance at all."}
            [1, 2]
            """)
        #expect(file.tasks.isEmpty)
        #expect(file.errors.map(\.line) == [1, 2, 3, 4, 5, 6])
        #expect(file.errors[0].description == "seeds.jsonl:1: error: field 'instruction': missing; expected a non-empty string")
        #expect(file.errors[1].description == "seeds.jsonl:2: error: field 'instruction': expected a non-empty string, found number")
        #expect(file.errors[2].field == "instances[0].output")
        #expect(file.errors[3].field == "is_classification")
        #expect(file.errors[5].description.contains("expected a JSON object, found array"))
    }

    @Test func emptyInstructionIsAnError() {
        let file = load(#"{"instruction": "   ", "output": "x"}"#)
        #expect(file.errors.count == 1)
        #expect(file.errors[0].description == "seeds.jsonl:1: error: field 'instruction': empty; expected a non-empty string")
    }

    @Test func invalidUTF8IsReportedWithItsPosition() {
        var bytes = Array(#"{"instruction": "ok", "output": "x"}"#.utf8) + [0x0A]
        bytes += Array(#"{"instruction": "caf"#.utf8) + [0xE9] + Array(#"", "output": "x"}"#.utf8)
        let file = SeedLoader.load(bytes, fileName: "latin1.jsonl")
        #expect(file.tasks.count == 1)
        #expect(file.errors.map(\.description) == ["latin1.jsonl:2:21: error: invalid UTF-8 (byte 0xE9)"])
    }

    @Test func duplicatesAreWarningsNotErrors() {
        let file = load("""
            {"instruction": "Name a color.", "output": "Blue"}
            {"instruction": "Name  a color. ", "output": "Red"}
            """)
        #expect(file.tasks.count == 2)
        #expect(file.errors.isEmpty)
        #expect(file.warnings.map(\.description) == ["seeds.jsonl:2: warning: field 'instruction': duplicate of the instruction on line 1"])
    }

    @Test func emptyFileIsAnError() {
        #expect(load("\n\n").errors.count == 1)
    }

    @Test func theReferenceSeedFileLoadsCleanly() throws {
        let path = "../shared/data/self_instruct_seed_tasks.jsonl"
        guard let bytes = SharedData.read(path) else {
            try Test.cancel("\(path) is absent (a fresh clone has no ../shared); skipping")
        }
        let file = SeedLoader.load(bytes, fileName: path)
        #expect(file.problems.isEmpty)
        #expect(file.tasks.count == 175)
        #expect(file.tasks.filter { $0.isClassification == true }.count == 26)
        #expect(file.tasks.filter { $0.instances[0].input.isEmpty }.count == 50)
    }
}

@Suite struct JSONReaderTests {
    @Test func parsesEscapesAndSurrogates() throws {
        let value = try JSONReader.parse(Array(#"{"a": "x\"\\\/\n\u00e9\ud83d\ude00", "b": [1, -2.5e3, true, null]}"#.utf8))
        #expect(value["a"] == .string("x\"\\/\né😀"))
        #expect(value["b"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .null]))
    }

    @Test(arguments: [
        (#"{"a": 1,}"#, 8), (#"[1 2]"#, 3), (#""\x""#, 2), (#"{"a" 1}"#, 5), ("01", 1), (#""\ud800""#, 7), ("tru", 3),
    ] as [(String, Int)])
    func rejectsInvalidJSONAtTheRightOffset(text: String, offset: Int) {
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(Array(text.utf8)) }
        do {
            _ = try JSONReader.parse(Array(text.utf8))
        } catch {
            #expect(error.offset == offset)
        }
    }

    @Test func writerEscapesWhatJSONRequires() throws {
        let original = "quote \" backslash \\ newline \n tab \t bell \u{07} é"
        let quoted = JSONWriter.quoted(original)
        #expect(quoted == #""quote \" backslash \\ newline \n tab \t bell \u0007 é""#)
        #expect(try JSONReader.parse(Array(quoted.utf8)) == .string(original))
    }
}

@Suite struct JSONListInputTests {
    @Test func byteOrderMarkBeforeAJSONListIsTolerated() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("[\n{\"instruction\": \"Name a color.\", \"output\": \"Blue\"}\n]".utf8)
        let file = SeedLoader.load(bytes, fileName: "bom.json")
        #expect(file.problems.isEmpty)
        #expect(file.lines == [2])
    }

    /// 50,000 elements, one per line: line numbers stay exact and reading stays linear.
    @Test func largeJSONListsKeepExactLineNumbers() {
        var text = "[\n"
        for i in 0..<50_000 { text += "{\"instruction\": \"Task number \(i).\"},\n" }
        text += "{\"instruction\": \"Last task.\"}\n]"
        let read = InstructionListReader.read(Array(text.utf8), fileName: "big.json")
        #expect(read.problems.isEmpty)
        #expect(read.instructions.count == 50_001)
        #expect(read.lines.first == 2)
        #expect(read.lines.last == 50_002)
    }
}
