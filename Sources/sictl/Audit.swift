import ArgumentParser
import Foundation
import Operations
import SelfInstruct

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
