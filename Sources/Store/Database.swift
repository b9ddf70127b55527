public import Logging
public import SelfInstruct
import Synchronization

/// An async, Sendable front to a small fixed pool of PostgreSQL connections.
///
/// Each connection lives on its own serial queue (libpq blocks), so callers never block the cooperative pool.
/// Plain statements and transactions reconnect with backoff when the connection is lost; transactions are
/// re-run as a whole on serialization failures and deadlocks. Call `close()` when done.
public final class Database: Sendable {
    /// How to reach the server and how hard to retry.
    public struct Configuration: Sendable {
        /// A `postgresql://` URL or libpq key=value string; it may carry a password, so it is never logged.
        public var url: String
        /// How many connections the pool holds (all opened lazily).
        public var poolSize: Int
        /// Reported to the server as `application_name` unless the URL sets one.
        public var applicationName: String
        /// Schemas set as `search_path` on every connection (nil keeps the server's default).
        public var searchPath: [String]?
        /// False sets `synchronous_commit = off` in this pool's transactions: commits return before their WAL is
        /// flushed, so a PostgreSQL crash can lose the last fraction of a second of them (never corrupt anything).
        /// Only for writes that are records, not data (teacher-call accounting). `SET LOCAL`, never for the session:
        /// behind PgBouncer in transaction mode a session setting would stay on a server connection that other
        /// clients' transactions use next. Statements outside a transaction commit synchronously.
        public var synchronousCommit: Bool = true
        /// How many times a transaction runs at most when it meets 40001/40P01 or a lost connection.
        public var maxTransactionAttempts: Int
        /// How many new connections a statement or transaction tries after the connection was lost.
        public var reconnectAttempts: Int
        /// Delays between reconnect attempts.
        public var reconnectBackoff: Backoff
        /// Delays before re-running a transaction after a serialization failure or deadlock.
        public var conflictBackoff: Backoff

        /// A configuration with the defaults: 4 connections, 5 transaction attempts, 5 reconnects.
        public init(
            url: String,
            poolSize: Int = 4,
            applicationName: String = "self-instruct",
            searchPath: [String]? = nil,
            maxTransactionAttempts: Int = 5,
            reconnectAttempts: Int = 5,
            reconnectBackoff: Backoff = Backoff(base: .milliseconds(50), cap: .seconds(2)),
            conflictBackoff: Backoff = Backoff(base: .milliseconds(5), cap: .milliseconds(200))
        ) {
            self.url = url
            self.poolSize = poolSize
            self.applicationName = applicationName
            self.searchPath = searchPath
            self.maxTransactionAttempts = maxTransactionAttempts
            self.reconnectAttempts = reconnectAttempts
            self.reconnectBackoff = reconnectBackoff
            self.conflictBackoff = conflictBackoff
        }
    }

    /// Transaction isolation levels.
    public enum IsolationLevel: String, Sendable, CaseIterable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    let configuration: Configuration
    /// The URL with its password masked, for messages.
    public let redactedURL: String
    private let pool: ConnectionPool
    private let logger: Logger
    /// Sent with every BEGIN, in the same round trip: the settings that hold for one transaction only.
    private let transactionSetup: String

    /// Makes the pool without connecting; a malformed URL fails here, an unreachable server on first use.
    public init(configuration: Configuration, logger: Logger = Logger(label: "si.store", factory: { _ in SwiftLogNoOpLogHandler() }))
        throws(StoreError)
    {
        precondition(configuration.poolSize > 0, "the pool needs at least one connection")
        precondition(configuration.maxTransactionAttempts > 0, "a transaction runs at least once")
        redactedURL = PGConnection.redactedURL(configuration.url)
        try PGConnection.validate(url: configuration.url, redacted: redactedURL)
        self.configuration = configuration
        self.logger = logger
        var statements: [String] = []
        if let schemas = configuration.searchPath {
            statements.append("SET search_path TO " + schemas.map(SQLQuery.quoteIdentifier).joined(separator: ", "))
        }
        let setup = statements.isEmpty ? nil : statements.joined(separator: "; ")
        transactionSetup = configuration.synchronousCommit ? "" : "; SET LOCAL synchronous_commit TO off"
        pool = ConnectionPool(connections: (0..<configuration.poolSize).map {
            PooledConnection(index: $0, url: configuration.url, applicationName: configuration.applicationName,
                             sessionSetup: setup)
        })
    }

