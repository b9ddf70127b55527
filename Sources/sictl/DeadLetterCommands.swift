import ArgumentParser
import Foundation
import SelfInstruct
import Operations
import Records
import Store

struct DlqGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect and replay dead letters: messages a stage gave up on after its retries.",
        discussion: """
            Examples:
              sictl dlq list demo --stage generate
              sictl dlq replay demo --dry-run
              sictl dlq replay demo
            """,
        subcommands: [DlqList.self, DlqReplay.self]
    )
}

/// Options both dlq verbs take.
struct DeadLetterFilterOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Run id or name (default: every run).", valueName: "run"))
    var run: String?

    @Option(name: .long, help: ArgumentHelp("Only this stage: generate, filter.instructions, classify, instances, filter.instances, shards.", valueName: "stage"))
    var stage: String?

    func validate() throws {
        do {
            try DeadLetters.validate(stage: stage)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func selection(_ database: Database, ids: [Int64] = [], includeReplayed: Bool = false) async throws -> DeadLetterSelection {
        let runID: Int64? = if let run { try await RunControl(database: database).resolve(run) } else { nil }
        return DeadLetterSelection(runID: runID, stage: stage, ids: ids, includeReplayed: includeReplayed)
    }
}

/// The namespace the daemons use, for letters stored without a routing key.
private var amqpNamespace: String {
    ProcessInfo.processInfo.environment[EnvironmentVariable.amqpNamespace].flatMap { $0.isEmpty ? nil : $0 } ?? "si"
}

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

struct DlqReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Put dead messages back into their stage's queue (through the outbox), each at most once.",
        discussion: """
            For each selected letter not replayed yet, one transaction writes an outbox row that re-sends the \
            same message (same message id and routing key, attempt + 1) and marks the letter replayed. The \
            running daemons' outbox relays publish the rows within a second; the command waits up to --wait \
            seconds and reports how many went out. A dead generation token is replayed only while its \
            generation request is still pending. Runs that are completed, cancelled or failed are refused \
            unless --force. Reads SI_DATABASE_URL (and SI_AMQP_NAMESPACE for letters without a routing key).

            Examples:
              sictl dlq replay demo --dry-run
              sictl dlq replay demo --stage generate
              sictl dlq replay demo --id 17 18 --json
            """
    )

    @OptionGroup var filter: DeadLetterFilterOptions

    @Option(name: .customLong("id"), parsing: .upToNextOption, help: ArgumentHelp("Only these dead letter ids (from dlq list); give RUN before them.", valueName: "n"))
    var ids: [Int64] = []

    @Flag(name: .long, help: "Show what would be replayed; change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Replay into a finished (completed, cancelled or failed) run too.")
    var force = false

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the outbox relays to publish the messages (0: do not wait).", valueName: "seconds"))
    var wait = 5.0

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if !(wait >= 0 && wait <= 3600) { throw ValidationError("--wait must be between 0 and 3600 seconds") }
    }

    func run() async throws {
        let report: ReplayReport
        do {
            report = try await DatabaseAccess.with(application: "sictl-dlq") { database in
                let letters = DeadLetters(database: database, namespace: amqpNamespace)
                var report = try await letters.replay(try await filter.selection(database, ids: ids), dryRun: dryRun, force: force)
                if !dryRun && !report.replayed.isEmpty && wait > 0 {
                    report.published = try await letters.waitForPublication(
                        messageIDs: report.replayed.map(\.messageID), timeout: .milliseconds(Int(wait * 1000)))
                }
                return report
            }
        } catch {
            Console.error("sictl dlq replay: \(error)")
            throw ExitCode.failure
        }
        if global.json {
            print(try ReportJSON.encode(report))
            return
        }
        let verb = report.dryRun ? "would replay" : "replayed"
        print("\(verb) \(report.replayed.count) dead letter\(report.replayed.count == 1 ? "" : "s")")
        for item in report.replayed {
            print("  \(item.id) \(item.stage) \(item.messageID) -> \(item.routingKey) (attempt \(item.attempt))")
        }
        if !report.skipped.isEmpty {
            print("skipped \(report.skipped.count)")
            for item in report.skipped { print("  \(item.id) \(item.stage) \(item.messageID): \(item.reason)") }
        }
        if let published = report.published {
            if published == report.replayed.count {
                print("published all \(published) (the workers' outbox relays sent them)")
            } else {
                print("published \(published) of \(report.replayed.count) after \(wait) s; the rest stay in the outbox "
                      + "until a stage daemon (its outbox relay) runs")
            }
        }
    }
}

/// Left-aligned columns separated by two spaces.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
