import ArgumentParser
import Foundation
import SelfInstruct

struct Dedup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the ROUGE-L novelty filter offline: one keep/reject decision per input line.",
        discussion: """
            The pool starts with the seed instructions; each candidate (in file order) is compared with every \
            pool member and rejected when its ROUGE-L F-measure exceeds the threshold, otherwise it joins the \
            pool — the greedy filter of Self-Instruct and Alpaca, with rouge_score's tokenizer and arithmetic.

            Output: one JSON line per candidate,
              {"i": 0, "keep": true, "max": 0.5882352941176471, "match": "seed:seed_task_3"}
            where "max" is the highest F against the pool and "match" the first pool member reaching it
            (a 0-based candidate index, "seed:<id>", or null when nothing shares a token).
            The output file appears only when complete.

            Example:
              sictl dedup --seeds seed_tasks.jsonl --input candidates.jsonl --output decisions.jsonl
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

    @Flag(name: .long, help: "Print the summary as JSON on stdout.")
    var json = false

    func validate() throws {
        guard threshold >= 0, threshold <= 1 else {
            throw ValidationError("--threshold must be between 0 and 1 (got \(threshold))")
        }
    }

    func run() throws {
        do {
            try runDedup()
        } catch let failure as CommandFailure {
            Console.error("sictl dedup: \(failure)")
            throw ExitCode.failure
        }
    }

    private func runDedup() throws {
        let started = monotonicSeconds()
        let seedFile = SeedLoader.load(try FileIO.readAll(seeds), fileName: seeds)
        for warning in seedFile.warnings { Console.error(warning.description) }
        try failOnErrors(seedFile.errors)
        let candidates = InstructionListReader.read(try FileIO.readAll(input), fileName: input)
        try failOnErrors(candidates.problems)

        var run = DedupRun(filter: BruteForceNoveltyFilter(threshold: threshold), seeds: seedFile.tasks)
        let total = candidates.instructions.count
        var lastReport = monotonicSeconds()
        try FileIO.writeAtomically(output) { out in
            for (index, instruction) in candidates.instructions.enumerated() {
                try out.writeLine(run.decide(instruction, index: index).jsonLine)
                if index & 255 == 0, monotonicSeconds() - lastReport >= 2 {
                    lastReport = monotonicSeconds()
                    Console.error("sictl dedup: \(index + 1)/\(total) decided, \(run.kept) kept, \(run.rejected) rejected, \(String(format: "%.1f", lastReport - started)) s")
                }
            }
        }
        let seconds = monotonicSeconds() - started
        if json {
            print("{\"candidates\": \(total), \"kept\": \(run.kept), \"rejected\": \(run.rejected), \"seeds\": \(seedFile.tasks.count), \"pool\": \(run.poolCount), \"seconds\": \(seconds), \"output\": \(JSONWriter.quoted(output))}")
        } else {
            print("candidates \(total), kept \(run.kept), rejected \(run.rejected) (seeds \(seedFile.tasks.count), final pool \(run.poolCount)) in \(String(format: "%.2f", seconds)) s")
            print("decisions written to \(output)")
        }
    }

    private func failOnErrors(_ problems: [InputProblem]) throws {
        let errors = problems.filter { $0.severity == .error }
        guard !errors.isEmpty else { return }
        let shown = errors.prefix(20)
        for problem in shown.dropLast() { Console.error(problem.description) }
        let more = errors.count > shown.count ? " (and \(errors.count - shown.count) more errors)" : ""
        throw CommandFailure(description: shown.last!.description + more)
    }
}
