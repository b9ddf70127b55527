public import Broker
public import Store
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides, per server, whether a test that needs PostgreSQL or RabbitMQ runs, is cancelled, or fails.
///
/// Unset URL (`SI_TEST_DATABASE_URL`, `SI_TEST_AMQP_URL`): the test is cancelled with instructions, unless
/// `SI_TEST_REQUIRE_SERVICES=1` (set by `deploy/local/test.sh` and `.ci/run`) makes it a failure.
/// Set but unreachable: always a failure. The same holds for the real teacher (`SI_TEST_REAL_TEACHER_URL`), which
/// `deploy/local/test.sh` starts with `deploy/local/llm.sh`.
public enum ServiceGate {
    public static let howToStart = """
        start private servers with `deploy/local/services.sh --install start`, then \
        `eval "$(deploy/local/services.sh env)"; export SI_TEST_DATABASE_URL=$SI_DATABASE_URL \
        SI_TEST_AMQP_URL=$SI_AMQP_URL SI_TEST_AMQPS_URL=$SI_AMQPS_URL SI_TEST_DATABASE_TLS_URL=$SI_DATABASE_TLS_URL \
        SI_TEST_TLS_CA_FILE=$SI_TLS_CA_FILE` (or run everything with `deploy/local/test.sh`)
        """

    public static let howToStartTeacher = """
        start llama.cpp with a small model with `deploy/local/llm.sh install && deploy/local/llm.sh start`, then \
        `eval "$(deploy/local/llm.sh env)"` (or run everything with `deploy/local/test.sh`)
        """

    /// The URL of a real OpenAI-compatible teacher server (`SI_TEST_REAL_TEACHER_URL`); the test is cancelled
    /// when it is unset, or fails when `SI_TEST_REQUIRE_SERVICES=1`.
    public static func realTeacherURL() throws -> String {
        try configuredURL(variable: "SI_TEST_REAL_TEACHER_URL", server: "a real teacher server", howToStart: howToStartTeacher)
    }

    /// The test PostgreSQL URL, for tests that build their own `Database` or hand it to a process.
    public static func databaseURL() throws -> String {
        try configuredURL(variable: "SI_TEST_DATABASE_URL", server: "PostgreSQL")
    }

    /// An open connection to the test PostgreSQL server.
    public static func database() throws -> PGConnection {
        let url = try databaseURL()
        do {
            return try PGConnection.connect(url: url)
        } catch {
            throw GateFailure(text: "PostgreSQL at \(PGConnection.redactedURL(url)) is unreachable: \(error)")
        }
    }

    /// The test RabbitMQ URL, for tests that build URLs from it or hand it to a process.
    public static func brokerURL() throws -> String {
        try configuredURL(variable: "SI_TEST_AMQP_URL", server: "RabbitMQ")
    }

    /// An open connection to the test RabbitMQ server.
    public static func broker() throws -> AMQPConnection {
        let url = try brokerURL()
        do {
            return try AMQPConnection.connect(url: url)
        } catch {
            throw GateFailure(text: "RabbitMQ at \(AMQPConnection.redactedURL(url)) is unreachable: \(error)")
        }
    }

    /// The TLS endpoints of the same servers (`SI_TEST_AMQPS_URL`, `SI_TEST_DATABASE_TLS_URL`) and the CA file that
    /// signs their certificate (`SI_TEST_TLS_CA_FILE`); `deploy/local/services.sh env` prints all three.
    public static func tlsEndpoints() throws -> (amqpsURL: String, databaseURL: String, caFile: String) {
        (
            try configuredURL(variable: "SI_TEST_AMQPS_URL", server: "RabbitMQ's TLS listener"),
            try configuredURL(variable: "SI_TEST_DATABASE_TLS_URL", server: "PostgreSQL with ssl=on"),
            try configuredURL(variable: "SI_TEST_TLS_CA_FILE", server: "the services' CA file")
        )
    }

