import Testing
@testable import SelfInstruct

/// The hygiene pass over the released Alpaca 52K (`../shared/data`). The bounds come from reading what each
/// rule flags there (see docs/hygiene.md); the test prints the counts and three examples per reason.
@Suite struct RecordHygieneOnAlpacaTests {
    struct Record {
        var instruction: String
        var input: String
        var output: String
    }

    static func records() throws -> [Record] {
        let path = "../shared/data/alpaca_data_52k.jsonl"
        guard let bytes = SharedData.read(path) else {
            try Test.cancel("\(path) is absent (a fresh clone has no ../shared); skipping")
        }
        return try bytes.split(separator: UInt8(ascii: "\n")).map { line in
            let object = try JSONReader.parse(line)
            guard case .string(let instruction)? = object["instruction"], case .string(let input)? = object["input"],
                  case .string(let output)? = object["output"] else {
                Issue.record("line without instruction, input and output strings in \(path)")
                return Record(instruction: "", input: "", output: "")
            }
            return Record(instruction: instruction, input: input, output: output)
        }
    }

    @Test func countsPerReasonOnAlpaca52K() throws {
        let records = try Self.records()
        #expect(records.count == 52_002)
        var counts: [HygieneReason: Int] = [:]
        var examples: [HygieneReason: [Record]] = [:]
        var kept = 0
        for record in records {
            let verdict = RecordHygiene.check(instruction: record.instruction, input: record.input, output: record.output)
            let reasons: [HygieneReason]
            switch verdict {
            case .keep(_, _, _, let fixes):
                kept += 1
                reasons = fixes
            case .remove(let reason):
                reasons = [reason]
            }
            for reason in reasons {
                counts[reason, default: 0] += 1
                if examples[reason, default: []].count < 3 { examples[reason, default: []].append(record) }
            }
        }
        print("hygiene on Alpaca 52K: kept \(kept) of \(records.count)")
        for reason in HygieneReason.allCases {
            print("  \(reason.code) (\(reason.removes ? "removes" : "normalises")): \(counts[reason, default: 0])")
            for example in examples[reason, default: []] {
                print("    instruction=\(Self.shown(example.instruction)) input=\(Self.shown(example.input)) output=\(Self.shown(example.output))")
            }
        }
        // Bounds around what the rules flag today; a change outside them is a rule change to look at.
        let bounds: [HygieneReason: ClosedRange<Int>] = [
            .emptyOutput: 28...28,
            .notApplicableOutput: 50...80,
            .noInputMarker: 600...900,
            .mergedItem: 30...45,
            .unseenReference: 200...500,
            .imageGeneration: 150...300,
            .controlCharacters: 5...20,
        ]
        for reason in HygieneReason.allCases {
            #expect(bounds[reason]!.contains(counts[reason, default: 0]), "\(reason.code): \(counts[reason, default: 0])")
        }
        #expect(kept > 51_000)
    }

    static func shown(_ text: String) -> String {
        let short = text.unicodeScalars.count > 90 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(90))) + "…" : text
        return JSONWriter.quoted(short)
    }
}
