import Broker
import Logging
import Teacher
import SelfInstruct
import Testing
import Worker

@Suite("Worker configuration from the environment")
struct WorkerConfigTests {
    static let minimal = [
        "SI_DATABASE_URL": "postgresql://si:db-secret-1@127.0.0.1:5432/si",
        "SI_AMQP_URL": "amqp://si:amqp-secret-2@127.0.0.1:5672/%2f",
    ]

    @Test("defaults apply when only the URLs are set")
    func defaults() throws {
        let config = try WorkerConfig(environment: Self.minimal, needsTeacher: false)
        #expect(config.concurrency == 4)
        #expect(config.logLevel == .info)
        #expect(config.topology.namespace == "si")
        #expect(config.maxAttempts == 3)
        #expect(config.teacher == nil)
    }

    @Test("a cluster's nodes, the heartbeat and the LISTEN connection: defaults, values and off")
    func clusterSettings() throws {
        let defaults = try WorkerConfig(environment: Self.minimal, needsTeacher: false)
        #expect(defaults.amqpHeartbeat == .seconds(10))
        #expect(defaults.databaseListenURL == Self.minimal["SI_DATABASE_URL"])

        var environment = Self.minimal
        environment["SI_AMQP_URL"] = "amqp://si:n1-secret@10.0.0.11:5672/si, amqp://si:n2-secret@10.0.0.12:5672/si"
        environment["SI_AMQP_HEARTBEAT_S"] = "4"
        environment["SI_DATABASE_LISTEN_URL"] = "off"
        let cluster = try WorkerConfig(environment: environment, needsTeacher: false)
        #expect(cluster.amqpHeartbeat == .seconds(4))
        #expect(cluster.databaseListenURL == nil)
        // Every node is named in the start-up line, none with its password.
        #expect(cluster.description.contains("amqp=amqp://si:***@10.0.0.11:5672/si,amqp://si:***@10.0.0.12:5672/si"))
        #expect(!cluster.description.contains("secret"))
        #expect(cluster.description.contains("listen=off"))

        environment["SI_DATABASE_LISTEN_URL"] = "postgresql://si:direct-secret@10.0.0.20:5432/si"
        let direct = try WorkerConfig(environment: environment, needsTeacher: false)
        #expect(direct.databaseListenURL == "postgresql://si:direct-secret@10.0.0.20:5432/si")
        #expect(!direct.description.contains("direct-secret"))
    }

    @Test("explicit values are read")
    func explicitValues() throws {
        var environment = Self.minimal
        environment["SI_CONCURRENCY"] = " 12 "
        environment["SI_LOG_LEVEL"] = "DEBUG"
        environment["SI_AMQP_NAMESPACE"] = "si-test"
        environment["SI_AMQP_QUEUE_TYPE"] = "quorum"
        environment["SI_MAX_ATTEMPTS"] = "5"
        let config = try WorkerConfig(environment: environment, needsTeacher: false)
        #expect(config.concurrency == 12)
        #expect(config.logLevel == .debug)
        #expect(config.topology.exchange == "si-test")
        #expect(config.topology.queueType == .quorum)
        #expect(config.maxAttempts == 5)
        #expect(config.databasePoolSize == 14)
    }

    @Test("each bad value is reported under its variable", arguments: [
        ("SI_DATABASE_URL", nil as String?),
        ("SI_DATABASE_URL", "mysql://x@y/z"),
        ("SI_AMQP_URL", nil),
        ("SI_AMQP_URL", "http://broker"),
        ("SI_CONCURRENCY", "0"),
        ("SI_CONCURRENCY", "many"),
        ("SI_LOG_LEVEL", "loud"),
        ("SI_AMQP_QUEUE_TYPE", "stream"),
        ("SI_AMQP_NAMESPACE", "si/../x"),
        ("SI_MAX_ATTEMPTS", "-1"),
        ("SI_AMQP_NAMESPACE", String(repeating: "n", count: 49)),
        ("SI_DELIVERY_LIMIT", "0"),
        ("SI_SHUTDOWN_GRACE_S", "soon"),
        ("SI_AMQP_TLS_VERIFY", "off"),
        ("SI_AMQP_URL", "amqp://si:pw@node-1:5672/si,,amqp://si:pw@node-3:5672/si"),
        ("SI_AMQP_URL", "amqp://si:pw@node-1:5672/si,http://node-2"),
        ("SI_AMQP_HEARTBEAT_S", "0"),
        ("SI_DATABASE_LISTEN_URL", "amqp://x@y/z"),
    ])
    func errorsNameTheVariable(variable: String, value: String?) {
        var environment = Self.minimal
        environment[variable] = value
        let error = #expect(throws: WorkerConfigError.self) { try WorkerConfig(environment: environment, needsTeacher: false) }
        #expect(error?.variable == variable)
        #expect(error?.description.hasPrefix(variable) == true)
    }

    @Test("amqps:// is accepted with its TLS settings, verification on by default")
    func amqpsSettings() throws {
        var environment = Self.minimal
        environment["SI_AMQP_URL"] = "amqps://si:amqp-secret-2@broker.internal:5671/si"
        #expect(try WorkerConfig(environment: environment, needsTeacher: false).amqpTLS == BrokerTLS(verification: .full))
        environment["SI_AMQP_CA_FILE"] = "/etc/si/ca.pem"
        environment["SI_AMQP_TLS_VERIFY"] = "ca"
        let config = try WorkerConfig(environment: environment, needsTeacher: false)
        #expect(config.amqpTLS == BrokerTLS(caFile: "/etc/si/ca.pem", verification: .ca))
        #expect(config.description.contains("amqp_tls=(verify=ca ca=/etc/si/ca.pem)"))
        #expect(!config.description.contains("amqp-secret-2"))
    }

    @Test("the teacher is required only when asked for, and its errors name its variables")
    func teacherVariables() throws {
        let error = #expect(throws: WorkerConfigError.self) { try WorkerConfig(environment: Self.minimal, needsTeacher: true) }
        #expect(error?.variable == EnvironmentVariable.teacherURL)

        var environment = Self.minimal
        environment["SI_TEACHER_URL"] = "http://127.0.0.1:8000"
        environment["SI_TEACHER_MODEL"] = "si-sim-1"
        environment["SI_TEACHER_API_KEY_FILE"] = "/run/secrets/key"
        let config = try WorkerConfig(environment: environment, needsTeacher: true, readFile: { _ in "sk-file-secret-3\n" })
        #expect(config.teacher?.model == "si-sim-1")
        #expect(config.teacher?.apiKey == APIKey("sk-file-secret-3"))
    }

    @Test("description hides every secret but keeps the rest")
    func descriptionRedacts() throws {
        var environment = Self.minimal
        environment["SI_TEACHER_URL"] = "http://127.0.0.1:8000"
        environment["SI_TEACHER_MODEL"] = "si-sim-1"
        environment["SI_TEACHER_API_KEY"] = "sk-inline-secret-4"
        let text = try WorkerConfig(environment: environment, needsTeacher: true).description
        for secret in ["db-secret-1", "amqp-secret-2", "sk-inline-secret-4"] {
            #expect(!text.contains(secret))
        }
        #expect(text.contains("127.0.0.1:5432"))
        #expect(text.contains("si-sim-1"))
        #expect(text.contains("concurrency=4"))
    }
}
