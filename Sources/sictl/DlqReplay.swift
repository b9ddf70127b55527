import Operations
import ArgumentParser

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
