import Foundation
import FileOutput
import SelfInstruct
import ArgumentParser
import Operations

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a run's valid instances as training data (JSON Lines or an Alpaca JSON list).",
        discussion: """
            One record per valid instance of an admitted instruction, {"instruction", "input", "output"} in that \
            key order, ordered by admission then instance position. Read in pages, so memory stays small at any \
            size. With --output the data goes to a temporary file beside FILE (.FILE.partial-PID-N), renamed to FILE once complete; without it, to \
            stdout. The count and the destination go to stderr. Reads SI_DATABASE_URL.

            Examples:
              sictl export demo --output demo.jsonl
              sictl export demo --format alpaca-json --output alpaca_data.json
              sictl export 3 | head
            """
    )

    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run"))
    var run: String

    @Option(name: .long, help: ArgumentHelp("The file to write (default: stdout).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("jsonl (default) or alpaca-json.", valueName: "format"))
    var format = ExportFormat.jsonl.rawValue

    @Flag(name: .long, help: "Print the summary (count, path) as JSON on stderr.")
    var json = false

    func validate() throws {
        if ExportFormat(rawValue: format) == nil {
            throw ValidationError("--format must be " + ExportFormat.allCases.map(\.rawValue).joined(separator: " or ") + " (got '\(format)')")
        }
    }

    func run() async throws {
        do {
            let format = ExportFormat(rawValue: format) ?? .jsonl
            // Streamed page by page into a temporary file beside FILE, renamed to FILE once complete.
            let destination = try output.map { path throws(FileOutputError) in try AtomicFileWriter(path: path) }
            var writer = destination.map { OutputBuffer(file: $0) } ?? OutputBuffer(handle: FileHandle.standardOutput)
            var encoder = ExportEncoder(format: format)
            let count: Int
            do {
                count = try await DatabaseAccess.with(application: "sictl-export") { database in
                    let runID = try await RunControl(database: database).resolve(run)
                    try writer.write(encoder.header)
                    let count = try await RunExport(database: database).records(runID: runID) { record in
                        try writer.write(encoder.encode(record))
                    }
                    try writer.write(encoder.footer)
                    try writer.flush()
                    return count
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