    /// Closes every connection; later calls fail with kind `closed`. Waits for connections in use to come back.
    public func close() async {
        await pool.close()
    }

    // MARK: - Statements

    /// Runs one statement and returns its rows.
    ///
    /// After a lost connection the statement is sent again on a new one (up to `reconnectAttempts`). A write
    /// whose connection broke after the server committed it can thus run twice: put writes that are not
    /// idempotent in a `transaction`, whose loss before COMMIT is retried safely and during COMMIT is reported.
    @discardableResult
    public func query(_ query: SQLQuery, operation: String? = nil) async throws -> QueryResult {
        var reconnects = 0
        while true {
            do {
                return try await withConnection { connection in
                    try await connection.run(connectIfNeeded: true) { pg throws(StoreError) in
                        try pg.execute(query, operation: operation)
                    }
                }
            } catch let error as StoreError where error.classification == .reconnect
                && reconnects < configuration.reconnectAttempts
            {
                try await pauseBeforeReconnect(attempt: reconnects, error: error)
                reconnects += 1
            }
        }
    }

    /// Runs one statement for its effect and returns the number of rows it affected (0 when none is reported).
    @discardableResult
    public func execute(_ statement: SQLQuery, operation: String? = nil) async throws -> Int {
        try await query(statement, operation: operation).affectedRowCount ?? 0
    }

    /// The server's `server_version` setting (for `sictl doctor`).
    public func serverVersion() async throws -> String {
        try await query("SELECT current_setting('server_version') AS version", operation: "server_version")
            .singleRow().decode("version", as: String.self)
    }

    // MARK: - Transactions

