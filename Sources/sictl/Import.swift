import ArgumentParser
import Foundation
import Operations
import SelfInstruct

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring an existing instruction data set into the database as a completed run.",
        discussion: """
            Reads FILE whole (format detected from the content, or --format):
              alpaca-json    one JSON list [{"instruction", "input", "output"}, ...], like alpaca_data.json
              jsonl          one {"instruction", "input", "output"} object per line
              self-instruct  one {"instruction", "instances": [{"input", "output"}, ...]} object per line
            Unknown keys are ignored, a missing input is "", blank lines are skipped. Any malformed record fails \
            the import with file:line (and column) and nothing is written.

            Every record then goes through hygiene (unless --no-hygiene), which removes some records (empty or \
            "N/A" outputs, merged items, references to unseen images or links, image generation) and normalises \
            others (a "<noinput>" input, control characters). Records that share an instruction become one \
            instruction with several instances. The distinct instructions go through the pipeline's novelty \
            filter in file order: an instruction whose ROUGE-L F against an earlier admitted one is above 0.7 is \
            rejected (rouge_too_similar, with its nearest match and score); one whose records hygiene removed \
            all is rejected as hygiene_removed_all.

            Everything is written in one transaction: a completed run (its provenance in runs.config: path, \
            sha256, format), every instruction with its decision, and every record as an instance, valid or \
            rejected with its reason (hygiene_*, duplicate, instruction_rejected), as the si_rejections view \
            shows. sictl status, audit and export then work on it as on a generated run; it has no shards.

            Importing the same file (same SHA-256) under the same name again reports the existing run and \
            writes nothing; another file under a taken name is an error. Names: 1-64 characters of \
            A-Z a-z 0-9 . _ -, starting with a letter or digit. Reads SI_DATABASE_URL.

            Examples:
              sictl import alpaca_data.json --name alpaca52k
              sictl import machine_generated_instances.jsonl --name si82k --recipe self-instruct --json
              sictl import data.jsonl --name raw --no-hygiene && sictl export raw --output raw.jsonl
            """
    )

    @Argument(help: ArgumentHelp("The data set to import.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("The new run's name.", valueName: "name"))
    var name: String

    @Option(name: .long, help: ArgumentHelp("The recipe the data set follows: alpaca or self-instruct.", valueName: "recipe"))
    var recipe = Recipe.alpaca.rawValue

    @Option(name: .long, help: ArgumentHelp("alpaca-json, jsonl or self-instruct (default: detected from the content).", valueName: "format"))
    var format: String?

    @Option(name: .long, help: ArgumentHelp("The data set's language for the novelty filter's tokens: \(RunLanguage.names) (default en).", valueName: "language"))
    var language: RunLanguage = .en

    @Flag(name: .long, help: "Store every record as read: no hygiene removals or normalisations.")
    var noHygiene = false

    @Flag(name: .long, help: "Print the summary as JSON on stdout.")
    var json = false

    func validate() throws {
        if let problem = RunName.problem(name) { throw ValidationError("--name: '\(name)' \(problem)") }
        if Recipe(rawValue: recipe) == nil {
            throw ValidationError("--recipe must be self-instruct or alpaca (got '\(recipe)')")
        }
        if let format, ImportFormat(rawValue: format) == nil {
            throw ValidationError("--format must be " + ImportFormat.allCases.map(\.rawValue).joined(separator: ", ") + " (got '\(format)')")
        }
    }

    func run() async throws {
        do {
            try await importFile()
        } catch {
            Console.error("sictl import: \(error)")
            throw ExitCode.failure
        }
    }

    private func importFile() async throws {
        let started = monotonicSeconds()
        let bytes = try FileIO.readAll(file)
        let sha256 = SHA256.hexDigest(ofBytes: bytes)
        try await DatabaseAccess.with(application: "sictl-import") { database in
            let importer = RunImport(database: database)
            switch try await importer.existing(name: name, sha256: sha256) {
            case .sameFile(let runID, let provenance):
                // The same file decided another way is not the run asked for.
                let askedFormat = format.flatMap(ImportFormat.init(rawValue:))
                guard provenance.hygiene == !noHygiene, provenance.language == language, askedFormat == nil || askedFormat == provenance.format else {
                    throw RunImportError.differentOptions(name: name, runID: runID, provenance: provenance)
                }
                return report(existing: runID, provenance: provenance)
            case .otherRun(let runID, let provenance):
                throw RunImportError.nameTaken(name: name, runID: runID, provenance: provenance)
            case .none:
                break
            }

            let parsed = ImportReader.read(bytes, fileName: file, format: format.flatMap(ImportFormat.init(rawValue:)))
            try CommandFailure.onErrors(parsed.errors, suffix: "; nothing written")
            if parsed.records.count > NoveltyIndex.capacity {
                throw CommandFailure(description: "\(file): \(parsed.records.count) records are more than the novelty pool holds "
                                     + "(\(NoveltyIndex.capacity) instructions); split the file; nothing written")
            }
            let readSeconds = monotonicSeconds() - started
            if readSeconds >= 2 { Console.error("sictl import: read \(parsed.records.count) records (\(parsed.format.rawValue)) in \(seconds(readSeconds))") }

            var lastReport = monotonicSeconds()
            let plan = ImportPlan.make(parsed.records, fileName: file, hygiene: !noHygiene, language: language) { step in
                let (done, total, what) = switch step {
                case .records(let done, let total): (done, total, noHygiene ? "records grouped" : "records through hygiene")
                case .instructions(let done, let total): (done, total, "instructions through the novelty filter")
                }
                guard done < total, monotonicSeconds() - lastReport >= 2 else { return }
                lastReport = monotonicSeconds()
                Console.error("sictl import: \(done)/\(total) \(what), \(seconds(lastReport - started))")
            }
            try CommandFailure.onErrors(plan.problems, suffix: "; nothing written")
            let decided = monotonicSeconds()

            // The absolute path: runs.config should say where the data came from whatever the caller's directory.
            let provenance = ImportProvenance(path: URL(fileURLWithPath: file).standardizedFileURL.path, sha256: sha256, format: parsed.format, hygiene: !noHygiene, records: plan.records, language: language)
            let result = try await importer.write(plan, name: name, recipe: Recipe(rawValue: recipe) ?? .alpaca, provenance: provenance)
            guard result.written else { return report(existing: result.runID, provenance: provenance) }
            let finished = monotonicSeconds()
            let timing = Summary.Seconds(read: readSeconds, decide: decided - started - readSeconds, write: finished - decided, total: finished - started)
            try report(Summary(runID: result.runID, plan: plan, provenance: provenance, name: name, recipe: recipe, seconds: timing))
        }
    }

    private func report(existing runID: Int64, provenance: ImportProvenance) {
        if json {
            print("{\"run_id\": \(runID), \"name\": \(JSONWriter.quoted(name)), \"written\": false, \"file\": \(JSONWriter.quoted(file)), \"sha256\": \"\(provenance.sha256)\"}")
        } else {
            print("run \(runID) '\(name)' already holds this file (sha256 \(provenance.sha256), imported from \(provenance.path)); nothing written")
        }
    }

    private func report(_ summary: Summary) throws {
        if json {
            print(try ReportJSON.encode(summary))
            return
        }
        var lines = ["imported \(file) (\(summary.format), \(summary.records) records, sha256 \(summary.sha256)) as run \(summary.runId) '\(name)' [\(recipe)]"]
        if noHygiene {
            lines.append("hygiene: off (--no-hygiene)")
        } else {
            let removed = summary.hygiene.filter(\.removes).reduce(0) { $0 + $1.count }
            let fixed = summary.hygiene.filter { !$0.removes }.reduce(0) { $0 + $1.count }
            lines.append("hygiene: \(removed) record\(removed == 1 ? "" : "s") removed, \(fixed) normalisation\(fixed == 1 ? "" : "s")")
            for tally in summary.hygiene {
                lines.append("  \(tally.reason.padding(toLength: 28, withPad: " ", startingAt: 0)) \(tally.count) \(tally.removes ? "removed" : "normalised")")
                for example in tally.examples {
                    lines.append("    line \(example.line): \(Self.excerpt(example.instruction)) -> input \(Self.excerpt(example.input)), output \(Self.excerpt(example.output))")
                }
            }
        }
        let i = summary.instructions, n = summary.instances
        lines.append("instructions: \(i.distinct) distinct, \(i.admitted) admitted, \(i.rejected.values.reduce(0, +)) rejected"
            + Self.breakdown(i.rejected))
        lines.append("instances: \(n.valid) valid, \(n.rejected.values.reduce(0, +)) rejected" + Self.breakdown(n.rejected))
        let s = summary.seconds
        lines.append("time: \(seconds(s.total)) (read \(seconds(s.read)), hygiene and novelty filter \(seconds(s.decide)), write \(seconds(s.write)))")
        lines.append("next: sictl audit \(name); sictl export \(name) --output \(name).jsonl")
        print(lines.joined(separator: "\n"))
    }

    private static func breakdown(_ counts: [String: Int]) -> String {
        counts.isEmpty ? "" : " (" + counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
    }

    private static func excerpt(_ text: String) -> String {
        JSONWriter.quoted(text.count > 60 ? String(text.prefix(57)) + "..." : text)
    }

    private func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }


    /// The machine-readable summary (`--json`).
    struct Summary: Encodable {
        var runId: Int64
        var name: String
        var recipe: String
        var written = true
        var file: String
        var format: String
        var sha256: String
        var records: Int
        var hygieneEnabled: Bool
        var hygiene: [Reason]
        var instructions: Instructions
        var instances: Instances
        var seconds: Seconds

        struct Reason: Encodable {
            var reason: String
            var removes: Bool
            var count: Int
            var examples: [Example]
        }

        struct Example: Encodable {
            var line: Int
            var instruction: String
            var input: String
            var output: String
        }

        struct Instructions: Encodable {
            var distinct: Int
            var admitted: Int
            var rejected: [String: Int]
        }

        struct Instances: Encodable {
            var valid: Int
            var rejected: [String: Int]
        }

        struct Seconds: Encodable {
            var read: Double
            var decide: Double
            var write: Double
            var total: Double
        }

        init(runID: Int64, plan: ImportPlan, provenance: ImportProvenance, name: String, recipe: String, seconds: Seconds) {
            runId = runID
            self.name = name
            self.recipe = recipe
            file = provenance.path
            format = provenance.format.rawValue
            sha256 = provenance.sha256
            records = plan.records
            hygieneEnabled = provenance.hygiene
            hygiene = plan.hygiene.map { tally in
                Reason(reason: tally.reason.rawValue, removes: tally.reason.removes, count: tally.count,
                       examples: tally.examples.map { Example(line: $0.line, instruction: $0.instruction, input: $0.input, output: $0.output) })
            }
            instructions = Instructions(
                distinct: plan.instructions.count, admitted: plan.admitted,
                rejected: Dictionary(uniqueKeysWithValues: plan.rejected.map { ($0.key.rawValue, $0.value) }))
            instances = Instances(valid: plan.validInstances, rejected: plan.rejectedInstances)
            self.seconds = seconds
        }
    }
}
