import Operations
import Foundation
import ArgumentParser

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that the database, the broker and the teacher are reachable and ready; exit 1 if not.",
        discussion: """
            Checks, each ok or FAIL with a reason and a fix: the database (SI_DATABASE_URL) answers and its schema \
            is at this release's migration version; the broker (SI_AMQP_URL) accepts the login and every stage \
            queue and dead queue of SI_AMQP_NAMESPACE (default si) exists (looked at, never created); the teacher \
            (SI_TEACHER_URL, key from SI_TEACHER_API_KEY or SI_TEACHER_API_KEY_FILE) answers GET /v1/models and \
            lists SI_TEACHER_MODEL. Passwords are masked and the API key is never printed.

            Examples:
              sictl doctor
              sictl doctor --json | jq '.checks[] | select(.ok | not)'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Seconds allowed for each network step.", valueName: "seconds"))
    var timeout = 10

    func validate() throws {
        if !(1...600).contains(timeout) { throw ValidationError("--timeout must be between 1 and 600 seconds") }
    }

    func run() async throws {
        let report = await Operations.Doctor(environment: ProcessInfo.processInfo.environment, timeout: .seconds(timeout)).run()
        if global.json {
            print(try ReportJSON.encode(report))
        } else {
            let width = report.checks.map(\.name.count).max() ?? 0
            for check in report.checks {
                print("\(check.ok ? "ok  " : "FAIL") \(check.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(check.detail)")
                if let fix = check.fix { print("     \(String(repeating: " ", count: width))  fix: \(fix)") }
            }
            let failed = report.checks.filter { !$0.ok }.count
            print(failed == 0 ? "all \(report.checks.count) checks passed" : "\(failed) of \(report.checks.count) checks failed")
        }
        if !report.ok { throw ExitCode.failure }
    }
}
