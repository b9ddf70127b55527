import Foundation
import TestSupport
import Testing

/// Chinese runs (`--language zh`) through every daemon against the simulator, which answers Chinese prompts in
/// Chinese: the run completes, the audit (which replays the novelty filter with the run's tokenizer) passes, the
/// filter rejects Chinese near-duplicates, and every shard format holds the text as UTF-8, not \u escapes.
@Suite(.serialized) struct ChinesePipelineTests {
    static var chineseSeedsPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/zh_seed_tasks.jsonl").path
    }

    @Test(arguments: ["self-instruct", "alpaca"])
    func aChineseRunCompletesAndAudits(recipe: String) throws {
        let pipeline = try PipelineProcesses(faults: "")
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: recipe, replicas: 1)
        let name = "e2e-zh-\(recipe)"
        try pipeline.createAndStart(name: name, recipe: recipe, seeds: Self.chineseSeedsPath, target: 120, concurrency: 4,
                                    options: ["--language", "zh", "--format", "all"])
        try pipeline.waitUntilCompleted(name: name, timeout: .seconds(300))
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: name)
        // Hugging Face datasets, OpenAI's chat rules and LLaMA-Factory's keys load every format of the Chinese data.
        try PipelineEndToEndTests.expectEveryFormatLoads(pipeline, run: name)

        let admitted = try pipeline.query(
            "SELECT count(*) AS n FROM instructions WHERE status = 'admitted' AND text ~ '[\\u4e00-\\u9fff]'", column: "n", as: Int.self)
        #expect(admitted == 120, "every admitted instruction is Chinese")
        // The English tokenizer would give every Chinese pair F = 0 and reject nothing as too similar.
        let similar = try pipeline.query(
            "SELECT count(*) AS n FROM instructions WHERE reject_reason = 'rouge_too_similar'", column: "n", as: Int.self)
        let best = try pipeline.query(
            "SELECT coalesce(max(nearest_score), 0) AS f FROM instructions WHERE reject_reason = 'rouge_too_similar'", column: "f", as: Double.self)
        print("zh \(recipe): 120 admitted, \(similar) rejected as rouge_too_similar (highest F \(best))")
        #expect(similar > 0 && best > 0.7)
        let valid = try pipeline.query(
            "SELECT count(*) AS n FROM instances WHERE status = 'valid' AND output ~ '[\\u4e00-\\u9fff]'", column: "n", as: Int.self)
        #expect(valid > 0, "instances are Chinese too")

        // Every format: raw UTF-8 Chinese, and no \u escape anywhere.
        let directory = pipeline.shardsDirectory.appendingPathComponent(name)
        let files = try FileManager.default.subpathsOfDirectory(atPath: directory.path).sorted().filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory)
                && !isDirectory.boolValue && !["manifest.json", "dataset_info.json"].contains(path)
        }
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("\\u"), "\(file) escapes characters")
            #expect(text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(file) has no Chinese")
        }
        print("zh \(recipe): shard files \(files)")
        // sictl export, every format, to stdout.
        for format in ["jsonl", "alpaca-json", "self-instruct", "openai-chat", "sharegpt"] {
            let export = try pipeline.sictl(["export", name, "--format", format])
            #expect(export.status == 0, "\(export.stderr)")
            #expect(!export.stdout.contains("\\u") && export.stdout.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) },
                    "export \(format)")
        }
        // jsonl, alpaca-json, self-instruct, openai-chat and sharegpt, each with a train and a validation split.
        #expect(files.count == 10)
    }
}
