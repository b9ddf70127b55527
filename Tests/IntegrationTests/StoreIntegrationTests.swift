import Store
import TestSupport
import Testing

@Suite("PostgreSQL through libpq", .timeLimit(.minutes(2)))
struct StoreIntegrationTests {
    /// Runs `body` in a schema private to this test, dropped afterwards even when `body` throws.
    private func withSchema(_ body: (_ connection: PGConnection, _ schema: String) throws -> Void) throws {
        try ServiceGate.withPrivateSchema { schema in
            try schema.admin.execute("""
                CREATE TABLE \(schema.name).items (
                    id bigint PRIMARY KEY,
                    label text,
                    amount integer,
                    CONSTRAINT items_label_unique UNIQUE (label)
                )
                """)
            try body(schema.admin, schema.name)
        }
    }

    static let awkwardTexts: [String] = [
        "O'Brien said \"hi\"; DROP TABLE items; --",
        "naïve café – 日本語 – emoji 🚀 – combining e\u{301}",
        "",
        "back\\slash and $1 and '' doubled",
        "line one\nline two\ttabbed",
    ]

    @Test("text, unicode, NULL and integers survive a parameterised round trip", arguments: awkwardTexts)
    func parameterisedRoundTrip(text: String) throws {
        try withSchema { connection, schema in
            let insert = try connection.execute(
                "INSERT INTO \(schema).items (id, label, amount) VALUES ($1, $2, $3)", ["1", text, "-2147483648"])
            #expect(insert.affectedRowCount == 1)
            #expect(insert.commandTag == "INSERT 0 1")
            try connection.execute("INSERT INTO \(schema).items (id, label, amount) VALUES ($1, $2, $3)", ["2", nil, nil])

            let rows = try connection.execute(
                "SELECT id, label, amount, length(label) AS characters FROM \(schema).items ORDER BY id")
            #expect(rows.columns == ["id", "label", "amount", "characters"])
            #expect(rows.rows.count == 2)
            #expect(rows[0, "id"] == "1")
            #expect(rows[0, "label"] == text)
            #expect(rows[0, "amount"] == "-2147483648")
            // The server counts the same characters Swift does (unicode scalars), so the bytes were not mangled.
            #expect(rows[0, "characters"] == String(text.unicodeScalars.count))
            #expect(rows.rows[1] == ["2", nil, nil, nil])

            let lookup = try connection.execute("SELECT id FROM \(schema).items WHERE label = $1", [text])
            #expect(lookup.rows == [["1"]])
            let arithmetic = try connection.execute("SELECT $1::bigint + $2::bigint AS total", ["9007199254740993", "-3"])
            #expect(arithmetic[0, "total"] == "9007199254740990")
        }
    }

    @Test("a duplicate key is SQLSTATE 23505 with the constraint name, classified already done")
    func uniqueViolation() throws {
        try withSchema { connection, schema in
            let secret = "value-that-must-not-leak-\(uniqueSuffix())"
            try connection.execute("INSERT INTO \(schema).items (id, label) VALUES ($1, $2)", ["1", secret])
            let error = try #require(throws: StoreError.self) {
                try connection.execute("INSERT INTO \(schema).items (id, label) VALUES ($1, $2)", ["2", secret],
                                       operation: "insert_item")
            }
            #expect(error.sqlState == "23505")
            #expect(error.constraint == "items_label_unique")
            #expect(error.kind == .uniqueViolation)
            #expect(error.classification == .alreadyDone)
            #expect(error.operation == "insert_item")
            // The server's DETAIL quotes the key; it belongs to debugDescription only.
            #expect(error.detail?.contains(secret) == true)
            #expect(!error.description.contains(secret))
            // The connection stays usable after a statement error.
            #expect(try connection.execute("SELECT count(*) FROM \(schema).items")[0, "count"] == "1")
        }
    }

    @Test("a syntax error is SQLSTATE 42601 and permanent")
    func syntaxErrorIsPermanent() throws {
        try withSchema { connection, _ in
            let error = try #require(throws: StoreError.self) { try connection.execute("SELEC 1") }
            #expect(error.sqlState == "42601")
            #expect(error.kind == .invalidStatement)
            #expect(error.classification == .permanent)
            #expect(error.operation == "SELEC")
        }
    }

    @Test("a terminated backend is a lost connection to reconnect")
    func terminatedBackendMeansReconnect() throws {
        let connection = try ServiceGate.database()
        defer { connection.close() }
        let error = try #require(throws: StoreError.self) {
            try connection.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        }
        #expect(error.kind == .connectionLost)
        #expect(error.classification == .reconnect)
        #expect(error.classification.isTransient)
        #expect(!connection.isOpen)
    }
}
