import Testing
@testable import SelfInstruct

/// The cheap filters on real instruction files of `../shared/data`; expected tallies were computed with
/// CPython applying the reference rules (Tools/oracle/parsing_vectors.py `heuristic`).
@Suite struct HeuristicsOnSharedDataTests {
    static func instructions(_ path: String) throws -> [String] {
        guard let bytes = SharedData.read(path) else {
            try Test.cancel("\(path) is absent (a fresh clone has no ../shared); skipping")
        }
        return try bytes.split(separator: UInt8(ascii: "\n")).map { line in
            guard case .string(let text)? = try JSONReader.parse(line)["instruction"] else {
                Issue.record("line without an instruction string in \(path)")
                return ""
            }
            return text
        }
    }

    static func tally(_ texts: [String], _ heuristics: InstructionHeuristics, capitalize: Bool) -> [String: Int] {
        var counts: [String: Int] = [:]
        for text in texts {
            let normalized = PythonText.normalizeWhitespace(text)
            let key = heuristics.check(capitalize ? PythonText.capitalize(normalized) : normalized)
                .map { $0.code + ($0.detail.map { ":" + $0 } ?? "") } ?? "pass"
            counts[key, default: 0] += 1
        }
        return counts
    }

    /// Alpaca's released data was produced behind these filters, so every instruction must pass them.
    @Test func everyReleasedAlpacaInstructionPasses() throws {
        let texts = try Self.instructions("../shared/data/alpaca_data_52k.jsonl")
        #expect(texts.count == 52_002)
        #expect(Self.tally(texts, .alpaca, capitalize: false) == ["pass": 52_002])
        #expect(Self.tally(texts, .selfInstruct, capitalize: true) == ["pass": 52_002])
    }

    @Test func userOrientedInstructions() throws {
        let texts = try Self.instructions("../shared/data/user_oriented_instructions.jsonl")
        #expect(Self.tally(texts, .alpaca, capitalize: false) == [
            "pass": 245, "blacklisted_keyword:draw": 1, "blacklisted_keyword:video": 2, "blacklisted_keyword:files": 1,
            "blacklisted_keyword:plot": 2, "too_few_words:3": 1,
        ])
        #expect(Self.tally(texts, .selfInstruct, capitalize: true) == [
            "pass": 247, "blacklisted_keyword:draw": 1, "blacklisted_keyword:files": 1, "blacklisted_keyword:plot": 2,
            "too_few_words:3": 1,
        ])
    }

    @Test func seedInstructions() throws {
        let texts = try Self.instructions("../shared/data/self_instruct_seed_tasks.jsonl")
        let alpaca = Self.tally(texts, .alpaca, capitalize: false)
        #expect(alpaca["pass"] == 171)
        #expect(alpaca["starts_with_write_a_program"] == 1)
        #expect(alpaca["blacklisted_keyword:music"] == 1)
        #expect(alpaca.filter { $0.key.hasPrefix("too_few_words") }.values.reduce(0, +) == 2)
        let selfInstruct = Self.tally(texts, .selfInstruct, capitalize: true)
        #expect(selfInstruct["pass"] == 172)
        #expect(selfInstruct["starts_with_write_a_program"] == 1)
    }
}
