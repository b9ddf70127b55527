import Synchronization

/// The handle a `Database.transaction` body uses; every statement runs on the transaction's connection.
///
/// Valid only inside the body: once the transaction has ended, statements fail with kind `closed`.
public final class Transaction: Sendable {
    private let connection: PooledConnection
    private let hasEnded = Mutex(false)

    init(connection: PooledConnection) {
        self.connection = connection
    }

    func end() {
        hasEnded.withLock { $0 = true }
    }

    /// Runs one statement in the transaction and returns its rows.
    @discardableResult
    public func query(_ query: SQLQuery, operation: String? = nil) async throws(StoreError) -> QueryResult {
        try checkOpen(operation: operation ?? PGConnection.verb(of: query.sql))
        return try await connection.run(connectIfNeeded: false) { pg throws(StoreError) in
            try pg.execute(query, operation: operation)
        }
    }

    /// Runs one statement for its effect and returns the number of rows it affected (0 when none is reported).
    @discardableResult
    public func execute(_ statement: SQLQuery, operation: String? = nil) async throws(StoreError) -> Int {
        try await query(statement, operation: operation).affectedRowCount ?? 0
    }

    /// Takes a transaction-scoped advisory lock, waiting while another transaction holds it; released at
    /// COMMIT or ROLLBACK. This is how one admission order per run is kept across filter replicas.
    public func advisoryLock(_ key: AdvisoryLockKey) async throws(StoreError) {
        try await query("SELECT pg_advisory_xact_lock(\(key.value))", operation: "advisory lock")
    }

    /// Takes the lock if it is free and returns true, or returns false at once when another transaction holds it.
    public func tryAdvisoryLock(_ key: AdvisoryLockKey) async throws(StoreError) -> Bool {
        let result = try await query("SELECT pg_try_advisory_xact_lock(\(key.value)) AS locked",
                                     operation: "advisory lock")
        return try result.singleRow().decode("locked", as: Bool.self)
    }

    /// Runs a script of several statements (migrations); only for SQL the program wrote.
    func executeScript(_ sql: String, operation: String) async throws(StoreError) {
        try checkOpen(operation: operation)
        _ = try await connection.run(connectIfNeeded: false) { pg throws(StoreError) in
            try pg.executeScript(sql, operation: operation)
        }
    }

    private func checkOpen(operation: String) throws(StoreError) {
        if hasEnded.withLock({ $0 }) {
            throw StoreError(kind: .closed, operation: operation,
                             message: "the transaction has ended; use the handle only inside its body",
                             classification: .permanent)
        }
    }
}
