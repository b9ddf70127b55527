import SelfInstruct
import ArgumentParser
import Foundation
import Operations
import Records

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show run progress: per-stage counts, rates, ETA, tokens, cost against estimate and budget, pause reason, rejections.",
        discussion: """
            Without RUN: every run that has not finished (all runs when none is active).
            --watch refreshes every 2 s until interrupted; with --json it writes one JSON document per line.

            A paused run shows why (operator, budget_exhausted, teacher_credentials_rejected, teacher_unreachable) \
            and what to do, and how many messages it parked. A run with a budget shows its cap, what is spent and \
            what in-flight requests reserved. The estimate line compares the expected cost of the whole run (from \
            earlier runs of its recipe, as sictl run estimate RUN) with what it spent so far, and projects the end \
            from the ratio of the two at the run's current progress. A run in batch mode (run create --batch) shows its \
            batches in flight with their age, state and request counts, and how many requests wait for the next batch.

            Examples:
              sictl status 1
              sictl status --watch --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run"))
    var run: String?

    @Flag(name: .long, help: "Refresh every 2 seconds.")
    var watch = false

    func run() async throws {
        do {
            try await DatabaseAccess.with(application: "sictl-status") { database in
                let runID: Int64? = if let run { try await RunControl(database: database).resolve(run) } else { nil }
                let progress = RunProgress(database: database)
                repeat {
                    let reports = try await progress.reports(runID: runID)
                    // Written unbuffered, so a pipe reading --watch output sees each refresh at once.
                    let output = global.json ? try ReportJSON.encode(StatusDocument(at: Date(), runs: reports))
                        : (watch ? "\u{1B}[H\u{1B}[2J" : "") + (reports.isEmpty ? "no runs" : reports.map(Self.text).joined(separator: "\n\n"))
                    FileHandle.standardOutput.write(Data((output + "\n").utf8))
                    if watch { try await Task.sleep(for: .seconds(2)) }
                } while watch
            }
        } catch {
            Console.error("sictl status: \(error)")
            throw ExitCode.failure
        }
    }

    struct StatusDocument: Encodable {
        var at: Date
        var runs: [RunProgressReport]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(at.ISO8601Format(), forKey: .at)
            try container.encode(runs, forKey: .runs)
        }

        enum Keys: String, CodingKey { case at, runs }
    }

    static func bar(_ done: Int, of total: Int, width: Int = 24) -> String {
        let filled = total > 0 ? min(width, done * width / total) : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }

    static func budget(_ b: RunBudgetReport) -> String {
        var parts: [String] = []
        if let cap = b.capUSD {
            parts.append(String(format: "$%.4f spent + $%.4f reserved of $%.2f (%.1f%%)", b.spentUSD, b.reservedUSD, cap,
                                cap > 0 ? 100 * (b.spentUSD + b.reservedUSD) / cap : 100))
        }
        if let cap = b.capTokens {
            parts.append("\(b.spentTokens) tokens spent + \(b.reservedTokens) reserved of \(cap)"
                + String(format: " (%.1f%%)", cap > 0 ? 100 * Double(b.spentTokens + b.reservedTokens) / Double(cap) : 100))
        }
        return parts.joined(separator: "; ")
    }

    static func batches(_ b: RunBatchesReport) -> [String] {
        func stages(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "0" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        var lines = ["  batches     \(b.inFlight.count) in flight, \(b.batchesDone) of \(b.batches) read back; requests answered "
            + stages(b.answered) + "; waiting " + stages(b.waiting) + "; failed " + stages(b.failed)
            + "; sent again \(b.resubmitted)"]
        for batch in b.inFlight {
            lines.append("    batch \(batch.batchID) \(batch.stage) \(batch.requests) requests, \(batch.status)"
                + (batch.remoteID.map { " as \($0)" } ?? "") + (batch.remoteStatus.map { " (\($0))" } ?? "")
                + ", age \(duration(batch.ageSeconds))" + (batch.lastError.map { "; last error: \($0.prefix(120))" } ?? ""))
        }
        return lines
    }

    static func text(_ r: RunProgressReport) -> String {
        var lines = ["run \(r.runID) \(r.name) [\(r.recipe)] \(r.status)  \(String(format: "%.1f", r.pctComplete))%"
            + (r.elapsedSeconds.map { "  elapsed \(duration($0))" } ?? "") + (r.etaSeconds.map { "  eta \(duration($0))" } ?? "")]
        lines.append("  admitted    \(bar(r.admitted, of: r.target)) \(r.admitted)/\(r.target)"
            + (r.admittedPerSecond.map { String(format: "  %.2f/s", $0) } ?? ""))
        lines.append("  candidates  \(r.candidates)  rejected \(r.rejected)")
        if let reason = r.pauseReason {
            lines.append("  paused      \(reason)" + (r.pauseAdvice.map { ": \($0)" } ?? ""))
        }
        if let parked = r.parkedMessages, !parked.isEmpty {
            lines.append("  parked      " + parked.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + " messages (sent again by sictl run resume)")
        }
        if r.recipe == "self-instruct" {
            lines.append("  classified  \(bar(r.classified, of: r.target)) \(r.classified)/\(r.target)")
        }
        lines.append("  instances   \(bar(r.instanceTasksDone, of: r.target)) \(r.instanceTasksDone)/\(r.target) tasks, \(r.instancesValid) valid, \(r.instancesRejected) rejected")
        if let source = r.importedFrom {
            lines.append("  imported    from \(source) (no shards: sictl export \(r.name) writes its data)")
        } else {
            lines.append("  sharded     \(bar(r.recordsSharded, of: max(r.instancesValid, 1))) \(r.recordsSharded)/\(r.instancesValid)")
        }
        if !r.stageItemsLastMinute.isEmpty {
            lines.append("  last minute " + r.stageItemsLastMinute.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("  teacher     \(r.usage.reduce(0) { $0 + $1.calls }) calls, \(r.promptTokens) prompt + \(r.completionTokens) completion tokens, $\(String(format: "%.4f", r.costUSD))")
        for u in r.usage {
            lines.append("    \(u.stage) \(u.model): \(u.calls) calls, \(u.failures) failed" + (u.p50MS.map { String(format: ", p50 %.0f ms", $0) } ?? "") + (u.p95MS.map { String(format: ", p95 %.0f ms", $0) } ?? ""))
        }
        if let budget = r.budget { lines.append("  budget      " + Self.budget(budget)) }
        if let batches = r.batches { lines += Self.batches(batches) }
        if let estimate = r.estimate {
            let basis = estimate.observedRuns.isEmpty ? "defaults" : "runs " + estimate.observedRuns.map(String.init).joined(separator: ",")
            lines.append("  estimate    expected for the target (\(basis)) / so far / projected")
            for line in estimate.stages + [estimate.total] {
                let usd = line.expectedUsd.map { "  $\(String(format: "%.4f", $0.expected)) / $\(String(format: "%.4f", line.actualUsd))"
                    + (line.projectedUsd.map { " / $\(String(format: "%.4f", $0))" } ?? "") } ?? "  $ unknown (no prices)"
                lines.append("    \(line.stage.padding(toLength: 9, withPad: " ", startingAt: 0)) calls \(Int(line.expectedCalls.expected.rounded()))"
                    + " (\(Int(line.expectedCalls.low.rounded()))–\(Int(line.expectedCalls.high.rounded()))) / \(line.actualCalls) / \(Int(line.projectedCalls.rounded()))"
                    + "  tokens \(Int(line.expectedTokens.expected.rounded())) / \(line.actualTokens) / \(Int(line.projectedTokens.rounded()))" + usd)
            }
        } else if let problem = r.estimateError {
            lines.append("  estimate    not available: \(problem)")
        }
        if !r.topRejections.isEmpty {
            lines.append("  rejections")
            for j in r.topRejections {
                lines.append("    \(j.stage) \(j.reason): \(j.count)" + (j.example.map { " e.g. \(String($0.prefix(60)))" } ?? ""))
            }
        }
        if r.unresolvedDeadLetters > 0 { lines.append("  dead letters \(r.unresolvedDeadLetters) unresolved (sictl dlq list)") }
        return lines.joined(separator: "\n")
    }
}
