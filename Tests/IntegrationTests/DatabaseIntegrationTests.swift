import SelfInstruct
import Store
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The async `Database`: pool, transactions, retries, reconnects, advisory locks, migrations and the views.
@Suite("Database over a connection pool", .timeLimit(.minutes(3)))
struct DatabaseIntegrationTests {
    /// Runs `body` with a database, closing it whatever happens.
    private func using<Value>(_ database: Database, _ body: (Database) async throws -> Value) async throws -> Value {
        do {
            let value = try await body(database)
            await database.close()
            return value
        } catch {
            await database.close()
            throw error
        }
    }

    @Test("synchronousCommit false turns synchronous_commit off in every transaction, never for the session")
    func asynchronousCommitSetting() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            var configuration = Database.Configuration(url: schema.ownerServerURL, poolSize: 2, searchPath: [schema.name])
            configuration.synchronousCommit = false
            try await using(try Database(configuration: configuration)) { database in
                // Two concurrent transactions use both connections. `source` tells a session-level SET apart from
                // a server that is already configured with synchronous_commit off (the throwaway test server is).
                let setting: SQLQuery = "SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'"
                async let first = database.transaction { try await $0.query(setting).singleRow() }
                async let second = database.transaction { try await $0.query(setting).singleRow() }
                async let path = database.transaction { try await $0.query("SHOW search_path").singleRow().decode("search_path", as: String.self) }
                for row in try await [first, second] {
                    #expect(try row.decode("setting", as: String.self) == "off")
                    #expect(try row.decode("source", as: String.self) == "session")
                }
                #expect(try await path == schema.name)
                // Outside a transaction the same connections are back to the server's setting: nothing stays on a
                // connection that a transaction-mode pooler would hand to another client.
                async let third = database.query(setting).singleRow()
                async let fourth = database.query(setting).singleRow()
                for row in try await [third, fourth] {
                    #expect(try row.decode("source", as: String.self) != "session")
                }
            }
            let defaultSource = try await using(schema.database()) { database in
                try await database.query("SELECT source FROM pg_settings WHERE name = 'synchronous_commit'")
                    .singleRow().decode("source", as: String.self)
            }
            #expect(defaultSource != "session")
        }
    }

    // MARK: - Migrations

    @Test("migrate applies every version once; a second migrate is a no-op")
    func migrateTwiceIsNoOp() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database()) { database in
                #expect(try await database.appliedMigrationVersions() == [])
                let first = try await database.migrate()
                #expect(first.applied.map(\.version) == Migration.all.map(\.version))
                #expect(first.alreadyApplied.isEmpty)
                #expect(first.currentVersion == Migration.all.last?.version)
                let second = try await database.migrate()
                #expect(second.applied.isEmpty)
                #expect(second.alreadyApplied.map(\.version) == Migration.all.map(\.version))
                #expect(second.unknownVersions.isEmpty)
                #expect(try await database.appliedMigrationVersions() == Migration.all.map(\.version))
                // The tables landed in the private schema, nowhere else.
                let tables = try await database.query("""
                    SELECT count(*) AS n FROM information_schema.tables
                    WHERE table_schema = \(schema.name) AND table_name = 'instructions'
                    """)
                #expect(try tables.singleRow().decode("n", as: Int.self) == 1)
            }
        }
    }

    @Test("two databases migrating at once: each version applied exactly once, neither fails")
    func concurrentMigrate() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            let first = try schema.database(poolSize: 1)
            let second = try schema.database(poolSize: 1)
            async let reportA = using(first) { try await $0.migrate() }
            async let reportB = using(second) { try await $0.migrate() }
            let (a, b) = try await (reportA, reportB)
            let appliedA = Set(a.applied.map(\.version)), appliedB = Set(b.applied.map(\.version))
            #expect(appliedA.isDisjoint(with: appliedB))
            #expect(appliedA.union(appliedB) == Set(Migration.all.map(\.version)))
            try await using(schema.database()) { database in
                let rows = try await database.query("SELECT count(*) AS n FROM schema_migrations")
                #expect(try rows.singleRow().decode("n", as: Int.self) == Migration.all.count)
            }
        }
    }

    static let requiredViewColumns: [(view: String, columns: [String])] = [
        ("si_run_progress", ["run_id", "name", "recipe", "status", "target", "candidates", "admitted", "rejected",
                             "classified", "instance_tasks_done", "instances_valid", "instances_rejected",
                             "records_sharded", "pct_complete", "eta"]),
        ("si_stage_throughput", ["run_id", "stage", "minute", "items", "failures"]),
        ("si_llm_usage", ["run_id", "stage", "model", "calls", "failures", "retries", "prompt_tokens",
                          "completion_tokens", "cost_usd", "p50_ms", "p95_ms"]),
        ("si_rejections", ["run_id", "stage", "reason", "count", "example"]),
        ("si_dead_letters", ["run_id", "stage", "message_id", "attempts", "last_error", "dead_at"]),
    ]

    @Test("every public view exists with at least the documented columns")
    func viewsHaveRequiredColumns() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database()) { database in
                try await database.migrate()
                for (view, required) in Self.requiredViewColumns {
                    let result = try await database.query("""
                        SELECT c.column_name FROM information_schema.columns c
                        JOIN information_schema.views v USING (table_schema, table_name)
                        WHERE c.table_schema = \(schema.name) AND c.table_name = \(view)
                        """)
                    let present = Set(try result.decodableRows.map { try $0.decode("column_name", as: String.self) })
                    #expect(!present.isEmpty, "view \(view) is missing")
                    let missing = required.filter { !present.contains($0) }
                    #expect(missing.isEmpty, "view \(view) lacks \(missing)")
                }
            }
        }
    }

    @Test("the views compute progress, usage percentiles and rejections from the tables")
    func viewsComputeFromTables() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database()) { database in
                try await database.migrate()
                let runID = try await database.query("""
                    INSERT INTO runs (name, recipe, status, target, seed, started_at)
                    VALUES (\("view-test"), \("self-instruct"), 'running', \(4), \(Int64(-1)), now() - interval '10 minutes')
                    RETURNING id
                    """).singleRow().decode("id", as: Int64.self)
                try await database.execute("""
                    INSERT INTO instructions (run_id, position, text, status, admission_seq, reject_reason, instance_outcome)
                    VALUES (\(runID), 0, 'Write a poem.', 'admitted', 1, NULL, 'generated'),
                           (\(runID), 1, 'List three colors.', 'admitted', 2, NULL, NULL),
                           (\(runID), 2, 'Write a poem!', 'rejected', NULL, 'too_similar', NULL),
                           (\(runID), 3, 'Write a poems.', 'rejected', NULL, 'too_similar', NULL),
                           (\(runID), 4, 'Draw a picture.', 'rejected', NULL, 'unsupported', NULL),
                           (\(runID), 5, 'Sing.', 'candidate', NULL, NULL, NULL)
                    """)
                // Latencies 10, 20, …, 100 ms: p50 = 55, p95 = 95.5 by linear interpolation.
                for latency in stride(from: 10.0, through: 100.0, by: 10.0) {
                    try await database.execute("""
                        INSERT INTO llm_calls (run_id, stage, model, prompt_tokens, completion_tokens, latency_ms,
                                               http_status, attempt, cost_usd, error_kind)
                        VALUES (\(runID), 'generate', 'sim', 100, 20, \(latency), 200,
                                \(latency == 100 ? 2 : 1), 0.001, \(latency == 100 ? "timeout" : nil as String?))
                        """)
                }
                let progress = try await database.query("SELECT * FROM si_run_progress WHERE run_id = \(runID)").singleRow()
                #expect(try progress.decode("candidates", as: Int.self) == 6)
                #expect(try progress.decode("admitted", as: Int.self) == 2)
                #expect(try progress.decode("rejected", as: Int.self) == 3)
                #expect(try progress.decode("instance_tasks_done", as: Int.self) == 1)
                // (2 admitted + 1 instance outcome) of 2 × 4 units.
                #expect(try progress.decode("pct_complete", as: Double.self) == 37.5)
                #expect(try progress.decode("eta", as: String?.self) != nil)

                let usage = try await database.query("SELECT * FROM si_llm_usage WHERE run_id = \(runID)").singleRow()
                #expect(try usage.decode("calls", as: Int.self) == 10)
                #expect(try usage.decode("failures", as: Int.self) == 1)
                #expect(try usage.decode("retries", as: Int.self) == 1)
                #expect(try usage.decode("prompt_tokens", as: Int.self) == 1000)
                #expect(try usage.decode("completion_tokens", as: Int.self) == 200)
                #expect(try usage.decode("cost_usd", as: Double.self) == 0.01)
                #expect(try usage.decode("p50_ms", as: Double.self) == 55)
                // 90 + 0.55 × 10 in float8 arithmetic, so compare with a tolerance.
                #expect(abs(try usage.decode("p95_ms", as: Double.self) - 95.5) < 1e-9)

                let rejections = try await database.query("""
                    SELECT reason, count, example FROM si_rejections WHERE run_id = \(runID) ORDER BY reason
                    """)
                #expect(rejections.rows == [["too_similar", "2", "Write a poem!"], ["unsupported", "1", "Draw a picture."]])

                let throughput = try await database.query("""
                    SELECT sum(failures) AS failures FROM si_stage_throughput WHERE run_id = \(runID) AND stage = 'generate'
                    """)
                #expect(try throughput.singleRow().decode("failures", as: Int.self) == 1)

                // An admitted text twice in one run breaks the unique index.
                let duplicate = await #expect(throws: StoreError.self) {
                    try await database.execute("""
                        INSERT INTO instructions (run_id, position, text, status, admission_seq)
                        VALUES (\(runID), 9, 'Write a poem.', 'admitted', 3)
                        """)
                }
                #expect(duplicate?.kind == .uniqueViolation)
            }
        }
    }

    // MARK: - Binds through the server

    @Test("typed binds reach the server with their types and values intact")
    func bindsRoundTrip() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database(poolSize: 1)) { database in
                let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xff]
                let none: String? = nil
                let row = try await database.query("""
                    SELECT \(Int64.max) - 1 AS big, \(0.1) + \(0.2) AS sum, \(true) AND \(false) AS both,
                           \(bytes) AS raw, length(\(bytes)) AS raw_length, \(none)::text IS NULL AS is_null,
                           \("{\"a\": [1, 2]}")::jsonb -> 'a' ->> 1 AS json_item, \("It's")::text AS quoted
                    """).singleRow()
                #expect(try row.decode("big", as: Int64.self) == Int64.max - 1)
                #expect(try row.decode("sum", as: Double.self) == 0.1 + 0.2)
                #expect(try row.decode("both", as: Bool.self) == false)
                #expect(try row.decode("raw", as: [UInt8].self) == bytes)
                #expect(try row.decode("raw_length", as: Int.self) == bytes.count)
                #expect(try row.decode("is_null", as: Bool.self))
                #expect(try row.decode("json_item", as: String.self) == "2")
                #expect(try row.decode("quoted", as: String.self) == "It's")
            }
        }
    }

    // MARK: - Transactions

    struct BodyFailure: Error, Equatable {}

    @Test("a transaction whose body throws rolls back and rethrows the body's own error")
    func throwingBodyRollsBack() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database()) { database in
                try await database.execute("CREATE TABLE items (id bigint PRIMARY KEY)")
                await #expect(throws: BodyFailure.self) {
                    try await database.transaction { transaction in
                        try await transaction.execute("INSERT INTO items VALUES (\(1)), (\(2))")
                        let inside = try await transaction.query("SELECT count(*) AS n FROM items")
                        #expect(try inside.singleRow().decode("n", as: Int.self) == 2)
                        throw BodyFailure()
                    }
                }
                let after = try await database.query("SELECT count(*) AS n FROM items")
                #expect(try after.singleRow().decode("n", as: Int.self) == 0)
                // A committed transaction keeps its rows, and the handle is dead after the body.
                var escaped: Transaction?
                let inserted = try await database.transaction { transaction in
                    escaped = transaction
                    return try await transaction.execute("INSERT INTO items VALUES (\(3))")
                }
                #expect(inserted == 1)
                let late = await #expect(throws: StoreError.self) { try await escaped?.execute("SELECT 1") }
                #expect(late?.kind == .closed)
            }
        }
    }

    @Test("BEGIN, COMMIT and body failures are kept apart")
    func commitFailureIsReportedAsCommit() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database()) { database in
                try await database.execute("""
                    CREATE TABLE deferred (id bigint, CONSTRAINT deferred_unique UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)
                    """)
                // The deferred unique check fires at COMMIT, after a body that succeeded.
                let commitError = await #expect(throws: TransactionError.self) {
                    try await database.transaction { transaction in
                        try await transaction.execute("INSERT INTO deferred VALUES (\(1)), (\(1))")
                    }
                }
                #expect(commitError?.phase == .commit)
                #expect(commitError?.underlying.sqlState == "23505")
                #expect(commitError?.outcomeUnknown == false)

                // A statement error that the body swallows still aborts the transaction: COMMIT reports it.
                let swallowed = await #expect(throws: TransactionError.self) {
                    try await database.transaction { transaction in
                        _ = try? await transaction.execute("SELECT * FROM no_such_table")
                        return 0
                    }
                }
                #expect(swallowed?.phase == .commit)
                #expect(swallowed?.underlying.sqlState == "25P02")

                // A failing statement in the body surfaces as the StoreError itself, not a TransactionError.
                let bodyError = await #expect(throws: StoreError.self) {
                    try await database.transaction { transaction in
                        try await transaction.execute("SELECT * FROM no_such_table")
                    }
                }
                #expect(bodyError?.sqlState == "42P01")
            }
        }
    }

    /// Counts attempts across retries of a transaction body.
    actor Counter {
        private(set) var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }

    @Test("a real serialization failure re-runs the whole transaction, which then succeeds")
    func serializationFailureIsRetried() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database(poolSize: 1)) { database in
                try await database.execute("CREATE TABLE counters (id int PRIMARY KEY, value bigint NOT NULL)")
                try await database.execute("INSERT INTO counters VALUES (1, 0)")
                let interloper = try schema.database(poolSize: 1)
                let attempts = Counter()
                let final = try await using(interloper) { interloper in
                    try await database.transaction(isolation: .repeatableRead) { transaction in
                        let attempt = await attempts.next()
                        let value = try await transaction.query("SELECT value FROM counters WHERE id = 1")
                            .singleRow().decode("value", as: Int64.self)
                        if attempt == 1 {
                            // Another transaction commits a change to the row after our snapshot was taken.
                            try await interloper.execute("UPDATE counters SET value = value + 100 WHERE id = 1")
                        }
                        try await transaction.execute("UPDATE counters SET value = \(value + 1) WHERE id = 1")
                        return value + 1
                    }
                }
                #expect(await attempts.value == 2)
                #expect(final == 101)
                let stored = try await database.query("SELECT value FROM counters WHERE id = 1")
                #expect(try stored.singleRow().decode("value", as: Int64.self) == 101)
            }
        }
    }

    @Test("retries are bounded: a transaction that always conflicts fails after the configured attempts")
    func retriesAreBounded() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database(poolSize: 1, maxTransactionAttempts: 3)) { database in
                let attempts = Counter()
                let error = await #expect(throws: StoreError.self) {
                    try await database.transaction { transaction in
                        _ = await attempts.next()
                        try await transaction.execute("""
                            DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = 'serialization_failure'; END $$
                            """)
                    }
                }
                #expect(error?.sqlState == "40001")
                #expect(await attempts.value == 3)
            }
        }
    }

    // MARK: - Reconnect

    @Test("after pg_terminate_backend of the pool's connection, the next statement and transaction reconnect")
    func reconnectsAfterTermination() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database(poolSize: 1)) { database in
                let before = try await database.query("SELECT pg_backend_pid() AS pid").singleRow()
                    .decode("pid", as: Int32.self)
                // The pool connects as the owner; only the same role (or a superuser) may terminate its backend.
                let admin = try ServiceGate.ownerDatabase()
                defer { admin.close() }
                let terminated = try admin.execute("SELECT pg_terminate_backend(\(before)) AS done")
                #expect(terminated[0, "done"] == "t")
                try await waitUntilGone(pid: before, admin: admin)

                let after = try await database.query("SELECT pg_backend_pid() AS pid").singleRow()
                    .decode("pid", as: Int32.self)
                #expect(after != before)
                // The session setup ran again on the new connection: the private schema is still the path.
                let path = try await database.query("SELECT current_schema() AS name").singleRow()
                    .decode("name", as: String.self)
                #expect(path == schema.name)

                // A transaction whose connection dies before COMMIT runs again on a fresh one.
                try await database.execute("CREATE TABLE items (id bigint PRIMARY KEY)")
                let attempts = Counter()
                try await database.transaction { transaction in
                    let attempt = await attempts.next()
                    try await transaction.execute("INSERT INTO items VALUES (\(7))")
                    if attempt == 1 {
                        let pid = try await transaction.query("SELECT pg_backend_pid() AS pid").singleRow()
                            .decode("pid", as: Int32.self)
                        try admin.execute("SELECT pg_terminate_backend(\(pid))")
                        try await waitUntilGone(pid: pid, admin: admin)
                        try await transaction.execute("INSERT INTO items VALUES (\(8))")
                    }
                }
                #expect(await attempts.value == 2)
                let rows = try await database.query("SELECT id FROM items ORDER BY id")
                #expect(rows.rows == [["7"]])
            }
        }
    }

    private func waitUntilGone(pid: Int32, admin: PGConnection) async throws {
        for _ in 0..<200 {
            let alive = try admin.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = \(pid)")
            if alive[0, "n"] == "0" { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("backend \(pid) did not exit")
    }

    // MARK: - Advisory lock

    @Test("the advisory lock serialises concurrent read-modify-write transactions (no lost update)")
    func advisoryLockSerialises() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            let workers = 4
            try await using(schema.database(poolSize: workers)) { database in
                try await database.execute("CREATE TABLE counters (id int PRIMARY KEY, value bigint NOT NULL)")
                try await database.execute("INSERT INTO counters VALUES (1, 0)")
                // Without the lock, READ COMMITTED lets all of them read 0 during the sleep and write 1.
                let key = AdvisoryLockKey.admission(runID: Int64(UInt32.random(in: 0...UInt32.max)))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<workers {
                        group.addTask {
                            try await database.transaction { transaction in
                                try await transaction.advisoryLock(key)
                                let value = try await transaction.query("SELECT value FROM counters WHERE id = 1")
                                    .singleRow().decode("value", as: Int64.self)
                                try await transaction.execute("SELECT pg_sleep(0.05)")
                                try await transaction.execute("UPDATE counters SET value = \(value + 1) WHERE id = 1")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let final = try await database.query("SELECT value FROM counters WHERE id = 1")
                #expect(try final.singleRow().decode("value", as: Int64.self) == Int64(workers))

                // While one transaction holds the lock, another cannot take it; after COMMIT it can.
                try await database.transaction { holder in
                    try await holder.advisoryLock(key)
                    let other = try await database.transaction { try await $0.tryAdvisoryLock(key) }
                    #expect(other == false)
                }
                let afterCommit = try await database.transaction { try await $0.tryAdvisoryLock(key) }
                #expect(afterCommit == true)
            }
        }
    }

    @Test("with every connection busy, callers wait their turn, and a cancelled waiter leaves the queue")
    func poolWaitersAndCancellation() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            try await using(schema.database(poolSize: 1)) { database in
                // The holder keeps the only connection until the test releases it, so the order of events does
                // not depend on timing (the machine may be loaded).
                let (holding, holdingContinuation) = AsyncStream.makeStream(of: Void.self)
                let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
                let holder = Task {
                    try await database.transaction { transaction in
                        try await transaction.execute("SELECT 1")
                        holdingContinuation.yield()
                        for await _ in release { break }
                    }
                }
                for await _ in holding { break }
                let cancelled = Task { try await database.query("SELECT 1") }
                let patient = Task { try await database.query("SELECT 2 AS n") }
                try await Task.sleep(for: .milliseconds(50))
                cancelled.cancel()
                // The cancelled waiter gives up while the only connection is still held.
                await #expect(throws: CancellationError.self) { try await cancelled.value }
                releaseContinuation.yield()
                releaseContinuation.finish()
                _ = try await holder.value
                let row = try await patient.value.singleRow()
                #expect(try row.decode("n", as: Int.self) == 2)
            }
        }
    }

    @Test("close fails later calls with kind closed")
    func closeFailsLaterCalls() async throws {
        try await ServiceGate.withPrivateSchema { schema in
            let database = try schema.database(poolSize: 1)
            try await database.execute("SELECT 1")
            await database.close()
            let error = await #expect(throws: StoreError.self) { try await database.execute("SELECT 1") }
            #expect(error?.kind == .closed)
        }
    }
}

extension PrivateSchema {
    /// A database whose connections use only this schema, as its owner (these tests create tables).
    func database(poolSize: Int = 2, maxTransactionAttempts: Int = 5) throws -> Database {
        try Database(configuration: Database.Configuration(
            url: ownerServerURL, poolSize: poolSize, applicationName: "si-integration-tests", searchPath: [name],
            maxTransactionAttempts: maxTransactionAttempts,
            reconnectBackoff: Backoff(base: .milliseconds(10), cap: .milliseconds(200)),
            conflictBackoff: Backoff(base: .milliseconds(1), cap: .milliseconds(20))))
    }
}
