import Testing
@testable import SelfInstruct

@Suite struct ImportReaderTests {
    func read(_ text: String, file: String = "data.jsonl", format: ImportFormat? = nil) -> ImportFile {
        ImportReader.read(Array(text.utf8), fileName: file, format: format)
    }

    func triples(_ file: ImportFile) -> [[String]] {
        file.records.map { [$0.instruction, $0.input, $0.output] }
    }

    @Test func alpacaJSONListIsDetectedWithTheLineOfEachElement() {
        let file = read("""
            [
              {"instruction": "Add the numbers.", "input": "2, 3", "output": "5"},
              {"instruction": "Name a color.",
               "output": "Blue", "input": null}
            ]
            """, file: "alpaca_data.json")
        #expect(file.problems.isEmpty)
        #expect(file.format == .alpacaJSON)
        #expect(triples(file) == [["Add the numbers.", "2, 3", "5"], ["Name a color.", "", "Blue"]])
        #expect(file.records.map(\.line) == [2, 3])
    }

    @Test func jsonLinesSkipBlankLinesIgnoreUnknownKeysAndDefaultTheInput() {
        let file = read(#"{"instruction": "Add the numbers.", "input": "2, 3", "output": "5", "id": 7}"# + "\n\n  \n"
            + #"{"output": "Blue", "instruction": "Name a color.", "extra": {"nested": [1]}}"# + "\r\n")
        #expect(file.problems.isEmpty)
        #expect(file.format == .jsonl)
        #expect(triples(file) == [["Add the numbers.", "2, 3", "5"], ["Name a color.", "", "Blue"]])
        #expect(file.records.map(\.line) == [1, 4])
    }

    @Test func selfInstructLinesGiveOneRecordPerInstance() {
        let file = read("""
            {"instruction": "Classify the sentiment.", "raw_instances": "Input: I love it", "instances": [{"input": "I love it", "output": "Positive"}, {"input": "Awful.", "output": "Negative"}], "most_similar": {}}
            {"instruction": "Write a haiku.", "instances": [{"output": "Old pond..."}]}
            """)
        #expect(file.problems.isEmpty)
        #expect(file.format == .selfInstruct)
        #expect(triples(file) == [
            ["Classify the sentiment.", "I love it", "Positive"], ["Classify the sentiment.", "Awful.", "Negative"],
            ["Write a haiku.", "", "Old pond..."],
        ])
        #expect(file.records.map(\.line) == [1, 1, 2])
    }

    @Test func eachMalformedRecordIsNamedByFileAndLine() {
        let file = read("""
            {"instruction": "Fine.", "output": "ok"}
            [1, 2]
            {"input": "", "output": "x"}
            {"instruction": 3, "output": "x"}
            {"instruction": "   ", "output": "x"}
            {"instruction": "No output.", "input": ""}
            {"instruction": "Bad input.", "input": 4, "output": "x"}
            {"instruction": "Broken, "output": "x"}
            {"instruction": "Null output.", "output": null}
            """)
        #expect(file.records.count == 1)
        #expect(file.errors.map(\.description) == [
            #"data.jsonl:2: error: expected a JSON object with a string "instruction", found array"#,
            #"data.jsonl:3: error: field 'instruction': missing; expected a JSON object with a string "instruction""#,
            "data.jsonl:4: error: field 'instruction': expected a string, found number",
            "data.jsonl:5: error: field 'instruction': empty; expected a non-empty string",
            "data.jsonl:6: error: field 'output': missing; expected a string",
            "data.jsonl:7: error: field 'input': expected a string, found number",
            "data.jsonl:8:27: error: invalid JSON: expected ',' or '}' after an object member",
            "data.jsonl:9: error: field 'output': expected a string, found null",
        ])
    }

    @Test func malformedSelfInstructInstancesNameTheirIndex() {
        let file = read("""
            {"instruction": "A.", "instances": [{"input": "", "output": "x"}, {"input": "y"}]}
            {"instruction": "B.", "instances": []}
            {"instruction": "C.", "instances": ["text"]}
            {"instruction": "D.", "output": "no instances here"}
            """, format: .selfInstruct)
        #expect(file.records.isEmpty)
        #expect(file.errors.map(\.description) == [
            "data.jsonl:1: error: field 'instances[1].output': missing; expected a string",
            #"data.jsonl:2: error: field 'instances': empty; expected at least one {"input", "output"} object"#,
            #"data.jsonl:3: error: field 'instances[0]': expected an {"input", "output"} object, found string"#,
            #"data.jsonl:4: error: field 'instances': missing; expected a list of {"input", "output"} objects (format self-instruct)"#,
        ])
    }

    @Test func aJSONListElementErrorNamesTheLineTheElementStartsOn() {
        let file = read("""
            [
              {"instruction": "A.", "output": "x"},

              {"instruction": "B."}
            ]
            """, file: "list.json")
        #expect(file.errors.map(\.description) == ["list.json:4: error: field 'output': missing; expected a string"])
        let broken = read("[\n  {\"instruction\": \"A.\", \"output\": \"x\"}\n  {\"instruction\": \"B.\"}\n]", file: "list.json")
        #expect(broken.records.isEmpty)
        #expect(broken.errors.map(\.description) == ["list.json:3:3: error: invalid JSON: expected ',' or ']' after an array element"])
    }

    @Test func aForcedFormatMustMatchTheFile() {
        let selfInstruct = #"{"instruction": "A.", "instances": [{"input": "", "output": "x"}]}"#
        #expect(read(selfInstruct, format: .jsonl).errors.map(\.description) == [
            #"data.jsonl:1: error: field 'output': missing; expected a string (this line has "instances": a Self-Instruct file? use --format self-instruct)"#,
        ])
        #expect(read(#"{"instruction": "A.", "output": "x"}"#, format: .alpacaJSON).errors.map(\.description) == [
            #"data.jsonl:1: error: expected a JSON list '[' of {"instruction", "input", "output"} objects (format alpaca-json)"#,
        ])
        #expect(read(#"[{"instruction": "A.", "output": "x"}]"#, format: .jsonl).errors.map(\.description) == [
            "data.jsonl:1:1: error: this file is a JSON list, not one object per line (format jsonl); use --format alpaca-json",
        ])
        // Forcing the format the content has changes nothing.
        #expect(read(selfInstruct, format: .selfInstruct).records.count == 1)
    }

    @Test func emptyFilesAndInvalidUTF8AreErrors() {
        #expect(read("\n  \n").errors.map(\.description) == ["data.jsonl:1: error: no records in the file"])
        var bytes = Array((#"{"instruction": "A.", "output": "x"}"# + "\n" + #"{"instruction": "Caf?", "output": "x"}"#).utf8)
        bytes[bytes.lastIndex(of: UInt8(ascii: "?"))!] = 0xE9
        let file = ImportReader.read(bytes, fileName: "data.jsonl")
        #expect(file.errors.map(\.description) == ["data.jsonl:2:21: error: invalid UTF-8 (byte 0xE9)"])
    }
}
