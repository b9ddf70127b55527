import Records
import ArgumentParser
import Operations

struct DlqList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List dead letters, newest first (by default those not replayed yet).",
        discussion: """
            One line per letter: id, run, stage, message id, attempts, error kind, when it died and the last error \
            (shortened to one line; --json has the full text). Reads SI_DATABASE_URL.

            Examples:
              sictl dlq list
              sictl dlq list demo --stage filter.instructions --all --json
            """
    )

    @OptionGroup var filter: DeadLetterFilterOptions

    @Flag(name: .long, help: "Include letters already replayed.")
    var all = false

    @Option(name: .long, help: ArgumentHelp("Show at most this many (the total is always reported).", valueName: "n"))
    var limit = 200

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    func run() async throws {
        let listing: DeadLetterListing
        do {
            listing = try await DatabaseAccess.with(application: "sictl-dlq") { database in
                try await DeadLetters(database: database, namespace: amqpNamespace)
                    .list(try await filter.selection(database, includeReplayed: all), limit: limit)
            }
        } catch {
            Console.error("sictl dlq list: \(error)")
            throw ExitCode.failure
        }
        if global.json {
            print(try ReportJSON.encode(listing))
            return
        }
        guard !listing.deadLetters.isEmpty else {
            print(all ? "no dead letters" : "no dead letters waiting for a replay")
            return
        }
        let header = ["ID", "RUN", "STAGE", "MESSAGE", "ATTEMPTS", "ERROR KIND", "DEAD AT", all ? "REPLAYED AT" : nil, "LAST ERROR"]
            .compactMap { $0 }
        let rows = listing.deadLetters.map { letter in
            [String(letter.id), letter.runName.map { "\($0) (\(letter.runID ?? 0))" } ?? letter.runID.map(String.init) ?? "-",
             letter.stage, letter.messageID, String(letter.attempts), letter.errorKind ?? "-", letter.deadAt,
             all ? letter.replayedAt ?? "-" : nil, Self.shortened(letter.lastError)].compactMap { $0 }
        }
        print(Table.render(header: header, rows: rows))
        let shown = listing.deadLetters.count
        print(shown < listing.total ? "\(shown) of \(listing.total) dead letters shown (--limit)" : "\(shown) dead letter\(shown == 1 ? "" : "s")")
    }

    /// The first line of an error, at most 80 characters.
    static func shortened(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }
}
