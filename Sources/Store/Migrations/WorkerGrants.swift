/// The data rights `sictl migrate` gives the database role the daemons use (least privilege, issue 13).
///
/// The schema owner migrates; the worker role only reads and writes rows: `USAGE` on the schema,
/// `SELECT, INSERT, UPDATE, DELETE` on every table, `SELECT` on the monitoring views and on `schema_migrations`,
/// `USAGE, SELECT` on the sequences. It gets no `CREATE` on the schema and owns nothing, so it cannot create,
/// alter, drop or truncate anything. The grants are made after every migration (in its transaction) and once at
/// the end of every `migrate`, so tables and views a later migration adds or re-creates are covered.
public struct WorkerGrants: Sendable, Hashable, Codable {
    /// The role that received the rights.
    public let role: String
    /// The schema the rights are in (the migrating connection's current schema).
    public let schema: String
    /// Tables with SELECT, INSERT, UPDATE and DELETE, by name.
    public let tables: [String]
    /// Views, and `schema_migrations`, with SELECT only.
    public let readOnly: [String]
    /// Sequences with USAGE and SELECT.
    public let sequences: [String]

    /// One line for operators: what the role got where.
    public var summary: String {
        """
        granted role \(role) in schema \(schema): USAGE on the schema; \(Self.tablePrivileges) on \(tables.count) tables; \
        \(Self.readOnlyPrivileges) only on \(readOnly.count) (the views, schema_migrations); \(Self.sequencePrivileges) on \
        \(sequences.count) sequences
        """
    }

    /// The privileges each kind of relation gets.
    static let tablePrivileges = "SELECT, INSERT, UPDATE, DELETE"
    static let readOnlyPrivileges = "SELECT"
    static let sequencePrivileges = "USAGE, SELECT"
}

extension Database {
    /// Grants `role` the data rights of `WorkerGrants` on every relation of the current schema, under the
    /// migration lock; idempotent. Fails when `role` does not exist or is the role connected (the owner).
    @discardableResult
    public func grantWorkerRights(to role: String) async throws -> WorkerGrants {
        try await transaction { transaction in
            try await Self.lockMigrations(transaction)
            return try await Self.grantWorkerRights(to: role, in: transaction)
        }
    }

    /// The grants of `grantWorkerRights(to:)` inside a transaction that already holds the migration lock.
    static func grantWorkerRights(to role: String, in transaction: Transaction) async throws(StoreError) -> WorkerGrants {
        let operation = "grant worker rights"
        let context = try await transaction.query("""
            SELECT current_user AS connected, current_schema() AS schema,
                   EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(role)) AS role_exists
            """, operation: operation).singleRow()
        let connected = try context.decode("connected", as: String.self)
        guard let schema = try context.decode("schema", as: String?.self) else {
            throw StoreError(kind: .invalidParameter, operation: operation,
                             message: "no schema on the search path to grant rights in", classification: .fatal)
        }
        guard try context.decode("role_exists", as: Bool.self) else {
            throw StoreError(kind: .invalidParameter, operation: operation,
                             message: "the worker role \(SQLQuery.quoteIdentifier(role)) does not exist; create it first (CREATE ROLE … LOGIN)",
                             classification: .fatal)
        }
        guard role != connected else {
            throw StoreError(kind: .invalidParameter, operation: operation,
                             message: """
                                the worker role \(SQLQuery.quoteIdentifier(role)) is the role that migrates (the owner); \
                                the daemons need a role of their own
                                """,
                             classification: .fatal)
        }
        try await transaction.execute("GRANT USAGE ON SCHEMA \(identifier: schema) TO \(identifier: role)", operation: operation)
        let relations = try await transaction.query("""
            SELECT c.relname AS name, c.relkind::text AS kind
            FROM pg_class c
            WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = \(schema))
              AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
            ORDER BY c.relname
            """, operation: operation)
        var tables: [String] = [], readOnly: [String] = [], sequences: [String] = []
        for row in relations.decodableRows {
            let name = try row.decode("name", as: String.self)
            let privileges: String
            switch try row.decode("kind", as: String.self) {
            case "S":
                privileges = WorkerGrants.sequencePrivileges
                sequences.append(name)
            case "v", "m":
                privileges = WorkerGrants.readOnlyPrivileges
                readOnly.append(name)
            default:
                if name == "schema_migrations" {
                    // The worker reads the schema version; only the owner records one.
                    try await transaction.execute("""
                        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON \(identifier: schema).\(identifier: name) FROM \(identifier: role)
                        """, operation: operation)
                    privileges = WorkerGrants.readOnlyPrivileges
                    readOnly.append(name)
                } else {
                    privileges = WorkerGrants.tablePrivileges
                    tables.append(name)
                }
            }
            try await transaction.execute("""
                GRANT \(unsafeRaw: privileges) ON \(identifier: schema).\(identifier: name) TO \(identifier: role)
                """, operation: operation)
        }
        return WorkerGrants(role: role, schema: schema, tables: tables, readOnly: readOnly, sequences: sequences)
    }
}
