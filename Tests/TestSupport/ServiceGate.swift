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
/// PostgreSQL has two roles, as in production (docs/store.md): `SI_TEST_DATABASE_URL` is the worker role's URL, the
/// one daemons, stores and sictl verbs use; `SI_TEST_MIGRATE_DATABASE_URL` is the schema owner's, which creates the
/// private schemas and migrates them, granting `SI_TEST_DATABASE_WORKER_ROLE` its data rights. Without the owner's
/// URL both are the one role of `SI_TEST_DATABASE_URL`.
///
/// Unset URL (`SI_TEST_DATABASE_URL`, `SI_TEST_AMQP_URL`): the test is cancelled with instructions, unless
/// `SI_TEST_REQUIRE_SERVICES=1` (set by `deploy/local/test.sh` and `.ci/run`) makes it a failure.
/// Set but unreachable: always a failure. The same holds for the real teacher (`SI_TEST_REAL_TEACHER_URL`), which
/// `deploy/local/test.sh` starts with `deploy/local/llm.sh`.
public enum ServiceGate {
    public static let howToStart = """
        start private servers with `deploy/local/services.sh --install start`, then \
        `eval "$(deploy/local/services.sh env)"; export SI_TEST_DATABASE_URL=$SI_DATABASE_URL \
        SI_TEST_MIGRATE_DATABASE_URL=$SI_MIGRATE_DATABASE_URL SI_TEST_DATABASE_WORKER_ROLE=$SI_DATABASE_WORKER_ROLE \
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

    /// The test PostgreSQL URL of the worker role, for tests that build their own `Database` or hand it to a process.
    public static func databaseURL() throws -> String {
        try configuredURL(variable: "SI_TEST_DATABASE_URL", server: "PostgreSQL")
    }

    /// The schema owner's URL (`SI_TEST_MIGRATE_DATABASE_URL`), for creating schemas, migrating and other DDL;
    /// `databaseURL()` when unset (one role).
    public static func ownerDatabaseURL() throws -> String {
        let workerURL = try databaseURL()
        if let value = environment("SI_TEST_MIGRATE_DATABASE_URL"), !value.isEmpty { return value }
        return workerURL
    }

    /// The worker role (`SI_TEST_DATABASE_WORKER_ROLE`) that migrations grant data rights to; nil with one role.
    public static func workerRole() -> String? {
        environment("SI_TEST_DATABASE_WORKER_ROLE").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The owner's URL and the worker role, for tests of the two-role setup itself: cancelled when the servers
    /// have one role, or a failure when `SI_TEST_REQUIRE_SERVICES=1` (`deploy/local/test.sh` sets up both).
    public static func twoRoles() throws -> (ownerURL: String, workerRole: String) {
        let ownerURL = try configuredURL(variable: "SI_TEST_MIGRATE_DATABASE_URL", server: "a PostgreSQL owner role")
        guard let role = workerRole() else {
            throw GateFailure(text: "SI_TEST_MIGRATE_DATABASE_URL is set but SI_TEST_DATABASE_WORKER_ROLE is not; \(howToStart)")
        }
        return (ownerURL, role)
    }

    /// An open connection to the test PostgreSQL server as the schema owner.
    public static func ownerDatabase() throws -> PGConnection {
        let url = try ownerDatabaseURL()
        do {
            return try PGConnection.connect(url: url)
        } catch {
            throw GateFailure(text: "PostgreSQL at \(PGConnection.redactedURL(url)) is unreachable: \(error)")
        }
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

    /// Creates a schema private to the caller on the test PostgreSQL server, owned by the owner role (the worker
    /// role gets its rights when the schema is migrated); the caller drops it.
    public static func privateSchema(prefix: String = "si_test") throws -> PrivateSchema {
        let admin = try ownerDatabase()
        let name = "\(prefix)_\(uniqueSuffix())"
        do {
            try admin.execute("CREATE SCHEMA \(name)")
        } catch {
            admin.close()
            throw error
        }
        return PrivateSchema(name: name, serverURL: try databaseURL(), ownerServerURL: try ownerDatabaseURL(),
                             workerRole: workerRole(), admin: admin)
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
    /// The worker role's URL as configured; give `Database.Configuration` `searchPath: [name]` with it.
    public let serverURL: String
    /// The schema owner's URL as configured (the same as `serverURL` with one role): for migrations and DDL.
    public let ownerServerURL: String
    /// The role `migrate` grants data rights to, nil with one role.
    public let workerRole: String?
    /// The owner's connection that created the schema; `drop()` closes it.
    public let admin: PGConnection

    init(name: String, serverURL: String, ownerServerURL: String, workerRole: String?, admin: PGConnection) {
        self.name = name
        self.serverURL = serverURL
        self.ownerServerURL = ownerServerURL
        self.workerRole = workerRole
        self.admin = admin
    }

    /// `serverURL` (the worker role) with this schema as the search path, for processes and single connections.
    public var url: String { Self.url(serverURL, searchPath: name) }

    /// `ownerServerURL` with this schema as the search path: what `sictl migrate` gets.
    public var ownerURL: String { Self.url(ownerServerURL, searchPath: name) }

    /// What `sictl migrate` needs besides `SI_DATABASE_URL`: the owner's URL and the worker role to grant.
    public var migrationEnvironment: [String: String] {
        var environment = ["SI_MIGRATE_DATABASE_URL": ownerURL]
        if let workerRole { environment["SI_DATABASE_WORKER_ROLE"] = workerRole }
        return environment
    }

    /// Migrates the schema as the owner, granting the worker role its data rights.
    public func migrate(_ migrations: [Migration] = Migration.all) async throws {
        let owner = try Database(configuration: Database.Configuration(
            url: ownerServerURL, poolSize: 1, applicationName: "si-test-migrate", searchPath: [name]))
        do {
            try await owner.migrate(migrations, grantingTo: workerRole)
            await owner.close()
        } catch {
            await owner.close()
            throw error
        }
    }

    private static func url(_ serverURL: String, searchPath: String) -> String {
        serverURL + (serverURL.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(searchPath)"
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
