import ArgumentParser
import Foundation
import SelfInstruct

struct Dedup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the ROUGE-L novelty filter offline: one keep/reject decision per input line.",
        discussion: """
            The pool starts with the seed instructions; each candidate (in file order) is compared with every \
            pool member and rejected when its ROUGE-L F-measure exceeds the threshold, otherwise it joins the \
            pool — the greedy filter of Self-Instruct and Alpaca, with rouge_score's arithmetic and (with the default \
            --language en) its tokenizer.

            Output: one JSON line per candidate,
              {"i": 0, "keep": true, "max": 0.5882352941176471, "match": "seed:seed_task_3"}
            where "max" is the highest F against the pool and "match" the first pool member reaching it
            (a 0-based candidate index, "seed:<id>", or null when nothing shares a token).
            The output file appears only when complete.

            --language zh makes each Chinese character a token (rouge_score's own tokenizer keeps only ASCII \
            letters and digits, so Chinese text has no tokens and nothing is ever rejected).

            Examples:
              sictl dedup --seeds seed_tasks.jsonl --input candidates.jsonl --output decisions.jsonl
              sictl dedup --language zh --seeds examples/zh_seed_tasks.jsonl --input zh.jsonl --output zh-decisions.jsonl
            """
    )

    @Option(name: .long, help: ArgumentHelp("Seed tasks: Self-Instruct JSONL, Alpaca JSONL or a JSON list.", valueName: "file"))
    var seeds: String

    @Option(name: .long, help: ArgumentHelp("Candidates: JSON Lines with an \"instruction\" field, in decision order.", valueName: "file"))
    var input: String

    @Option(name: .long, help: ArgumentHelp("Where to write the decisions (JSON Lines).", valueName: "file"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("Reject a candidate when its best F-measure is greater than this.", valueName: "f"))
    var threshold: Double = 0.7

    @Option(name: .long, help: ArgumentHelp(
        "en (default): rouge_score's tokenizer, ASCII words only; zh: one token per Chinese character, Latin words and numbers whole, traditional folded to simplified, clauses in a canonical order; unicode: one token per CJK character, words of any script whole.",
        valueName: "language"))
    var language: RunLanguage = .en

    @Option(name: .long, help: ArgumentHelp("indexed (default): exact bounds + bit-parallel LCS; brute-force: every pair by dynamic programming. Both decide identically.", valueName: "name"))
    var algorithm: Algorithm = .indexed

    @Flag(name: .long, help: ArgumentHelp("Also write the reference's statistics per candidate: \"most_similar\" (top 10 pool members with their F) and \"avg_similarity_score\" (mean F over the pool). Needs a full scan of the pool per candidate.", discussion: ""))
    var statistics = false

    @Flag(name: .long, help: "Print the summary as JSON on stdout.")
    var json = false

    enum Algorithm: String, ExpressibleByArgument, CaseIterable {
        case indexed
        case bruteForce = "brute-force"
    }

    func validate() throws {
        if statistics && algorithm != .indexed {
            throw ValidationError("--statistics works with --algorithm indexed only")
        }
        guard threshold >= 0, threshold <= 1 else {
            throw ValidationError("--threshold must be between 0 and 1 (got \(threshold))")
        }
    }

    func run() throws {
        do {
            try runDedup()
        } catch {
            // Input problems arrive as CommandFailure; I/O errors (disk full, …) are reported the same way.
            Console.error("sictl dedup: \(error)")
            throw ExitCode.failure
        }
    }

    private func runDedup() throws {
        let started = monotonicSeconds()
        let seedFile = SeedLoader.load(try FileIO.readAll(seeds), fileName: seeds)
        for warning in seedFile.warnings { Console.error(warning.description) }
        try CommandFailure.onErrors(seedFile.errors)
        let candidates = InstructionListReader.read(try FileIO.readAll(input), fileName: input)
        try CommandFailure.onErrors(candidates.problems)
        if seedFile.tasks.count + candidates.instructions.count > NoveltyIndex.capacity {
            throw CommandFailure(description: "\(input): \(candidates.instructions.count) candidates and \(seedFile.tasks.count) seeds are more than "
                                 + "the novelty pool holds (\(NoveltyIndex.capacity), seeds included); split the input")
        }

        let summary: Summary
        switch algorithm {
        case .indexed where statistics:
            var run = DedupRun(filter: NoveltyIndex(threshold: threshold), seeds: seedFile.tasks, language: language)
            summary = try decideAll(candidates.instructions, started: started) {
                run.decideWithStatistics($0, index: $1)
            }
        case .indexed:
            summary = try decideAll(DedupRun(filter: NoveltyIndex(threshold: threshold), seeds: seedFile.tasks, language: language), candidates.instructions, started: started)
        case .bruteForce:
            summary = try decideAll(DedupRun(filter: BruteForceNoveltyFilter(threshold: threshold), seeds: seedFile.tasks, language: language), candidates.instructions, started: started)
        }
        let seconds = monotonicSeconds() - started
        if json {
            print("{\"algorithm\": \"\(algorithm.rawValue)\", \"language\": \"\(language.rawValue)\", \"candidates\": \(candidates.instructions.count), \"kept\": \(summary.kept), \"rejected\": \(summary.rejected), \"seeds\": \(seedFile.tasks.count), \"pool\": \(seedFile.tasks.count + summary.kept), \"seconds\": \(seconds), \"output\": \(JSONWriter.quoted(output))}")
        } else {
            print("candidates \(candidates.instructions.count), kept \(summary.kept), rejected \(summary.rejected) (seeds \(seedFile.tasks.count), final pool \(seedFile.tasks.count + summary.kept)) in \(String(format: "%.2f", seconds)) s [\(algorithm.rawValue), \(language.rawValue)]")
            print("decisions written to \(output)")
        }
    }

    private struct Summary {
        var kept: Int
        var rejected: Int
    }

    private func decideAll<F: NoveltyFilter>(_ start: DedupRun<F>, _ instructions: [String], started: Double) throws -> Summary {
        var run = start
        return try decideAll(instructions, started: started) {
            run.decide($0, index: $1)
        }
    }

    /// Writes one decision per candidate atomically, reporting progress on stderr every ~2 s.
    private func decideAll(
        _ instructions: [String], started: Double, decide: (String, Int) -> DedupRecord
    ) throws -> Summary {
        let total = instructions.count
        var lastReport = monotonicSeconds()
        var kept = 0
        try FileIO.writeAtomically(output) { out in
            for (index, instruction) in instructions.enumerated() {
                let record = decide(instruction, index)
                if record.keep { kept += 1 }
                try out.writeLine(record.jsonLine)
                if index & 255 == 0, monotonicSeconds() - lastReport >= 2 {
                    lastReport = monotonicSeconds()
                    Console.error("sictl dedup: \(index + 1)/\(total) decided, \(kept) kept, \(index + 1 - kept) rejected, \(String(format: "%.1f", lastReport - started)) s")
                }
            }
        }
        return Summary(kept: kept, rejected: total - kept)
    }

}
