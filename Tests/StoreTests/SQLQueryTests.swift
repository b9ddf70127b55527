@testable import Store
import Testing

@Suite("SQLQuery binds")
struct SQLQueryTests {
    @Test("each interpolated value becomes the next $n and never appears in the SQL")
    func valuesBecomeBinds() {
        let name = "O'Brien; DROP TABLE runs; --"
        let target = 52_000
        let query: SQLQuery = "SELECT id FROM runs WHERE name = \(name) AND target > \(target) AND seed = \(Int64(-7))"
        #expect(query.sql == "SELECT id FROM runs WHERE name = $1 AND target > $2 AND seed = $3")
        #expect(query.binds == [
            SQLBind(text: name, type: .inferred),
            SQLBind(text: "52000", type: .int8),
            SQLBind(text: "-7", type: .int8),
        ])
        #expect(!query.description.contains("O'Brien"))
        #expect(!query.debugDescription.contains("52000"))
        #expect(query.debugDescription.contains("int8"))
    }

    @Test("typed values: text forms PostgreSQL reads back exactly", arguments: [
        (SQLQuery("\(true)"), SQLBind(text: "true", type: .bool)),
        (SQLQuery("\(false)"), SQLBind(text: "false", type: .bool)),
        (SQLQuery("\(0.1)"), SQLBind(text: "0.1", type: .float8)),
        (SQLQuery("\(1e-300)"), SQLBind(text: "1e-300", type: .float8)),
        (SQLQuery("\(Double.infinity)"), SQLBind(text: "Infinity", type: .float8)),
        (SQLQuery("\(-Double.infinity)"), SQLBind(text: "-Infinity", type: .float8)),
        (SQLQuery("\(Double.nan)"), SQLBind(text: "NaN", type: .float8)),
        (SQLQuery("\(Int32(-5))"), SQLBind(text: "-5", type: .int4)),
        (SQLQuery("\(Int64.min)"), SQLBind(text: "-9223372036854775808", type: .int8)),
        (SQLQuery("\([UInt8]([0x00, 0x0f, 0xa0, 0xff]))"), SQLBind(text: "\\x000fa0ff", type: .bytea)),
        (SQLQuery("\([UInt8]())"), SQLBind(text: "\\x", type: .bytea)),
    ])
    func typedValues(query: SQLQuery, expected: SQLBind) {
        #expect(query.sql == "$1")
        #expect(query.binds == [expected])
    }

    @Test("a nil optional binds NULL typed like its wrapped type; a non-nil one binds the value")
    func optionals() {
        let noText: String? = nil
        let noCount: Int? = nil
        let noFlag: Bool? = nil
        let score: Double? = 0.5
        let query: SQLQuery = "VALUES (\(noText), \(noCount), \(noFlag), \(score))"
        #expect(query.sql == "VALUES ($1, $2, $3, $4)")
        #expect(query.binds.map(\.text) == [nil, nil, nil, "0.5"])
        #expect(query.binds.map(\.type) == [.inferred, .int8, .bool, .float8])
    }

    @Test("identifiers are quoted with embedded quotes doubled; unsafeRaw pastes text as is")
    func identifiersAndRaw() {
        let query: SQLQuery = "SELECT * FROM \(identifier: "we\"ird")\(unsafeRaw: ".runs") LIMIT \(3)"
        #expect(query.sql == #"SELECT * FROM "we""ird".runs LIMIT $1"#)
        #expect(query.binds.count == 1)
    }

    @Test("fragments and joins renumber their binds after the ones before them")
    func fragmentsRenumber() {
        let conditions: [SQLQuery] = ["status = \("admitted")", "run_id = \(7)", "score > \(0.7)"]
        let whereClause = SQLQuery.joined(conditions, separator: " AND ")
        #expect(whereClause.sql == "status = $1 AND run_id = $2 AND score > $3")
        let query: SQLQuery = "SELECT \(1) AS one FROM instructions WHERE \(fragment: whereClause) LIMIT \(10)"
        #expect(query.sql == "SELECT $1 AS one FROM instructions WHERE status = $2 AND run_id = $3 AND score > $4 LIMIT $5")
        #expect(query.binds.map(\.text) == ["1", "admitted", "7", "0.7", "10"])
        var appended: SQLQuery = "UPDATE runs SET status = \("paused")"
        appended.append(" WHERE id = \(42)")
        #expect(appended.sql == "UPDATE runs SET status = $1 WHERE id = $2")
        #expect(appended.binds.map(\.text) == ["paused", "42"])
    }

    @Test("a literal with a dollar sign stays literal text")
    func literalDollarSigns() {
        let query: SQLQuery = "SELECT '$1' || \("x")"
        #expect(query.sql == "SELECT '$1' || $1")
        #expect(query.binds.count == 1)
    }
}

