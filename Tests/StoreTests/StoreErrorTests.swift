@testable import Store
import Testing

@Suite("StoreError mapping")
struct StoreErrorTests {
    @Test("SQLSTATE drives kind and classification", arguments: [
        ("23505", StoreError.Kind.uniqueViolation, StoreError.Classification.alreadyDone),
        ("23503", .constraintViolation, .permanent),
        ("40001", .serializationConflict, .retry),
        ("40P01", .serializationConflict, .retry),
        ("08006", .connectionLost, .reconnect),
        ("08001", .connectionLost, .reconnect),
        ("57P01", .connectionLost, .reconnect),
        ("57014", .queryCanceled, .retry),
        ("42601", .invalidStatement, .permanent),
        ("42P01", .invalidStatement, .permanent),
        ("22P02", .dataError, .permanent),
        ("28P01", .accessDenied, .fatal),
        ("53100", .insufficientResources, .fatal),
        ("53300", .insufficientResources, .reconnect),
        ("XX000", .internalError, .fatal),
        ("P0001", .server, .permanent),
    ])
    func classification(sqlState: String, kind: StoreError.Kind, classification: StoreError.Classification) {
        let mapped = StoreError.classify(sqlState: sqlState)
        #expect(mapped.kind == kind)
        #expect(mapped.classification == classification)
        #expect(StoreError(operation: "op", sqlState: sqlState, message: "m").classification == classification)
    }

    @Test("only reconnect and retry are transient")
    func transience() {
        #expect(StoreError.Classification.reconnect.isTransient)
        #expect(StoreError.Classification.retry.isTransient)
        #expect(!StoreError.Classification.alreadyDone.isTransient)
        #expect(!StoreError.Classification.permanent.isTransient)
        #expect(!StoreError.Classification.fatal.isTransient)
    }

    @Test("description carries SQLSTATE and constraint but never DETAIL")
    func descriptionWithholdsDetail() {
        let error = StoreError(operation: "insert_task", sqlState: "23505",
                               message: "duplicate key value violates unique constraint \"tasks_hash_key\"",
                               detail: "Key (hash)=(abc123) already exists.", constraint: "tasks_hash_key")
        #expect(error.description == """
            unique_violation during insert_task [23505]: duplicate key value violates unique constraint \
            "tasks_hash_key" (constraint tasks_hash_key)
            """)
        #expect(!error.description.contains("abc123"))
        #expect(error.debugDescription.contains("abc123"))
    }

    @Test("data exceptions withhold the primary message, which quotes the input")
    func dataExceptionWithheld() {
        let error = StoreError(operation: "INSERT", sqlState: "22P02",
                               message: "invalid input syntax for type integer: \"secret-value\"")
        #expect(!error.description.contains("secret-value"))
        #expect(error.description.contains("22P02"))
    }

    @Test("passwords are redacted from URLs and conninfo strings", arguments: [
        ("postgresql://si:s3cret@127.0.0.1:5432/si", "postgresql://si:***@127.0.0.1:5432/si"),
        ("postgres://si@host/db?password=s3cret&sslmode=disable", "postgres://si@host/db?password=***&sslmode=disable"),
        ("host=h user=si password=s3cret dbname=si", "host=h user=si password=*** dbname=si"),
        ("postgresql:///si", "postgresql:///si"),
    ])
    func redaction(url: String, expected: String) {
        #expect(PGConnection.redactedURL(url) == expected)
    }

    @Test("the default operation name is the statement's first word", arguments: [
        ("  insert into t values (1)", "INSERT"),
        ("(SELECT 1)", "SELECT"),
        ("\n\tWITH x AS (SELECT 1) SELECT * FROM x", "WITH"),
        ("", "statement"),
    ])
    func verbs(sql: String, verb: String) {
        #expect(PGConnection.verb(of: sql) == verb)
    }

    @Test("C string arrays keep values and NULLs in order")
    func cStringArray() {
        let input: [String?] = ["a", nil, "", "日本", nil]
        let copied: [String?] = withCStringArray(input) { pointers in
            (0..<input.count).map { index in pointers![index].map { String(cString: $0) } }
        }
        #expect(copied == input)
    }

    @Test("an unparsable URL is invalid and fatal, without the password")
    func invalidURL() {
        #expect {
            try PGConnection.connect(url: "postgresql://si:hunter2@host/db?no_such_option=1").close()
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.kind == .invalidURL && error.classification == .fatal && !error.description.contains("hunter2")
        }
    }

    @Test("connecting to a closed local port is a connect failure to retry by reconnecting")
    func closedPort() throws {
        let error = try #require(throws: StoreError.self) {
            try PGConnection.connect(url: "postgresql://si:hunter2@127.0.0.1:1/si?connect_timeout=2").close()
        }
        #expect(error.kind == .connect)
        #expect(error.classification == .reconnect)
        #expect(error.message.contains("127.0.0.1"))
        #expect(!error.description.contains("hunter2"))
    }
}