    /// Runs `body` in one transaction on one connection and commits; rolls back when `body` throws.
    ///
    /// The whole transaction runs again (up to `maxTransactionAttempts`, with backoff) when a statement or
    /// COMMIT fails with a serialization failure (40001) or deadlock (40P01), or when the connection is lost
    /// before COMMIT; `body` must therefore be safe to repeat. Errors: `body`'s own error unchanged; failures of
    /// BEGIN, COMMIT or ROLLBACK as a `TransactionError` naming the phase. A connection lost during COMMIT
    /// is never retried: the outcome is unknown and the `TransactionError` says so.
    nonisolated(nonsending) public func transaction<Value: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        _ body: (Transaction) async throws -> Value
    ) async throws -> Value {
        var attempt = 1
        var reconnects = 0
        while true {
            do {
                return try await transactionAttempt(isolation: isolation, body)
            } catch {
                let reason = Self.retryReason(for: error)
                switch reason {
                case .conflict? where attempt < configuration.maxTransactionAttempts:
                    let delay = configuration.conflictBackoff.delay(attempt: attempt)
                    logger.info("transaction conflict, running it again", metadata: [
                        "db.sqlstate": "\(Self.storeError(in: error)?.sqlState ?? "")",
                        "si.attempt": "\(attempt)", "si.delay_ms": "\(delay.milliseconds)",
                    ])
                    try await Task.sleep(for: delay)
                case .connectionLost? where attempt < configuration.maxTransactionAttempts
                    && reconnects < configuration.reconnectAttempts:
                    try await pauseBeforeReconnect(attempt: reconnects, error: Self.storeError(in: error))
                    reconnects += 1
                default:
                    throw error
                }
                attempt += 1
            }
        }
    }

    nonisolated(nonsending) private func transactionAttempt<Value: Sendable>(
        isolation: IsolationLevel,
        _ body: (Transaction) async throws -> Value
    ) async throws -> Value {
        try await withConnection { connection in
            let begin = "BEGIN ISOLATION LEVEL \(isolation.rawValue)" + transactionSetup
            do throws(StoreError) {
                _ = try await connection.run(connectIfNeeded: true) { pg throws(StoreError) in
                    try pg.executeScript(begin, operation: "BEGIN")
                }
            } catch {
                throw TransactionError(phase: .begin, underlying: error)
            }
            let transaction = Transaction(connection: connection)
            let value: Value
            do {
                value = try await body(transaction)
            } catch {
                transaction.end()
                do throws(StoreError) {
                    _ = try await connection.run(connectIfNeeded: false) { pg throws(StoreError) in
                        try pg.executeScript("ROLLBACK", operation: "ROLLBACK")
                    }
                } catch let rollbackError where rollbackError.classification != .reconnect {
                    throw TransactionError(phase: .rollback, underlying: rollbackError, bodyError: error)
                } catch {
                    // The connection is gone; the server discards the transaction with it.
                }
                throw error
            }
            transaction.end()
            let commit: QueryResult
            do throws(StoreError) {
                commit = try await connection.run(connectIfNeeded: false) { pg throws(StoreError) in
                    try pg.executeScript("COMMIT", operation: "COMMIT")
                }
            } catch {
                throw TransactionError(phase: .commit, underlying: error)
            }
            // COMMIT of a transaction that an earlier (caught) error aborted rolls back without an error.
            if commit.commandTag == "ROLLBACK" {
                throw TransactionError(phase: .commit, underlying: StoreError(
                    kind: .server, operation: "COMMIT", sqlState: "25P02",
                    message: "an earlier statement failed, so the server rolled the transaction back",
                    classification: .permanent))
            }
            return value
        }
    }

    enum RetryReason { case conflict, connectionLost }

    /// Whether a failed attempt may run again, and why.
    static func retryReason(for error: any Error) -> RetryReason? {
        if let transactionError = error as? TransactionError {
            let underlying = transactionError.underlying
            switch transactionError.phase {
            case .begin:
                return underlying.classification == .reconnect ? .connectionLost : nil
            case .commit:
                // Lost during COMMIT: committed or not, nobody knows; never run it twice.
                return isConflict(underlying) ? .conflict : nil
            case .rollback:
                return nil
            }
        }
        guard let storeError = error as? StoreError else { return nil }
        if isConflict(storeError) { return .conflict }
        if storeError.classification == .reconnect { return .connectionLost }
        return nil
    }

    static func isConflict(_ error: StoreError) -> Bool {
        error.sqlState == "40001" || error.sqlState == "40P01"
    }

    private static func storeError(in error: any Error) -> StoreError? {
        (error as? TransactionError)?.underlying ?? error as? StoreError
    }

    // MARK: - Plumbing

    nonisolated(nonsending) private func withConnection<Value: Sendable>(
        _ body: (PooledConnection) async throws -> Value
    ) async throws -> Value {
        let connection = try await pool.acquire()
        do {
            let value = try await body(connection)
            await pool.release(connection)
            return value
        } catch {
            await pool.release(connection)
            throw error
        }
    }

    private func pauseBeforeReconnect(attempt: Int, error: StoreError?) async throws {
        let delay = configuration.reconnectBackoff.delay(attempt: attempt + 1)
        logger.info("database connection lost, reconnecting", metadata: [
            "db.url": "\(redactedURL)", "si.attempt": "\(attempt + 1)", "si.delay_ms": "\(delay.milliseconds)",
            "error.kind": "\(error?.kind.rawValue ?? "")", "db.sqlstate": "\(error?.sqlState ?? "")",
        ])
        try await Task.sleep(for: delay)
    }
}

extension Duration {
    /// Whole milliseconds, for log metadata.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