    /// A program the test runs (`openssl`, `stunnel4`): its path, or cancelled / failed like a missing server.
    public static func program(_ names: [String], package: String) throws -> String {
        let path = environment("PATH") ?? "/usr/bin:/bin"
        for name in names {
            for directory in path.split(separator: ":") + ["/usr/bin", "/usr/sbin"] {
                let candidate = "\(directory)/\(name)"
                if access(candidate, X_OK) == 0 { return candidate }
            }
        }
        let howTo = "install the Debian package \(package) (deploy/local/services.sh --install start installs it)"
        if environment("SI_TEST_REQUIRE_SERVICES") == "1" {
            throw GateFailure(text: "\(names[0]) is not installed but SI_TEST_REQUIRE_SERVICES=1 requires it; \(howTo)")
        }
        try Test.cancel("\(names[0]) is not installed; \(howTo)")
    }

    /// Creates a schema private to the caller on the test PostgreSQL server; the caller drops it.
    public static func privateSchema(prefix: String = "si_test") throws -> PrivateSchema {
        let admin = try database()
        let name = "\(prefix)_\(uniqueSuffix())"
        do {
            try admin.execute("CREATE SCHEMA \(name)")
        } catch {
            admin.close()
            throw error
        }
        return PrivateSchema(name: name, serverURL: try databaseURL(), admin: admin)
    }

    /// Runs `body` with a private schema, dropped afterwards (a failed drop fails the test only when `body`
    /// succeeded).
    public static func withPrivateSchema<T>(prefix: String = "si_test", _ body: (PrivateSchema) throws -> T) throws -> T {
        let schema = try privateSchema(prefix: prefix)
        let result: T
        do {
            result = try body(schema)
        } catch {
            try? schema.drop()
            throw error
        }
        try schema.drop()
        return result
    }

    /// Runs `body` with a private schema, dropped afterwards (a failed drop fails the test only when `body`
    /// succeeded).
    public static func withPrivateSchema<T>(
        prefix: String = "si_test", _ body: (PrivateSchema) async throws -> T
    ) async throws -> T {
        let schema = try privateSchema(prefix: prefix)
        let result: T
        do {
            result = try await body(schema)
        } catch {
            try? schema.drop()
            throw error
        }
        try schema.drop()
        return result
    }

    private static func configuredURL(variable: String, server: String, howToStart: String = howToStart) throws -> String {
        if let value = environment(variable), !value.isEmpty { return value }
        if environment("SI_TEST_REQUIRE_SERVICES") == "1" {
            throw GateFailure(text: "\(variable) is not set but SI_TEST_REQUIRE_SERVICES=1 requires \(server); \(howToStart)")
        }
        try Test.cancel("\(server) is not configured (\(variable) is unset); \(howToStart)")
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

/// A schema of its own on the test PostgreSQL server, and the connection that created it.
public final class PrivateSchema {
    /// The schema's name, `<prefix>_<random>`.
    public let name: String
    /// The server's URL as configured; give `Database.Configuration` `searchPath: [name]` with it.
    public let serverURL: String
    /// The connection that created the schema; `drop()` closes it.
    public let admin: PGConnection

    init(name: String, serverURL: String, admin: PGConnection) {
        self.name = name
        self.serverURL = serverURL
        self.admin = admin
    }

    /// `serverURL` with this schema as the search path, for processes and single connections.
    public var url: String {
        serverURL + (serverURL.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)"
    }

    /// Drops the schema with everything in it (not when a test closed `admin` itself) and closes `admin`.
    public func drop() throws {
        defer { admin.close() }
        if admin.isOpen { try admin.execute("DROP SCHEMA \(name) CASCADE") }
    }
}

/// Why a gated test could not reach its server (and other setup failures of the tests' own making).
public struct GateFailure: Error, CustomStringConvertible {
    public let text: String
    public var description: String { text }

    public init(text: String) {
        self.text = text
    }
}

/// A short random suffix that keeps parallel tests' schemas and queues apart.
public func uniqueSuffix() -> String {
    String(UInt64.random(in: 0...UInt64.max), radix: 36)
}
