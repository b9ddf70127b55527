import ArgumentParser
import Foundation
import SelfInstruct
import Store

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the pending database migrations (idempotent; safe to run from several processes at once).",
        discussion: """
            Reads the PostgreSQL URL from SI_DATABASE_URL. Each migration runs in its own transaction under an \
            advisory lock and is recorded in schema_migrations; running it again applies nothing.

            Example:
              SI_DATABASE_URL=postgresql://si:secret@127.0.0.1:5432/si sictl migrate --json
            """
    )

    @Flag(name: .long, help: "Print the report as JSON on stdout.")
    var json = false

    static let urlVariable = EnvironmentVariable.databaseURL

    func run() async throws {
        do {
            let report = try await migrate(environment: ProcessInfo.processInfo.environment)
            print(json ? try Self.jsonReport(report) : Self.textReport(report))
        } catch let failure as CommandFailure {
            Console.error("sictl migrate: \(failure)")
            throw ExitCode.failure
        }
    }

    private func migrate(environment: [String: String]) async throws(CommandFailure) -> MigrationReport {
        guard let url = environment[Self.urlVariable], !url.isEmpty else {
            throw CommandFailure(description: """
                \(Self.urlVariable) is not set; expected a PostgreSQL URL such as \
                postgresql://user:password@host:5432/database
                """)
        }
        let database: Database
        do {
            database = try Database(configuration: Database.Configuration(
                url: url, poolSize: 1, applicationName: "sictl-migrate", reconnectAttempts: 2))
        } catch {
            // StoreError descriptions carry the redacted URL only.
            throw CommandFailure(description: "\(Self.urlVariable): \(error)")
        }
        do {
            let report = try await database.migrate()
            await database.close()
            return report
        } catch {
            await database.close()
            throw CommandFailure(description: "migrating \(database.redactedURL) failed: \(error)")
        }
    }

    static func textReport(_ report: MigrationReport) -> String {
        var lines: [String] = []
        if report.applied.isEmpty {
            lines.append("nothing to apply: schema version \(report.currentVersion)")
        } else {
            let noun = report.applied.count == 1 ? "migration" : "migrations"
            lines.append("applied \(report.applied.count) \(noun), schema version \(report.currentVersion):")
            lines += report.applied.map { "  v\($0.version) \($0.name)" }
        }
        if !report.unknownVersions.isEmpty {
            let versions = report.unknownVersions.map { "v\($0)" }.joined(separator: ", ")
            lines.append("note: the database also has \(versions), unknown to this sictl (a newer version migrated it)")
        }
        return lines.joined(separator: "\n")
    }

    /// The report with stable snake_case keys, sorted.
    static func jsonReport(_ report: MigrationReport) throws -> String {
        struct Document: Encodable {
            let applied: [MigrationReport.Entry]
            let alreadyApplied: [MigrationReport.Entry]
            let unknownVersions: [Int]
            let currentVersion: Int
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let document = Document(applied: report.applied, alreadyApplied: report.alreadyApplied,
                                unknownVersions: report.unknownVersions, currentVersion: report.currentVersion)
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}
