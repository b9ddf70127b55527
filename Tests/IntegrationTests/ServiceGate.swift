import Broker
import Store
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides, per server, whether an integration test runs, is cancelled, or fails.
///
/// Unset URL: the test is cancelled with instructions, unless `SI_TEST_REQUIRE_SERVICES=1` (set by
/// `deploy/local/test.sh` and `.ci/run`) makes it a failure. Set but unreachable: always a failure.
enum ServiceGate {
    static let howToStart = """
        start private servers with `deploy/local/services.sh --install start`, then \
        `eval "$(deploy/local/services.sh env)"; export SI_TEST_DATABASE_URL=$SI_DATABASE_URL \
        SI_TEST_AMQP_URL=$SI_AMQP_URL` (or run everything with `deploy/local/test.sh`)
        """

    /// An open connection to the test PostgreSQL server.
    static func database() throws -> PGConnection {
        let url = try configuredURL(variable: "SI_TEST_DATABASE_URL", server: "PostgreSQL")
        do {
            return try PGConnection.connect(url: url)
        } catch {
            throw GateFailure(text: "PostgreSQL at \(PGConnection.redactedURL(url)) is unreachable: \(error)")
        }
    }

    /// The test PostgreSQL URL, for tests that build their own `Database`.
    static func databaseURL() throws -> String {
        try configuredURL(variable: "SI_TEST_DATABASE_URL", server: "PostgreSQL")
    }

    /// The test RabbitMQ URL, for tests that build URLs from it.
    static func brokerURL() throws -> String {
        try configuredURL(variable: "SI_TEST_AMQP_URL", server: "RabbitMQ")
    }

    /// An open connection to the test RabbitMQ server.
    static func broker() throws -> AMQPConnection {
        let url = try brokerURL()
        do {
            return try AMQPConnection.connect(url: url)
        } catch {
            throw GateFailure(text: "RabbitMQ at \(AMQPConnection.redactedURL(url)) is unreachable: \(error)")
        }
    }

    private static func configuredURL(variable: String, server: String) throws -> String {
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

/// Why a gated test could not reach its server.
struct GateFailure: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}

/// A short random suffix that keeps parallel tests' schemas and queues apart.
func uniqueSuffix() -> String {
    String(UInt64.random(in: 0...UInt64.max), radix: 36)
}