@Suite("Row decoding")
struct RowDecodingTests {
    let row = Row(columns: ["id", "name", "score", "flag", "missing", "bytes", "big"],
                  values: ["42", "alpha", "0.7499999999999999", "t", nil, "\\x00ff", "9223372036854775807"])

    @Test("values convert from PostgreSQL's text format")
    func decodesValues() throws {
        #expect(try row.decode("id", as: Int64.self) == 42)
        #expect(try row.decode("id", as: Int.self) == 42)
        #expect(try row.decode("name", as: String.self) == "alpha")
        #expect(try row.decode("score", as: Double.self) == 0.7499999999999999)
        #expect(try row.decode("flag", as: Bool.self) == true)
        #expect(try row.decode("missing", as: String?.self) == nil)
        #expect(try row.decode("name", as: String?.self) == "alpha")
        #expect(try row.decode("bytes", as: [UInt8].self) == [0x00, 0xff])
        #expect(try row.decode("big", as: Int64.self) == .max)
    }

    @Test("errors name the column and what was expected, never the value", arguments: [
        ("nope", "no column \"nope\""),
        ("missing", "column \"missing\" holds NULL"),
        ("name", "column \"name\" holds a value that is not an integer"),
    ])
    func errorsNameTheColumn(column: String, expectedMessage: String) {
        let error = #expect(throws: StoreError.self) { try row.decode(column, as: Int64.self) }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains(expectedMessage) == true)
        #expect(error?.description.contains("alpha") == false)
    }

    @Test("an out-of-range integer or a non-boolean fails instead of wrapping")
    func rejectsOutOfRange() {
        #expect(throws: StoreError.self) { try row.decode("big", as: Int32.self) }
        #expect(throws: StoreError.self) { try row.decode("id", as: Bool.self) }
        // An optional accepts NULL but still rejects text that does not convert.
        #expect(throws: StoreError.self) { try row.decode("name", as: Int?.self) }
    }
}

@Suite("Transaction retry decisions")
struct TransactionRetryTests {
    @Test("conflicts retry in the body and at COMMIT; connection loss retries except during COMMIT")
    func retryReasons() {
        let conflict = StoreError(operation: "UPDATE", sqlState: "40001", message: "could not serialize")
        let deadlock = StoreError(operation: "UPDATE", sqlState: "40P01", message: "deadlock detected")
        let lost = StoreError(kind: .connectionLost, operation: "UPDATE", message: "gone", classification: .reconnect)
        let unique = StoreError(operation: "INSERT", sqlState: "23505", message: "duplicate")
        #expect(Database.retryReason(for: conflict) == .conflict)
        #expect(Database.retryReason(for: deadlock) == .conflict)
        #expect(Database.retryReason(for: lost) == .connectionLost)
        #expect(Database.retryReason(for: unique) == nil)
        #expect(Database.retryReason(for: TransactionError(phase: .begin, underlying: lost)) == .connectionLost)
        #expect(Database.retryReason(for: TransactionError(phase: .commit, underlying: conflict)) == .conflict)
        #expect(Database.retryReason(for: TransactionError(phase: .commit, underlying: lost)) == nil)
        #expect(TransactionError(phase: .commit, underlying: lost).outcomeUnknown)
        #expect(Database.retryReason(for: TransactionError(phase: .rollback, underlying: unique)) == nil)
        struct Custom: Error {}
        #expect(Database.retryReason(for: Custom()) == nil)
    }

    @Test("the admission lock key carries its tag and the run id")
    func admissionKey() {
        #expect(AdvisoryLockKey.admission(runID: 1).value == 0x5349_0001_0000_0001)
        #expect(AdvisoryLockKey.admission(runID: 1) != AdvisoryLockKey.admission(runID: 2))
    }

    @Test("migration versions are positive, strictly increasing and named")
    func migrationList() {
        let versions = Migration.all.map(\.version)
        #expect(versions.first == 1)
        #expect(versions == Array(1...versions.count))
        #expect(Migration.all.allSatisfy { !$0.name.isEmpty && !$0.sql.isEmpty })
    }
}
