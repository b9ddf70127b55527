import Foundation
import FileOutput
import SelfInstruct
import ArgumentParser
import Operations
import Records

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a run's valid instances as training data in one of five formats.",
        discussion: """
            One record per valid instance of an admitted instruction, ordered by admission then instance \
            position, in one file of the chosen format:
              jsonl          {"instruction", "input", "output"} per line (HF datasets, Axolotl alpaca)
              alpaca-json    one JSON list of those objects (Stanford Alpaca's alpaca_data.json)
              self-instruct  {"prompt", "completion"} per line with the Self-Instruct reference's templates and \
            <|endoftext|>; a repeated pair is written once
              openai-chat    {"messages": [system?, user, assistant]} per line (OpenAI fine-tuning)
              sharegpt       {"conversations": [human, gpt], "system"?} per line (LLaMA-Factory, ShareGPT)
            The chat formats' user turn is the instruction, then a blank line and the input when there is one. \
            The system prompt is --system-prompt, else the run's system_prompt, else none. The same run exports \
            the same bytes every time. Read in pages, so memory stays small at any size. With --output the data \
            goes to a temporary file beside FILE (.FILE.partial-PID-N), renamed to FILE once complete; without \
            it, to stdout. The count and the destination go to stderr. Reads SI_DATABASE_URL. The shards a run \
            writes when it completes hold the run's formats split into train and validation, with a manifest \
            and LLaMA-Factory's dataset_info.json.

            Examples:
              sictl export demo --output demo.jsonl
              sictl export demo --format alpaca-json --output alpaca_data.json
              sictl export demo --format openai-chat --system-prompt "You are a helpful assistant." --output chat.jsonl
              sictl export 3 | head
            """
    )

    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run"))
    var run: String

    @Option(name: .long, help: ArgumentHelp("The file to write (default: stdout).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp(
        "jsonl (default), alpaca-json, self-instruct, openai-chat or sharegpt.", valueName: "format"))
    var format = TrainingFormat.jsonl.rawValue

    @Option(name: .long, help: ArgumentHelp(
        "The system turn of openai-chat and sharegpt (default: the run's system_prompt, if any).", valueName: "text"))
    var systemPrompt: String?

    @Flag(name: .long, help: "Print the summary (count, path) as JSON on stderr.")
    var json = false

    func validate() throws {
        if TrainingFormat(rawValue: format) == nil {
            throw ValidationError("--format must be " + TrainingFormat.allCases.map(\.rawValue).joined(separator: ", ") + " (got '\(format)')")
        }
    }

    func run() async throws {
        do {
            let format = TrainingFormat(rawValue: format) ?? .jsonl
            // Streamed page by page into a temporary file beside FILE, renamed to FILE once complete.
            let destination = try output.map { path throws(FileOutputError) in try AtomicFileWriter(path: path) }
            var writer = destination.map { OutputBuffer(file: $0) } ?? OutputBuffer(handle: FileHandle.standardOutput)
            let count: Int
            do {
                count = try await DatabaseAccess.with(application: "sictl-export") { database in
                    let runID = try await RunControl(database: database).resolve(run)
                    let facts = try await RunCatalog(database: database).facts(run: runID)
                    var encoder = TrainingFileEncoder(
                        format: format, systemPrompt: systemPrompt ?? facts.config.systemPrompt, seed: facts.seed)
                    try writer.write(encoder.beginFile())
                    _ = try await RunExport(database: database).records(runID: runID) { record in
                        try writer.write(encoder.encode(record))
                    }
                    try writer.write(encoder.footer)
                    try writer.flush()
                    // Written records: self-instruct writes a repeated prompt/completion pair once.
                    return encoder.records
                }
                try destination?.commit()
            } catch {
                destination?.abandon()
                throw error
            }
            let path = output ?? "stdout"
            Console.error(json
                ? "{\"count\": \(count), \"format\": \"\(format.rawValue)\", \"path\": \(JSONWriter.quoted(path))}"
                : "sictl export: \(count) record\(count == 1 ? "" : "s") written to \(path) (\(format.rawValue))")
        } catch {
            Console.error("sictl export: \(error)")
            throw ExitCode.failure
        }
    }
}
