import ArgumentParser
import Foundation
import SelfInstruct

struct DedupBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Indexed vs brute-force novelty filter on the same input: times, ratio, pairs, memory, equality.",
        discussion: """
            Corpora:
              file             the instructions of --input in file order (e.g. the Alpaca 52K)
              near-duplicates  --size items generated from --input's instructions: each base item followed, about
                               half the time, by a perturbed copy of a recent item whose score straddles the
                               threshold, plus empty, punctuation-only and non-ASCII lines (deterministic in --seed);
                               its perturbations edit space-separated words, so it suits English input only
            --language zh tokenizes as a Chinese run does (docs/languages.md); use it with --corpus file.
            Example:
              swift run -c release si-bench dedup --seeds ../shared/data/self_instruct_seed_tasks.jsonl \\
                  --input ../shared/data/alpaca_data_52k.jsonl --corpus near-duplicates --size 20000
            """
    )

    enum Corpus: String, ExpressibleByArgument, CaseIterable {
        case file
        case nearDuplicates = "near-duplicates"
    }

    @Option(help: ArgumentHelp("Seed tasks that start the pool.", valueName: "file"))
    var seeds: String

    @Option(help: ArgumentHelp("JSON Lines with an \"instruction\" field.", valueName: "file"))
    var input: String

    @Option(help: "Which corpus to decide.")
    var corpus: Corpus = .file

    @Option(help: "Items in a generated corpus.")
    var size: Int = 20_000

    @Option(help: "Seed of the generated corpus.")
    var seed: UInt64 = 2022

    @Option(help: "Rejection threshold.")
    var threshold: Double = 0.7

    @Option(help: ArgumentHelp("Tokenizer: en (default, rouge_score's), zh or unicode (docs/languages.md).", valueName: "language"))
    var language: String = RunLanguage.en.rawValue

    @Flag(help: "Skip the brute-force run (for inputs where it would take too long).")
    var skipBruteForce = false

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func validate() throws {
        guard threshold >= 0, threshold <= 1 else { throw ValidationError("--threshold must be between 0 and 1") }
        guard size > 0 else { throw ValidationError("--size must be positive") }
        guard RunLanguage(rawValue: language) != nil else {
            throw ValidationError("--language must be one of \(RunLanguage.names) (got '\(language)')")
        }
    }

    /// Prints `message` on stderr and exits 1 (a failure of the run, not of its arguments).
    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data(("si-bench dedup: " + message + "\n").utf8))
        return ExitCode.failure
    }

    func run() throws {
        guard let seedBytes = FileManager.default.contents(atPath: seeds) else { throw fail("cannot read \(seeds)") }
        guard let inputBytes = FileManager.default.contents(atPath: input) else { throw fail("cannot read \(input)") }
        let seedFile = SeedLoader.load(Array(seedBytes), fileName: seeds)
        guard seedFile.errors.isEmpty else { throw fail(seedFile.errors.map(\.description).joined(separator: "\n")) }
        let read = InstructionListReader.read(Array(inputBytes), fileName: input)
        guard read.problems.isEmpty else { throw fail(read.problems.prefix(5).map(\.description).joined(separator: "\n")) }
        guard !read.instructions.isEmpty else { throw fail("\(input) has no instructions") }
        let instructions = corpus == .file ? read.instructions : NearDuplicateCorpus.generate(base: read.instructions, count: size, seed: seed)

        // Tokenise once, outside the timed sections, so both filters get the same integer sequences.
        var vocabulary = TokenVocabulary(language: RunLanguage(rawValue: language) ?? .en)
        let seedTokens = seedFile.tasks.map { vocabulary.intern($0.instruction) }
        let candidateTokens = instructions.map { vocabulary.intern($0) }

        var indexed = NoveltyIndex(threshold: threshold)
        let (indexedDecisions, indexedSeconds) = decideAll(&indexed, seeds: seedTokens, candidates: candidateTokens)
        let indexedPeakRSS = peakResidentBytes()

        var bruteDecisions: [NoveltyDecision]?
        var bruteSeconds: Double?
        if !skipBruteForce {
            var brute = BruteForceNoveltyFilter(threshold: threshold)
            let result = decideAll(&brute, seeds: seedTokens, candidates: candidateTokens)
            bruteDecisions = result.decisions
            bruteSeconds = result.seconds
        }
        let identical = bruteDecisions.map { brute in
            brute.count == indexedDecisions.count && zip(brute, indexedDecisions).allSatisfy {
                $0.keep == $1.keep && $0.maxScore.bitPattern == $1.maxScore.bitPattern && $0.bestMatch == $1.bestMatch
            }
        }
        let stats = indexed.statistics
        let kept = indexedDecisions.filter(\.keep).count
        let straddling = indexedDecisions.filter { $0.maxScore > threshold - 0.1 && $0.maxScore < threshold + 0.1 }.count
        if json {
            var fields = [
                "\"corpus\": \"\(corpus.rawValue)\"", "\"candidates\": \(instructions.count)", "\"seeds\": \(seedTokens.count)",
                "\"kept\": \(kept)", "\"rejected\": \(instructions.count - kept)", "\"within_0_1_of_threshold\": \(straddling)",
                "\"indexed_seconds\": \(indexedSeconds)", "\"pairs_scored\": \(stats.pairsScored)", "\"pairs_skipped\": \(stats.pairsSkipped)",
                "\"postings_read\": \(stats.postingsRead)", "\"peak_rss_bytes_after_indexed\": \(indexedPeakRSS)",
            ]
            if let bruteSeconds { fields += ["\"brute_force_seconds\": \(bruteSeconds)", "\"speedup\": \(bruteSeconds / max(indexedSeconds, 1e-9))"] }
            if let identical { fields.append("\"identical\": \(identical)") }
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            print("corpus \(corpus.rawValue): \(instructions.count) candidates, \(seedTokens.count) seeds, threshold \(threshold)")
            print("decisions: \(kept) kept, \(instructions.count - kept) rejected, \(straddling) with max F within 0.1 of the threshold")
            print(String(format: "indexed:     %.3f s  (pairs scored %d, skipped %d = %.4f%% scored; postings read %d)",
                         indexedSeconds, stats.pairsScored, stats.pairsSkipped,
                         100 * Double(stats.pairsScored) / Double(max(1, stats.pairsScored + stats.pairsSkipped)), stats.postingsRead))
            print("peak RSS after the indexed run: \(indexedPeakRSS / 1_048_576) MiB")
            if let bruteSeconds, let identical {
                print(String(format: "brute force: %.3f s", bruteSeconds))
                print(String(format: "speedup:     %.1fx", bruteSeconds / max(indexedSeconds, 1e-9)))
                print("decisions identical (keep, max score bits, best match): \(identical ? "yes" : "NO")")
            }
        }
        if identical == false { throw ExitCode.failure }
    }

    private func decideAll<F: NoveltyFilter>(_ filter: inout F, seeds: [[Int32]], candidates: [[Int32]]) -> (decisions: [NoveltyDecision], seconds: Double) {
        let start = monotonicSeconds()
        for s in seeds { filter.admit(s) }
        var decisions: [NoveltyDecision] = []
        decisions.reserveCapacity(candidates.count)
        for c in candidates { decisions.append(filter.consider(c)) }
        return (decisions, monotonicSeconds() - start)
    }
}
