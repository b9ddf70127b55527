/// One versioned schema change: applied once, in version order, in its own transaction.
public struct Migration: Sendable, Hashable {
    /// Strictly increasing from 1.
    public let version: Int
    /// A short snake_case name, recorded with the version.
    public let name: String
    /// The statements; several `;`-separated statements are fine. Never edited once released.
    public let sql: String

    /// Makes a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Every migration of the schema, in order.
    public static let all: [Migration] = [
        initialSchema,
        instanceGeneration,
        auditIndexes,
        budgetsAndPauses,
        hygiene,
        poisonMessages,
        deliveryCounts,
        teacherBatches,
    ]
}

extension Database {
    /// Applies the pending migrations of `migrations` in version order; a no-op when all are applied.
    ///
    /// Each migration runs in its own transaction that first takes an advisory lock (per schema), creates
    /// `schema_migrations` if needed and re-checks the recorded versions, so several processes may call this
    /// at once: one applies each version, the others wait and then find it done.
    ///
    /// With `workerRole`, that role gets the data rights of `WorkerGrants` in the same transaction as each
    /// migration (so a table never exists without them) and once more at the end, also when nothing was
    /// pending (a new worker role, or views a migration re-created).
    @discardableResult
    public func migrate(_ migrations: [Migration] = Migration.all, grantingTo workerRole: String? = nil) async throws
        -> MigrationReport
    {
        let versions = migrations.map(\.version)
        precondition(versions == versions.sorted() && Set(versions).count == versions.count && versions.allSatisfy { $0 > 0 },
                     "migration versions must be positive and strictly increasing")
        var applied: [MigrationReport.Entry] = []
        var alreadyApplied: [MigrationReport.Entry] = []
        var recorded: Set<Int> = []
        for migration in migrations {
            let didApply = try await transaction { transaction in
                try await Self.lockMigrations(transaction)
                let found = try await transaction.query(
                    "SELECT 1 FROM schema_migrations WHERE version = \(migration.version)", operation: "check migration")
                guard found.rows.isEmpty else { return false }
                try await transaction.executeScript(migration.sql, operation: "migration \(migration.version) \(migration.name)")
                try await transaction.execute("""
                    INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))
                    """, operation: "record migration")
                if let workerRole { _ = try await Self.grantWorkerRights(to: workerRole, in: transaction) }
                return true
            }
            let entry = MigrationReport.Entry(version: migration.version, name: migration.name)
            if didApply { applied.append(entry) } else { alreadyApplied.append(entry) }
            recorded.insert(migration.version)
        }
        let (all, grants) = try await transaction { transaction in
            try await Self.lockMigrations(transaction)
            let all = try await transaction.query("SELECT version FROM schema_migrations ORDER BY version",
                                                  operation: "list migrations")
            var grants: WorkerGrants?
            if let workerRole { grants = try await Self.grantWorkerRights(to: workerRole, in: transaction) }
            return (all, grants)
        }
        let unknown = try all.decodableRows.map { row throws(StoreError) in try row.decode("version", as: Int.self) }
            .filter { !recorded.contains($0) }
        return MigrationReport(applied: applied, alreadyApplied: alreadyApplied, unknownVersions: unknown, grants: grants)
    }

    /// The migration versions recorded in the database, in order (empty before the first `migrate()`).
    public func appliedMigrationVersions() async throws -> [Int] {
        let exists = try await query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        guard try exists.singleRow().decode("present", as: Bool.self) else { return [] }
        return try await query("SELECT version FROM schema_migrations ORDER BY version").decodableRows
            .map { row throws(StoreError) in try row.decode("version", as: Int.self) }
    }

    /// Takes the migration lock of the current schema and makes sure the bookkeeping table exists.
    ///
    /// The two-int lock space keeps it apart from the bigint keys of `AdvisoryLockKey`; keying it on the
    /// schema lets separate schemas (tests) migrate in parallel.
    static func lockMigrations(_ transaction: Transaction) async throws(StoreError) {
        try await transaction.query("SELECT pg_advisory_xact_lock(\(migrationLockClass), hashtext(current_schema()))",
                                    operation: "migration lock")
        try await transaction.executeScript("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, operation: "create schema_migrations")
    }

    /// The first key of the migration lock: "SIMG" in ASCII.
    static let migrationLockClass: Int32 = 0x5349_4D47
}
