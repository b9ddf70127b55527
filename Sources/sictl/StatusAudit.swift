import SelfInstruct
import ArgumentParser
import Foundation
import Operations
import Records

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show run progress: per-stage counts, rates, ETA, tokens, cost and the top rejection reasons.",
        discussion: """
            Without RUN: every run that has not finished (all runs when none is active).
            --watch refreshes every 2 s until interrupted; with --json it writes one JSON document per line.

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

    static func text(_ r: RunProgressReport) -> String {
        var lines = ["run \(r.runID) \(r.name) [\(r.recipe)] \(r.status)  \(String(format: "%.1f", r.pctComplete))%"
            + (r.elapsedSeconds.map { "  elapsed \(duration($0))" } ?? "") + (r.etaSeconds.map { "  eta \(duration($0))" } ?? "")]
        lines.append("  admitted    \(bar(r.admitted, of: r.target)) \(r.admitted)/\(r.target)"
            + (r.admittedPerSecond.map { String(format: "  %.2f/s", $0) } ?? ""))
        lines.append("  candidates  \(r.candidates)  rejected \(r.rejected)")
        if r.recipe == "self-instruct" {
            lines.append("  classified  \(bar(r.classified, of: r.target)) \(r.classified)/\(r.target)")
        }
        lines.append("  instances   \(bar(r.instanceTasksDone, of: r.target)) \(r.instanceTasksDone)/\(r.target) tasks, \(r.instancesValid) valid, \(r.instancesRejected) rejected")
        lines.append("  sharded     \(bar(r.recordsSharded, of: max(r.instancesValid, 1))) \(r.recordsSharded)/\(r.instancesValid)")
        if !r.stageItemsLastMinute.isEmpty {
            lines.append("  last minute " + r.stageItemsLastMinute.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("  teacher     \(r.usage.reduce(0) { $0 + $1.calls }) calls, \(r.promptTokens) prompt + \(r.completionTokens) completion tokens, $\(String(format: "%.4f", r.costUSD))")
        for u in r.usage {
            lines.append("    \(u.stage) \(u.model): \(u.calls) calls, \(u.failures) failed" + (u.p50MS.map { String(format: ", p50 %.0f ms", $0) } ?? "") + (u.p95MS.map { String(format: ", p95 %.0f ms", $0) } ?? ""))
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

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a run against the invariants of the pipeline; exit 1 on any violation.",
        discussion: """
            One line per check, PASS or FAIL with counts and up to 5 examples: admitted = target, unique admitted \
            texts, contiguous admission_seq, ROUGE-L novelty of every admitted pair, the greedy filter replayed over \
            the recorded decisions, classification and instance outcomes, shards, teacher usage totals, dead letters.

            Example:
              sictl audit 1 --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run"))
    var run: String

    @Option(name: .long, help: ArgumentHelp("The reject reason the admission filter records for a too-similar candidate.", valueName: "reason"))
    var noveltyReason = AdmissionRejection.tooSimilar.rawValue

    @Option(name: .long, help: ArgumentHelp("Directory of relative shard paths, to check shard files against their manifest rows (default: SI_SHARDS_DIR; without either the file check is skipped).", valueName: "dir"))
    var shardsDir: String?

    func validate() throws {
        guard AdmissionRejection(rawValue: noveltyReason) != nil else {
            throw ValidationError("--novelty-reason must be one of "
                + AdmissionRejection.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() async throws {
        let report: AuditReport
        let noveltyReason = AdmissionRejection(rawValue: noveltyReason) ?? .tooSimilar
        do {
            report = try await DatabaseAccess.with(application: "sictl-audit") { database in
                let runID = try await RunControl(database: database).resolve(run)
                return try await RunAudit(database: database, noveltyRejectReason: noveltyReason,
                                      shardsDirectory: shardsDir ?? ProcessInfo.processInfo.environment[EnvironmentVariable.shardsDirectory]).audit(runID: runID)
            }
        } catch {
            Console.error("sictl audit: \(error)")
            throw ExitCode.failure
        }
        if global.json {
            print(try ReportJSON.encode(report))
        } else {
            print("audit of run \(report.runID) (\(report.name), \(report.recipe), \(report.status))")
            for check in report.checks {
                print("\(check.passed ? "PASS" : "FAIL") \(check.name): \(check.detail) (checked \(check.checked), violations \(check.violations))")
                for example in check.examples { print("     - \(example)") }
            }
            print(report.passed ? "all \(report.checks.count) checks passed" : "\(report.checks.filter { !$0.passed }.count) of \(report.checks.count) checks failed")
        }
        if !report.passed { throw ExitCode.failure }
    }
}
