import Foundation
import TestSupport
import Testing

/// End-to-end runs of the built `sictl` binary: exit codes, stdout, stderr and the files it leaves.
@Suite(.timeLimit(.minutes(2))) struct SictlDedupTests {
    typealias Outcome = CapturedRun

    /// The `sictl` built next to this test bundle.
    static var executable: URL {
        BuildProducts.executable("sictl")
    }

    static func run(_ arguments: [String]) throws -> Outcome {
        try CapturedRun.run(executable, arguments)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sictl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let goodSeed = #"{"id": "s0", "instruction": "Write a poem about the ocean.", "instances": [{"input": "", "output": "Waves."}]}"#

    /// `--language zh`: Chinese near-duplicates are rejected (by default, as in rouge_score, Chinese has no tokens
    /// and everything is kept); both algorithms decide the same; a bad language is refused with the choices.
    @Test func chineseNearDuplicatesNeedLanguageZh() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let seed = #"{"id": "z0", "instruction": "以春雨为题，写一首四行的现代短诗。", "instances": [{"input": "", "output": "细雨。"}]}"#
        try Data((seed + "\n").utf8).write(to: dir.appendingPathComponent("seeds.jsonl"))
        let candidates = ["写一首四行的现代短诗，以春雨为题。", "以春雨为題，寫一首四行的現代短詩。", "解释什么是通货膨胀，并举一个生活中的例子。"]
        try Data(candidates.map { #"{"instruction": "\#($0)"}"# }.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("in.jsonl"))
        func decisions(_ extra: [String]) throws -> [Bool] {
            let output = dir.appendingPathComponent("out.jsonl")
            let outcome = try Self.run(["dedup", "--seeds", dir.appendingPathComponent("seeds.jsonl").path, "--input",
                                        dir.appendingPathComponent("in.jsonl").path, "--output", output.path] + extra)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            return try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map { $0.contains("\"keep\": true") }
        }
        #expect(try decisions([]) == [true, true, true])
        #expect(try decisions(["--language", "zh"]) == [false, false, true])
        #expect(try decisions(["--language", "zh", "--algorithm", "brute-force"]) == [false, false, true])
        let refused = try Self.run(["dedup", "--seeds", "s", "--input", "i", "--output", "o", "--language", "fr"])
        #expect(refused.status != 0 && refused.stderr.contains("en") && refused.stderr.contains("zh") && refused.stderr.contains("unicode"))
    }

    @Test func decidesCandidatesAndWritesOneLineEach() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data((Self.goodSeed + "\n").utf8).write(to: dir.appendingPathComponent("seeds.jsonl"))
        let candidates = ["Write a short poem about the sea and the ocean.", "List the planets of the solar system.", "List the planets of the solar system!"]
        try Data(candidates.map { #"{"instruction": "\#($0)"}"# }.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("in.jsonl"))
        let output = dir.appendingPathComponent("out.jsonl")
        let outcome = try Self.run(["dedup", "--seeds", dir.appendingPathComponent("seeds.jsonl").path, "--input",
                                    dir.appendingPathComponent("in.jsonl").path, "--output", output.path, "--json"])
        #expect(outcome.status == 0)
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == [
            #"{"i": 0, "keep": false, "max": 0.7499999999999999, "match": "seed:s0"}"#,
            #"{"i": 1, "keep": true, "max": 0.15384615384615383, "match": "seed:s0"}"#,
            #"{"i": 2, "keep": false, "max": 1.0, "match": 1}"#,
        ])
        let summary = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        #expect(summary?["kept"] as? Int == 1)
        #expect(summary?["rejected"] as? Int == 2)
    }

    @Test(arguments: [
        ("broken", "{\"instruction\": \"Sort the list.,\"instances\": []}", "seeds.jsonl:2:"),
        ("missing", #"{"id": "b", "instances": [{"input": "", "output": "x"}]}"#, "seeds.jsonl:2: error: field 'instruction': missing"),
        ("empty", #"{"id": "b", "instruction": "  ", "instances": [{"input": "", "output": "x"}]}"#, "seeds.jsonl:2: error: field 'instruction': empty"),
        ("utf8", "{\"id\": \"b\", \"instruction\": \"Caf\u{FFFD}\", \"instances\": [{\"input\": \"\", \"output\": \"x\"}]}", "seeds.jsonl:2:32: error: invalid UTF-8 (byte 0xE9)"),
    ])
    func badSeedFilesFailWithOneLineAndWriteNothing(kind: String, secondLine: String, expected: String) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = Array((Self.goodSeed + "\n" + secondLine + "\n").utf8)
        if kind == "utf8" {
            // Replace the encoded U+FFFD with a lone Latin-1 byte, which is not valid UTF-8.
            let marker: [UInt8] = [0xEF, 0xBF, 0xBD]
            if let at = (0...(bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 3]) == marker }) {
                bytes.replaceSubrange(at..<at + 3, with: [0xE9])
            }
        }
        let seeds = dir.appendingPathComponent("seeds.jsonl")
        try Data(bytes).write(to: seeds)
        try Data(#"{"instruction": "Name a color."}"#.utf8).write(to: dir.appendingPathComponent("in.jsonl"))
        let outcome = try Self.run(["dedup", "--seeds", seeds.path, "--input", dir.appendingPathComponent("in.jsonl").path,
                                    "--output", dir.appendingPathComponent("out.jsonl").path])
        #expect(outcome.status == 1)
        let errorLines = outcome.stderr.split(separator: "\n")
        #expect(errorLines.count == 1)
        #expect(outcome.stderr.contains(expected))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["in.jsonl", "seeds.jsonl"])
    }

    @Test func invalidThresholdIsAUsageError() throws {
        let outcome = try Self.run(["dedup", "--seeds", "a", "--input", "b", "--output", "c", "--threshold", "1.5"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--threshold must be between 0 and 1"))
    }

    @Test func helpExplainsTheOutput() throws {
        let outcome = try Self.run(["dedup", "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("\"match\""))
        #expect(outcome.stdout.contains("--algorithm"))
    }
}
