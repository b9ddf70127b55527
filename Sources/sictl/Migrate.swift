import ArgumentParser
import Foundation
import SelfInstruct
import Store

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the pending database migrations (idempotent; safe to run from several processes at once).",
        discussion: """
            Connects as the schema owner: the URL in SI_MIGRATE_DATABASE_URL, or SI_DATABASE_URL when that is \
            unset. Each migration runs in its own transaction under an advisory lock and is recorded in \
            schema_migrations; running it again applies nothing. With --grant-to (or SI_DATABASE_WORKER_ROLE) the \
            daemons' role then gets the data rights it needs and no more (rows of the tables; reading the views \
            and schema_migrations; no DDL); every run grants again, so tables of later migrations are covered.

            Example:
              SI_MIGRATE_DATABASE_URL=postgresql://si_owner:secret@127.0.0.1:5432/si sictl migrate --grant-to si_worker
            """
    )

    @Flag(name: .long, help: "Print the report as JSON on stdout.")
    var json = false

    @Option(name: .customLong("grant-to"), help: ArgumentHelp(
        "The role the daemons connect as; granted the data rights after migrating (default: SI_DATABASE_WORKER_ROLE, else none).",
        valueName: "role"))
    var grantTo: String?

    static let urlVariable = EnvironmentVariable.databaseURL
    static let ownerURLVariable = EnvironmentVariable.migrateDatabaseURL
    static let roleVariable = EnvironmentVariable.databaseWorkerRole

    /// The variable holding the owner's URL: SI_MIGRATE_DATABASE_URL when set and not empty, else SI_DATABASE_URL.
    static func urlSource(in environment: [String: String]) -> String {
        if let owner = environment[ownerURLVariable], !owner.isEmpty { return ownerURLVariable }
        return urlVariable
    }

    /// The role to grant: `--grant-to`, else SI_DATABASE_WORKER_ROLE, else none (empty counts as unset).
    func workerRole(in environment: [String: String]) -> String? {
        if let grantTo, !grantTo.isEmpty { return grantTo }
        if let role = environment[Self.roleVariable], !role.isEmpty { return role }
        return nil
    }

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
        let variable = Self.urlSource(in: environment)
        guard let url = environment[variable], !url.isEmpty else {
            throw CommandFailure(description: """
                \(Self.urlVariable) is not set (nor \(Self.ownerURLVariable)); expected the schema owner's PostgreSQL \
                URL such as postgresql://user:password@host:5432/database
                """)
        }
        let database: Database
        do {
            database = try Database(configuration: Database.Configuration(
                url: url, poolSize: 1, applicationName: "sictl-migrate", reconnectAttempts: 2))
        } catch {
            // StoreError descriptions carry the redacted URL only.
            throw CommandFailure(description: "\(variable): \(error)")
        }
        do {
            let report = try await database.migrate(grantingTo: workerRole(in: environment))
            await database.close()
            return report
        } catch {
            await database.close()
            var hint = ""
            // 42501 on a schema the role may not create in; 3F000 when it may not even use it.
            if let storeError = error as? StoreError, storeError.kind == .accessDenied || storeError.sqlState == "3F000" {
                hint = "; migrations need the schema owner: set \(Self.ownerURLVariable) to the owner's URL"
            }
            throw CommandFailure(description: "migrating \(database.redactedURL) failed: \(error)\(hint)")
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
        if let grants = report.grants { lines.append(grants.summary) }
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
            let grants: WorkerGrants?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let document = Document(applied: report.applied, alreadyApplied: report.alreadyApplied,
                                unknownVersions: report.unknownVersions, currentVersion: report.currentVersion,
                                grants: report.grants)
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}
