@testable import Broker
import Testing

@Suite("BrokerError mapping")
struct BrokerErrorTests {
    @Test("server reply codes map to kinds and classifications", arguments: [
        (UInt16(320), true, BrokerError.Kind.connectionClosed, BrokerError.Classification.transient),
        (403, false, .accessRefused, .fatal),
        (404, false, .notFound, .permanent),
        (405, false, .resourceLocked, .transient),
        (406, false, .preconditionFailed, .permanent),
        (530, true, .accessRefused, .fatal),
        (505, true, .protocolError, .fatal),
        (541, true, .connectionClosed, .transient),
        (999, false, .channelClosed, .transient),
        (999, true, .connectionClosed, .transient),
    ])
    func serverCodes(code: UInt16, connectionLevel: Bool, kind: BrokerError.Kind, classification: BrokerError.Classification) {
        let mapped = BrokerError.classify(serverCode: code, connectionLevel: connectionLevel)
        #expect(mapped.0 == kind)
        #expect(mapped.1 == classification)
    }

    @Test("rabbitmq-c status codes map to kinds and classifications", arguments: [
        (Int32(-0x000D), BrokerError.Kind.timeout, BrokerError.Classification.transient),
        (-0x0009, .connect, .transient),
        (-0x0100, .connect, .transient),
        (-0x0011, .connectionClosed, .transient),
        (-0x000F, .connectionClosed, .transient),
        (-0x0010, .protocolError, .fatal),
        (-0x0008, .invalidURL, .fatal),
        (-0x000A, .library, .permanent),
    ])
    func libraryStatuses(status: Int32, kind: BrokerError.Kind, classification: BrokerError.Classification) {
        let mapped = BrokerError.classify(libraryStatus: status)
        #expect(mapped.0 == kind)
        #expect(mapped.1 == classification)
    }

    @Test("description names kind, operation and detail")
    func description() {
        let error = BrokerError(kind: .notFound, operation: "queue.declare", detail: "NOT_FOUND - no queue 'x'", serverCode: 404)
        #expect(error.description == "not_found during queue.declare: NOT_FOUND - no queue 'x'")
        #expect(error.classification == .permanent)
        #expect(error.debugDescription.contains("server code: 404"))
    }

    @Test("passwords are redacted from URLs", arguments: [
        ("amqp://si:s3cret@127.0.0.1:5672/si", "amqp://si:***@127.0.0.1:5672/si"),
        ("amqp://si:p@ss:w@rd@host/vh", "amqp://si:***@host/vh"),
        ("amqp://guest@host/", "amqp://guest@host/"),
        ("amqp://host:5672", "amqp://host:5672"),
        ("not a url", "not a url"),
        ("amqp://si:a,b@n1/si, amqps://si:c,d@n2/si", "amqp://si:***@n1/si,amqps://si:***@n2/si"),
    ])
    func redaction(url: String, expected: String) {
        #expect(AMQPConnection.redactedURL(url) == expected)
    }

    @Test("a list splits only where the next URL begins: a comma in a password stays in it", arguments: [
        ("amqp://si:pa,ss@h1:5672/si", ["amqp://si:pa,ss@h1:5672/si"]),
        ("amqp://si:x@h1/si, amqp://si:y,z@h2/si,amqps://si:w@h3/si",
         ["amqp://si:x@h1/si", "amqp://si:y,z@h2/si", "amqps://si:w@h3/si"]),
        ("amqp://si:x@h1/si,,amqp://si:x@h3/si", ["amqp://si:x@h1/si", "", "amqp://si:x@h3/si"]),
        ("amqp://si:x@h1/si,", ["amqp://si:x@h1/si", ""]),
    ])
    func listSplitting(urls: String, expected: [String]) throws {
        #expect(AMQPConnection.splitList(urls) == expected)
        if !expected.contains("") {
            let endpoints = try AMQPConnection.parseList(urls)
            #expect(endpoints.count == expected.count)
        }
    }

    @Test("a comma in the password reaches the broker intact, and an error about the list never shows it")
    func commaInPassword() throws {
        let endpoint = try #require(try AMQPConnection.parseList("amqp://si:pa,ss@h1:5672/si").first)
        #expect(endpoint.password == "pa,ss")
        let error = #expect(throws: BrokerError.self) { try AMQPConnection.parseList("amqp://si:pa,ss@h1/si,,") }
        #expect(error?.detail.contains("item 2 of 3") == true, "\(String(describing: error))")
        #expect(error?.detail.contains("pa,ss") == false && error?.detail.contains("ss@") == false)
    }

