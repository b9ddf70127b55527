import SelfInstruct

/// Whether the schema is ready for a program that only reads and writes rows (a stage daemon), as the role it
/// connects as: migrated to every version the program knows, with data rights on every table.
///
/// The daemons never migrate (they run as the worker role, which may not); they check this at start and refuse to
/// run against a schema that is missing, older than they are, or not granted to their role.
public struct SchemaCheck: Sendable, Hashable {
    /// The role connected.
    public let role: String
    /// The first schema of the search path the role may use, nil when there is none.
    public let schema: String?
    /// Versions recorded in `schema_migrations` (empty when the table is absent or not readable).
    public let applied: [Int]
    /// Versions this program knows that are not applied.
    public let pending: [Int]
    /// Tables of the schema on which the role lacks one of SELECT, INSERT, UPDATE or DELETE.
    public let tablesWithoutRights: [String]

    /// What is wrong, in operator words with the fix; nil when the schema is ready.
    public var problem: String? {
        let fix = """
            run `sictl migrate` as the schema owner (\(EnvironmentVariable.migrateDatabaseURL)) with \
            \(EnvironmentVariable.databaseWorkerRole)=\(role)
            """
        guard let schema else {
            return "schema not migrated: role \(role) has no usable schema on its search path; \(fix)"
        }
        if applied.isEmpty {
            return "schema not migrated: schema \(schema) has no schema_migrations that role \(role) can read; \(fix)"
        }
        if !pending.isEmpty {
            return """
                schema not migrated: schema \(schema) is at version \(applied.max() ?? 0), this program needs \
                \(pending.map { "v\($0)" }.joined(separator: ", ")) too; \(fix)
                """
        }
        if !tablesWithoutRights.isEmpty {
            return """
                role \(role) lacks SELECT, INSERT, UPDATE or DELETE on \(tablesWithoutRights.joined(separator: ", ")) \
                in schema \(schema); \(fix)
                """
        }
        return nil
    }
}

extension Database {
    /// Checks the schema against `migrations` and the connected role's rights (see `SchemaCheck`); needs no
    /// privilege beyond what the worker role has.
    public func checkSchema(_ migrations: [Migration] = Migration.all) async throws -> SchemaCheck {
        let context = try await query("""
            SELECT current_user AS role, current_schema() AS schema,
                   to_regclass('schema_migrations') IS NOT NULL
                       AND has_table_privilege(to_regclass('schema_migrations'), 'SELECT') AS readable
            """, operation: "check schema").singleRow()
        let role = try context.decode("role", as: String.self)
        let schema = try context.decode("schema", as: String?.self)
        var applied: [Int] = []
        if try context.decode("readable", as: Bool?.self) == true {
            applied = try await query("SELECT version FROM schema_migrations ORDER BY version", operation: "check schema")
                .decodableRows.map { row throws(StoreError) in try row.decode("version", as: Int.self) }
        }
        let missing = try await query("""
            SELECT c.relname AS name
            FROM pg_class c
            WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
              AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
              AND NOT (has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT')
                       AND has_table_privilege(c.oid, 'UPDATE') AND has_table_privilege(c.oid, 'DELETE'))
            ORDER BY c.relname
            """, operation: "check schema").decodableRows.map { row throws(StoreError) in try row.decode("name", as: String.self) }
        let pending = migrations.map(\.version).filter { !applied.contains($0) }
        return SchemaCheck(role: role, schema: schema, applied: applied, pending: pending, tablesWithoutRights: missing)
    }
}
