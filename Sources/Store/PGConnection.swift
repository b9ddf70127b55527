import SelfInstruct
internal import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One PostgreSQL connection, driven synchronously through libpq.
///
/// Not `Sendable`: a `PGconn` must not be used from two threads at once, so one thread or actor owns an instance
/// (a later layer puts an actor with its own executor and a pool in front).
public final class PGConnection {
    private var handle: OpaquePointer?
    private let redactedTarget: String

    private init(handle: OpaquePointer, redactedTarget: String) {
        self.handle = handle
        self.redactedTarget = redactedTarget
    }

    deinit {
        assert(handle == nil, "PGConnection to \(redactedTarget) was not closed")
        if let handle { PQfinish(handle) }
    }

    /// Connects to a `postgresql://user:password@host:port/database` URL (or a libpq key=value string).
    public static func connect(url: String, applicationName: String = "self-instruct") throws(StoreError) -> PGConnection {
        let redacted = redactingPassword(in: url)
        try validate(url: url, redacted: redacted)
        // expand_dbname=1 expands the URL in place of `dbname`: keywords before it are defaults the URL may
        // override (a 10 s connect timeout, so an unreachable server fails instead of waiting for the OS);
        // keywords after it are fixed.
        let keywords: [String?] = ["connect_timeout", "dbname", "fallback_application_name", "client_encoding", nil]
        let values: [String?] = ["10", url, applicationName, "UTF8", nil]
        let handle = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else {
            throw StoreError(kind: .connect, operation: "connect", message: "libpq could not allocate a connection",
                             classification: .reconnect)
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            // libpq reports TLS trust problems only as text. They are configuration (sslrootcert, host name):
            // retrying cannot help, so they stop the caller instead of reconnecting forever.
            if let problem = tlsProblem(in: message) {
                throw StoreError(kind: .connect, operation: "connect",
                                 message: "\(problem) connecting to \(redacted): \(message)", classification: .fatal)
            }
            throw StoreError(kind: .connect, operation: "connect",
                             message: "cannot connect to \(redacted): \(message)", classification: .reconnect)
        }
        // Server NOTICEs would otherwise go straight to stderr, bypassing the process's logging.
        PQsetNoticeProcessor(handle, si_pq_ignore_notice, nil)
        return PGConnection(handle: handle, redactedTarget: redacted)
    }

    /// Returns `url` with its password replaced by `***`, for messages and logs.
    public static func redactedURL(_ url: String) -> String {
        redactingPassword(in: url)
    }

