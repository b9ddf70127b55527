import ArgumentParser
import FileOutput
import Foundation
import Operations
import SelfInstruct

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a run's diversity and quality report: report.html (self-contained) and report.json.",
        discussion: """
            The analyses the Self-Instruct paper and the Alpaca release judge data by, for a finished run, a run \
            under way (its numbers so far) or an imported data set (sictl import):
              - the root verbs of the instructions and their direct objects, as a sunburst (top 20 verbs, top 4 \
            objects each; questions are a group of their own) and the top 10 verb/object pairs;
              - each instruction's highest ROUGE-L F against the run's seed instructions, as a histogram;
              - the lengths in words of instructions, inputs and outputs;
              - rejection reasons by stage (si_rejections);
              - teacher calls, tokens and cost per minute (llm_calls).
            report.html holds everything inline (SVG charts, CSS; no script, no external file or font), so it opens \
            offline in any browser. report.json has the same numbers. Both are written atomically into DIR (made \
            when missing). The verbs and objects come from heuristics for English instructions \
            (docs/report.md gives their accuracy); other languages show as unclassified. Reads SI_DATABASE_URL.

            Examples:
              sictl report demo --out reports/demo
              sictl import alpaca_data.json --name alpaca && sictl report alpaca --seeds seed_tasks.jsonl --out reports/alpaca
            """
    )

    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run"))
    var run: String

    @Option(name: .long, help: ArgumentHelp("The directory to write report.html and report.json into.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp(
        "Seed tasks to measure ROUGE-L against (default: the run's own; an imported data set has none), e.g. Self-Instruct's 175.",
        valueName: "file"))
    var seeds: String?

    @Flag(name: .long, help: "Print the summary (paths, counts, seconds) as JSON.")
    var json = false

    func run() async throws {
        do {
            let started = ContinuousClock.now
            var seedTexts: (instructions: [String], source: String)?
            if let seeds {
                let file = SeedLoader.load(try FileIO.readAll(seeds), fileName: seeds)
                try CommandFailure.onErrors(file.errors)
                seedTexts = (file.tasks.map(\.instruction), seeds)
            }
            let chosenSeeds = seedTexts
            let report = try await DatabaseAccess.with(application: "sictl-report") { database in
                let runID = try await RunControl(database: database).resolve(run)
                return try await RunReportBuilder(database: database).report(runID: runID, seeds: chosenSeeds)
            }
            try AtomicFileWriter.makeDirectories(out)
            let html = (out as NSString).appendingPathComponent("report.html")
            let document = (out as NSString).appendingPathComponent("report.json")
            try AtomicFileWriter.write(Array(ReportPage.html(report).utf8), to: html)
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try AtomicFileWriter.write(Array(try encoder.encode(report)) + [UInt8(ascii: "\n")], to: document)
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let pairs = report.sunburst.topPairs.prefix(3).map { "\($0.verb) \($0.noun) \($0.count)" }.joined(separator: ", ")
            if json {
                print("{\"html\": \(JSONWriter.quoted(html)), \"json\": \(JSONWriter.quoted(document)), \"instructions\": \(report.header.instructions), \"seconds\": \(String(format: "%.3f", seconds))}")
            } else {
                print("sictl report: \(report.header.instructions) instructions of run \(report.header.name)\(report.header.live ? " (live: numbers so far)" : "") in \(String(format: "%.2f", seconds)) s; top pairs: \(pairs)")
                print("report: \(html)")
                print("data:   \(document)")
            }
        } catch {
            Console.error("sictl report: \(error)")
            throw ExitCode.failure
        }
    }
}
