import Broker
import Foundation
import Logging
import Operations
import SelfInstruct
import Store
import Teacher
import TeacherSimulator
import TestSupport
import Testing

/// The three TLS paths against real servers: RabbitMQ's amqps:// listener and PostgreSQL with ssl=on (both from
/// deploy/local/services.sh, signed by its local CA), and an HTTPS teacher made of stunnel in front of the
/// simulator, with a CA this suite makes. Each path connects with verification on, and fails clearly when the
/// client trusts another CA (a second one the test makes with openssl).
@Suite("TLS", .timeLimit(.minutes(3)))
struct TLSTests {
    static let quiet = Logger(label: "tls-test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// `url` with its `sslrootcert=` pointing at `caFile` instead.
    static func databaseURL(_ url: String, trusting caFile: String) -> String {
        guard let range = url.range(of: "sslrootcert=") else { return url + "&sslrootcert=\(caFile)" }
        let end = url[range.upperBound...].firstIndex(of: "&") ?? url.endIndex
        return url.replacingCharacters(in: range.upperBound..<end, with: caFile)
    }

    // MARK: RabbitMQ

    @Test("amqps:// with the broker's CA connects, verifies the certificate and carries AMQP")
    func amqpsVerified() throws {
        let tls = try ServiceGate.tlsEndpoints()
        let connection = try AMQPConnection.connect(url: tls.amqpsURL, tls: BrokerTLS(caFile: tls.caFile, verification: .full))
        defer { connection.close() }
        let queue = "si.tls.\(uniqueSuffix())"
        try connection.declareQueue(queue)
        try connection.confirmSelect()
        _ = try connection.publish(exchange: "", routingKey: queue, body: Array("over TLS".utf8))
        try connection.waitForConfirms(timeout: .seconds(10))
        #expect(try connection.inspectQueue(queue).messageCount == 1)
        _ = try connection.queueDelete(queue)
    }

    @Test("amqps:// trusting another CA fails with 'certificate verification failed', fatal")
    func amqpsWrongCA() throws {
        let tls = try ServiceGate.tlsEndpoints()
        let other = try TestCertificateAuthority(name: "si-wrong-ca")
        defer { other.remove() }
        let error = try #require(throws: BrokerError.self) {
            try AMQPConnection.connect(url: tls.amqpsURL, tls: BrokerTLS(caFile: other.caFile), connectTimeout: .seconds(5)).close()
        }
        #expect(error.kind == .tls)
        #expect(error.classification == .fatal)
        #expect(error.description.contains("certificate verification failed"))
        #expect(error.description.contains(other.caFile))
        #expect(!error.description.contains(Self.password(in: tls.amqpsURL)))
    }