    /// True until `close()` runs or libpq reports the connection broken.
    public var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Closes the connection; safe to call more than once.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        PQfinish(handle)
    }

    /// Waits up to `timeout` for the server to send something and returns how many notifications (`NOTIFY`) arrived
    /// on this connection's `LISTEN` channels, 0 on a timeout. Throws when the connection broke.
    public func waitForNotifications(timeout: Duration) throws(StoreError) -> Int {
        guard let handle else {
            throw StoreError(kind: .closed, operation: "listen", message: "the connection was closed", classification: .fatal)
        }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        if poll(&descriptor, 1, milliseconds) > 0, PQconsumeInput(handle) != 1 {
            throw connectionError(handle: handle, operation: "listen")
        }
        var count = 0
        while let notification = PQnotifies(handle) {
            PQfreemem(notification)
            count += 1
        }
        return count
    }

    /// Runs one SQL statement with text parameters `$1, $2, …` (nil is NULL) and returns its rows.
    ///
    /// - Parameter operation: a name for errors and logs; defaults to the statement's first word (`INSERT`, …).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = [], operation: String? = nil) throws(StoreError)
        -> QueryResult
    {
        try execute(sql, parameters, types: [], operation: operation)
    }

    /// Runs `query` with its binds as parameters (types announced as the binds say) and returns its rows.
    @discardableResult
    public func execute(_ query: SQLQuery, operation: String? = nil) throws(StoreError) -> QueryResult {
        try execute(query.sql, query.binds.map(\.text), types: query.binds.map(\.type.rawValue), operation: operation)
    }

    /// The one call into `PQexecParams`; `types` is empty (all inferred) or one OID per parameter (0 = inferred).
    func execute(_ sql: String, _ parameters: [String?], types: [UInt32], operation: String?) throws(StoreError)
        -> QueryResult
    {
        precondition(types.isEmpty || types.count == parameters.count, "one parameter type per parameter")
        let operation = operation ?? Self.verb(of: sql)
        guard let handle else {
            throw StoreError(kind: .closed, operation: operation, message: "the connection was closed", classification: .fatal)
        }
        if let position = parameters.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw StoreError(kind: .invalidParameter, operation: operation,
                             message: "parameter $\(position + 1) contains a NUL byte, which text parameters cannot carry",
                             classification: .permanent)
        }
        let result = withCStringArray(parameters) { values in
            types.withUnsafeBufferPointer { typeOIDs in
                PQexecParams(handle, sql, Int32(parameters.count), types.isEmpty ? nil : typeOIDs.baseAddress,
                             values, nil, nil, 0)
            }
        }
        return try finish(result, handle: handle, operation: operation)
    }

    /// Runs a script of one or more `;`-separated statements without parameters (the simple query protocol,
    /// which `PQexecParams` does not allow for several statements); returns the last statement's result.
    ///
    /// Only for SQL the program itself wrote, such as migrations.
    @discardableResult
    func executeScript(_ sql: String, operation: String) throws(StoreError) -> QueryResult {
        guard let handle else {
            throw StoreError(kind: .closed, operation: operation, message: "the connection was closed", classification: .fatal)
        }
        return try finish(PQexec(handle, sql), handle: handle, operation: operation)
    }

    /// Copies out or classifies a statement's result, and frees it.
    private func finish(_ result: OpaquePointer?, handle: OpaquePointer, operation: String) throws(StoreError) -> QueryResult {
        guard let result else {
            throw connectionError(handle: handle, operation: operation)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Self.copy(result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw check(result: result, handle: handle, operation: operation)
        default:
            throw StoreError(kind: .protocolError, operation: operation,
                             message: "unsupported result status \(String(cString: PQresStatus(status)))",
                             classification: .permanent)
        }
    }

    // MARK: - Failures

    /// The one funnel for a failed `PGresult`: SQLSTATE, message, detail, hint and constraint from libpq.
    private func check(result: OpaquePointer, handle: OpaquePointer, operation: String) -> StoreError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let sqlState = field(si_pg_diag_sqlstate)
        let message = field(si_pg_diag_message_primary) ?? Self.trimmed(PQresultErrorMessage(result))
        if PQstatus(handle) == CONNECTION_BAD {
            // The server went away mid-statement; whatever SQLSTATE it managed to send, only a new connection helps.
            return StoreError(kind: .connectionLost, operation: operation, sqlState: sqlState, message: message,
                              classification: .reconnect)
        }
        return StoreError(operation: operation, sqlState: sqlState, message: message,
                          detail: field(si_pg_diag_message_detail), hint: field(si_pg_diag_message_hint),
                          constraint: field(si_pg_diag_constraint_name))
    }

    /// An error for a call that produced no `PGresult` at all (out of memory or the connection is gone).
    private func connectionError(handle: OpaquePointer, operation: String) -> StoreError {
        let message = Self.trimmed(PQerrorMessage(handle))
        if PQstatus(handle) == CONNECTION_BAD {
            return StoreError(kind: .connectionLost, operation: operation, message: message, classification: .reconnect)
        }
        return StoreError(kind: .server, operation: operation, message: message, classification: .retry)
    }

    /// A short cause for libpq's certificate failures (wrong or missing root certificate, host name mismatch).
    static func tlsProblem(in message: String) -> String? {
        if message.contains("certificate verify failed") || message.contains("does not match host name")
            || message.contains("root certificate file")
        {
            return "TLS certificate verification failed (check sslrootcert and sslmode in the URL)"
        }
        return nil
    }

    static func validate(url: String, redacted: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(url, &errorMessage)
        // libpq's parse message can quote the offending part of the URL, password included: free it unread.
        if let errorMessage { PQfreemem(errorMessage) }
        guard let options else {
            throw StoreError(kind: .invalidURL, operation: "connect",
                             message: "libpq cannot parse the connection URL \(redacted)", classification: .fatal)
        }
        PQconninfoFree(options)
    }

    // MARK: - Copying out

    private static func copy(_ result: OpaquePointer) -> QueryResult {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
                    values.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            rows.append(values)
        }
        let commandTag = String(cString: PQcmdStatus(result))
        let affected = Int(String(cString: PQcmdTuples(result)))
        return QueryResult(columns: columns, rows: rows, commandTag: commandTag, affectedRowCount: affected)
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        var text = Substring(String(cString: message))
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    /// The first word of a statement, upper-cased, as a default operation name.
    static func verb(of sql: String) -> String {
        let word = sql.drop(while: { $0.isWhitespace || $0 == "(" }).prefix(while: { $0.isLetter })
        return word.isEmpty ? "statement" : word.uppercased()
    }
}

/// Runs `body` with a C array of pointers to NUL-terminated copies of `strings` (nil stays NULL).
///
/// All copies live in one buffer that outlives the call, which libpq's parameter and keyword arrays require.
func withCStringArray<Result>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result) -> Result {
    var storage: [CChar] = []
    var offsets: [Int?] = []
    offsets.reserveCapacity(strings.count)
    for string in strings {
        guard let string else {
            offsets.append(nil)
            continue
        }
        offsets.append(storage.count)
        storage.append(contentsOf: string.utf8CString)
    }
    return storage.withUnsafeBufferPointer { buffer in
        let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in offset.map { buffer.baseAddress! + $0 } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// Redacts passwords in a URL such as `postgresql://user:secret@host/db?password=…` or a `key=value` string.
func redactingPassword(in url: String) -> String {
    SecretRedaction.redactingPasswords(in: url)
}