    @Test("amqp_parse_url fields are copied out, percent-decoded, with defaults")
    func parsesURLs() throws {
        let full = try AMQPConnection.parse(url: "amqp://user:p%40ss@broker.internal:5673/jobs")
        #expect(full == AMQPEndpoint(host: "broker.internal", port: 5673, virtualHost: "jobs", user: "user", password: "p@ss"))
        #expect(!full.redactedDescription.contains("p@ss"))

        let defaults = try AMQPConnection.parse(url: "amqp://localhost")
        #expect(defaults == AMQPEndpoint(host: "localhost", port: 5672, virtualHost: "/", user: "guest", password: "guest"))
    }

    @Test("amqps:// URLs parse with TLS on and port 5671 by default")
    func parsesTLSURLs() throws {
        let endpoint = try AMQPConnection.parse(url: "amqps://user:p%40ss@broker.internal/jobs")
        #expect(endpoint == AMQPEndpoint(usesTLS: true, host: "broker.internal", port: 5671, virtualHost: "jobs", user: "user", password: "p@ss"))
        #expect(endpoint.redactedDescription == "amqps://user@broker.internal:5671/jobs")
        #expect(try AMQPConnection.parse(url: "amqp://h").usesTLS == false)
    }

    @Test("TLS settings from the environment: verification on by default, bad values named")
    func tlsFromEnvironment() throws {
        let defaults = try BrokerTLS(environment: [:])
        #expect(defaults == BrokerTLS(caFile: nil, verification: .full))
        let explicit = try BrokerTLS(environment: [
            "SI_AMQP_CA_FILE": " /etc/si/ca.pem ", "SI_AMQP_TLS_VERIFY": "CA",
            "SI_AMQP_CERT_FILE": "/etc/si/client.pem", "SI_AMQP_KEY_FILE": "/etc/si/client.key",
        ])
        #expect(explicit == BrokerTLS(caFile: "/etc/si/ca.pem", verification: .ca, certificateFile: "/etc/si/client.pem",
                                      keyFile: "/etc/si/client.key"))
        let mode = #expect(throws: BrokerTLS.EnvironmentError.self) { try BrokerTLS(environment: ["SI_AMQP_TLS_VERIFY": "yes"]) }
        #expect(mode?.variable == "SI_AMQP_TLS_VERIFY")
        let pair = #expect(throws: BrokerTLS.EnvironmentError.self) { try BrokerTLS(environment: ["SI_AMQP_CERT_FILE": "/c.pem"]) }
        #expect(pair?.variable == "SI_AMQP_KEY_FILE")
    }

    @Test("a CA file that does not exist fails before connecting, naming the file and the variable")
    func missingCAFile() throws {
        let error = try #require(throws: BrokerError.self) {
            try AMQPConnection.connect(url: "amqps://si:hunter2@127.0.0.1:1/si", tls: BrokerTLS(caFile: "/nonexistent/ca.pem"),
                                       connectTimeout: .seconds(2)).close()
        }
        #expect(error.kind == .tls)
        #expect(error.classification == .fatal)
        #expect(error.detail.contains("/nonexistent/ca.pem"))
        #expect(error.detail.contains("SI_AMQP_CA_FILE"))
        #expect(!error.description.contains("hunter2"))
    }

    @Test("malformed URLs are invalid and fatal, without the password", arguments: [
        "http://user:hunter2@host/",
        "amqp://user:hunter2@host:notaport/",
    ])
    func rejectsURLs(url: String) {
        #expect {
            try AMQPConnection.parse(url: url)
        } throws: { error in
            guard let error = error as? BrokerError else { return false }
            return error.kind == .invalidURL && error.classification == .fatal && !error.description.contains("hunter2")
        }
    }

    @Test("connecting to a closed local port is a transient connect failure")
    func closedPort() throws {
        let error = try #require(throws: BrokerError.self) {
            try AMQPConnection.connect(url: "amqp://si:hunter2@127.0.0.1:1/si", connectTimeout: .seconds(2)).close()
        }
        #expect(error.kind == .connect)
        #expect(error.classification == .transient)
        #expect(error.detail.contains("127.0.0.1:1"))
        #expect(!error.description.contains("hunter2"))
    }
}