    @Test("amqps:// to the plain AMQP port fails as a TLS handshake error, not a protocol one")
    func amqpsToPlainPort() throws {
        let tls = try ServiceGate.tlsEndpoints()
        let plain = try ServiceGate.brokerURL().replacingOccurrences(of: "amqp://", with: "amqps://")
        let error = try #require(throws: BrokerError.self) {
            try AMQPConnection.connect(url: plain, tls: BrokerTLS(caFile: tls.caFile), connectTimeout: .seconds(5)).close()
        }
        #expect(error.kind == .tls)
        #expect(error.description.contains("TLS handshake"))
    }

    @Test("the threaded publisher (what the daemons use) publishes over amqps://")
    func publisherOverTLS() async throws {
        let tls = try ServiceGate.tlsEndpoints()
        let topology = Topology(namespace: "si_tls_\(uniqueSuffix())")
        let settings = BrokerSettings(url: tls.amqpsURL, logger: Self.quiet, tls: BrokerTLS(caFile: tls.caFile),
                                      topology: topology, maxConsecutiveFailures: 2)
        let publisher = BrokerPublisher(settings: settings)
        do {
            try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.generate),
                                        body: Array("{}".utf8), messageID: "tls-1")
        } catch {
            await publisher.close()
            throw error
        }
        await publisher.close()
        let admin = try AMQPConnection.connect(url: tls.amqpsURL, tls: BrokerTLS(caFile: tls.caFile))
        defer { admin.close() }
        #expect(try admin.inspectQueue(topology.queue(.generate)).messageCount == 1)
        try topology.delete(on: admin)
    }

    // MARK: PostgreSQL

    @Test("sslmode=verify-full with the server's CA connects over TLS")
    func postgresVerified() throws {
        let tls = try ServiceGate.tlsEndpoints()
        #expect(tls.databaseURL.contains("sslmode=verify-full"))
        let connection = try PGConnection.connect(url: tls.databaseURL)
        defer { connection.close() }
        let result = try connection.execute("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        #expect(result.rows.first?.first == "true")
    }

    @Test("sslmode=verify-full trusting another CA fails with 'certificate verify failed', fatal")
    func postgresWrongCA() throws {
        let tls = try ServiceGate.tlsEndpoints()
        let other = try TestCertificateAuthority(name: "si-wrong-ca")
        defer { other.remove() }
        let url = Self.databaseURL(tls.databaseURL, trusting: other.caFile)
        let error = try #require(throws: StoreError.self) { try PGConnection.connect(url: url).close() }
        #expect(error.classification == .fatal)
        #expect(error.message.contains("TLS certificate verification failed"))
        #expect(error.message.contains("certificate verify failed"))
        #expect(!error.message.contains(Self.password(in: tls.databaseURL)))
    }

    // MARK: Teacher

    /// An HTTPS teacher for `body`: the in-process simulator behind stunnel, with a certificate from a fresh CA.
    static func withHTTPSTeacher<T: Sendable>(_ body: (_ url: String, _ ca: TestCertificateAuthority) async throws -> T) async throws -> T {
        let ca = try TestCertificateAuthority(name: "si-teacher-ca")
        defer { ca.remove() }
        let (certificate, key) = try ca.issueServerCertificate(file: "teacher")
        return try await SimulatorHarness.run { simulator in
            let backendPort = Int(simulator.baseURL.split(separator: ":").last!)!
            let stunnel = try StunnelProcess(certificate: certificate, key: key, backendPort: backendPort, directory: ca.directory)
            defer { stunnel.stop() }
            return try await body("https://127.0.0.1:\(stunnel.port)", ca)
        }
    }

    @Test("an https:// teacher with SI_TEACHER_CA_FILE answers through the curl transport")
    func teacherVerified() async throws {
        try await Self.withHTTPSTeacher { url, ca in
            let config = try TeacherConfig(environment: [
                EnvironmentVariable.teacherURL: url, EnvironmentVariable.teacherModel: "si-sim-1",
                EnvironmentVariable.teacherCAFile: ca.caFile, EnvironmentVariable.teacherAPIKey: "sk-tls-test",
            ])
            let models = try await withCurlTransport(configuration: .init(for: config), logger: Self.quiet) { transport in
                try await ModelListing.fetch(config: config, transport: transport, timeout: .seconds(10))
            }
            #expect(models.contains("si-sim-1"))
        }
    }

    @Test("an https:// teacher trusting another CA fails as a non-retryable configuration error")
    func teacherWrongCA() async throws {
        try await Self.withHTTPSTeacher { url, _ in
            let other = try TestCertificateAuthority(name: "si-wrong-ca")
            defer { other.remove() }
            let config = try TeacherConfig(environment: [
                EnvironmentVariable.teacherURL: url, EnvironmentVariable.teacherModel: "si-sim-1",
                EnvironmentVariable.teacherCAFile: other.caFile,
            ])
            let error = try await #require(throws: TeacherError.self) {
                try await withCurlTransport(configuration: .init(for: config), logger: Self.quiet) { transport in
                    try await ModelListing.fetch(config: config, transport: transport, timeout: .seconds(10))
                }
            }
            #expect(error.kind == .configuration)
            #expect(error.classification == .stopCaller)
            #expect(error.message.contains("TLS certificate verification failed"))
            #expect(error.message.contains(EnvironmentVariable.teacherCAFile))
        }
    }

    // MARK: sictl doctor

    @Test("sictl doctor reaches all three over TLS, and names the CA problem when the CAs are wrong")
    func doctorOverTLS() async throws {
        let tls = try ServiceGate.tlsEndpoints()
        try await Self.withHTTPSTeacher { url, ca in
            let environment = [
                EnvironmentVariable.databaseURL: tls.databaseURL,
                EnvironmentVariable.amqpURL: tls.amqpsURL, EnvironmentVariable.amqpCAFile: tls.caFile,
                EnvironmentVariable.teacherURL: url, EnvironmentVariable.teacherModel: "si-sim-1",
                EnvironmentVariable.teacherCAFile: ca.caFile,
            ]
            let report = await Doctor(environment: environment, timeout: .seconds(10)).run()
            let passed = Set(report.checks.filter(\.ok).map(\.name))
            #expect(passed.isSuperset(of: ["database", "broker", "teacher", "model"]), "\(report.checks)")

            let other = try TestCertificateAuthority(name: "si-wrong-ca")
            defer { other.remove() }
            var wrong = environment
            wrong[EnvironmentVariable.databaseURL] = Self.databaseURL(tls.databaseURL, trusting: other.caFile)
            wrong[EnvironmentVariable.amqpCAFile] = other.caFile
            wrong[EnvironmentVariable.teacherCAFile] = other.caFile
            let failed = await Doctor(environment: wrong, timeout: .seconds(10)).run()
            for (name, setting) in [("database", "sslrootcert"), ("broker", "SI_AMQP_CA_FILE"), ("teacher", "SI_TEACHER_CA_FILE")] {
                let check = try #require(failed.checks.first { $0.name == name })
                #expect(!check.ok)
                #expect(check.detail.lowercased().contains("certificate verif"), "\(name): \(check.detail)")
                #expect(check.fix?.contains(setting) == true, "\(name): \(check.fix ?? "no fix")")
            }
        }
    }

    /// The password part of a URL's user info, to prove it is not echoed.
    static func password(in url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url.lastIndex(of: "@") else { return "\u{0}" }
        let userInfo = url[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return "\u{0}" }
        return String(userInfo[userInfo.index(after: colon)...])
    }
}
