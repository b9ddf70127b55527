// A stage daemon's configuration, read once from the environment (12-factor, the same names everywhere).

public import Broker
public import Logging
public import Teacher
import SelfInstruct

/// Everything a stage daemon needs to connect and run.
public struct WorkerConfig: Sendable, CustomStringConvertible {
    /// postgres:// URI (may hold a password: redacted in `description`).
    public var databaseURL: String
    /// amqp:// or amqps:// URI including the vhost (may hold a password: redacted in `description`).
    public var amqpURL: String
    /// CA, verification and client certificate for an amqps:// URI.
    public var amqpTLS: BrokerTLS
    /// The AMQP heartbeat interval: a silent node is given up after two.
    public var amqpHeartbeat: Duration
    /// The session connection for LISTEN (outbox wake-ups); nil when `SI_DATABASE_LISTEN_URL=off`.
    public var databaseListenURL: String?
    /// Messages handled at once; also the consumer prefetch.
    public var concurrency: Int
    public var logLevel: Logger.Level
    /// Exchange and queue names (`si` in production).
    public var topology: Topology
    /// Tries per message before it is dead-lettered.
    public var maxAttempts: Int
    /// PostgreSQL connections per process.
    public var databasePoolSize: Int
    /// The teacher, when the stage calls one (nil for stages that never do).
    public var teacher: TeacherConfig?
    /// Where `si-shards` writes (one directory per run below it).
    public var shardsDirectory: String
    /// How long the teacher may stay unreachable before the run pauses with reason `teacher_unreachable`.
    public var teacherUnreachableAfter: Duration
    /// Deliveries of one message (across crashes) before it is dead-lettered with kind `delivery_limit`.
    public var deliveryLimit: Int
    /// Fault injection: the message id this daemon dies on (SIGKILL) before handling it.
    public var crashOnMessageID: String?
    /// Fault injection: die (SIGKILL) right after creating a provider batch, before recording it.
    public var crashAfterBatchCreate = false
    /// How long SIGTERM waits for messages in flight before cancelling them.
    public var shutdownGrace: Duration
    /// How long sent outbox rows, delivery counts and finished runs' processed-message rows are kept.
    public var retention: Duration

    /// A configuration from explicit values (tests, tools).
    public init(
        databaseURL: String, amqpURL: String, amqpTLS: BrokerTLS = BrokerTLS(), concurrency: Int = 4, logLevel: Logger.Level = .info,
        topology: Topology = Topology(), maxAttempts: Int = 3, databasePoolSize: Int? = nil, teacher: TeacherConfig? = nil,
        shardsDirectory: String = "shards", teacherUnreachableAfter: Duration = .seconds(120), deliveryLimit: Int = 5,
        crashOnMessageID: String? = nil, shutdownGrace: Duration = .seconds(20), retention: Duration = .seconds(24 * 3600),
        amqpHeartbeat: Duration = .seconds(10), databaseListenURL: String?? = .none
    ) {
        self.amqpHeartbeat = amqpHeartbeat
        self.databaseListenURL = databaseListenURL ?? databaseURL
        self.deliveryLimit = deliveryLimit
        self.crashOnMessageID = crashOnMessageID
        self.shutdownGrace = shutdownGrace
        self.retention = retention
        self.shardsDirectory = shardsDirectory
        self.teacherUnreachableAfter = teacherUnreachableAfter
        self.databaseURL = databaseURL
        self.amqpURL = amqpURL
        self.amqpTLS = amqpTLS
        self.concurrency = concurrency
        self.logLevel = logLevel
        self.topology = topology
        self.maxAttempts = maxAttempts
        self.databasePoolSize = databasePoolSize ?? concurrency + 2
        self.teacher = teacher
    }

    /// Reads the configuration from `environment`. With `needsTeacher` the teacher variables are required
    /// (`SI_TEACHER_URL`, `SI_TEACHER_MODEL`, optional key; see `TeacherConfig`), otherwise ignored.
    public init(
        environment: [String: String], needsTeacher: Bool,
        readFile: (String) throws -> String = TeacherConfig.readTextFile
    ) throws(WorkerConfigError) {
        func value(_ name: String) -> String? {
            guard let text = environment[name].map(PythonText.strip), !text.isEmpty else { return nil }
            return text
        }
        func required(_ name: String, schemes: [String]) throws(WorkerConfigError) -> String {
            let expected = "a URI such as \(schemes[0])://user:password@host:port/…"
            guard let text = value(name) else { throw WorkerConfigError(variable: name, problem: "missing; expected \(expected)") }
            guard schemes.contains(where: { text.hasPrefix($0 + "://") }) else {
                throw WorkerConfigError(variable: name, problem: "expected \(expected) (scheme \(schemes.joined(separator: " or ")))")
            }
            return text
        }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(WorkerConfigError) -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text), range.contains(number) else {
                throw WorkerConfigError(variable: name, problem: "expected an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }

        let databaseURL = try required(EnvironmentVariable.databaseURL, schemes: ["postgresql", "postgres"])
        let amqpURL = try required(EnvironmentVariable.amqpURL, schemes: ["amqp", "amqps"])
        // Every node of a list is checked here, so a typo in the third node fails at start, not at failover.
        do {
            _ = try AMQPConnection.parseList(amqpURL)
        } catch {
            throw WorkerConfigError(variable: EnvironmentVariable.amqpURL, problem: error.detail)
        }
        var listenURL: String?? = .none
        if let text = value(EnvironmentVariable.databaseListenURL) {
            if text == "off" {
                listenURL = .some(nil)
            } else {
                listenURL = .some(try required(EnvironmentVariable.databaseListenURL, schemes: ["postgresql", "postgres"]))
            }
        }
        let amqpTLS: BrokerTLS
        do {
            amqpTLS = try BrokerTLS(environment: environment)
        } catch {
            throw WorkerConfigError(variable: error.variable, problem: error.problem)
        }
        let concurrency = try integer(EnvironmentVariable.concurrency, default: 4, range: 1...1024)
        var level = Logger.Level.info
        if let text = value(EnvironmentVariable.logLevel) {
            guard let parsed = Logger.Level(rawValue: PythonText.lower(text)) else {
                throw WorkerConfigError(
                    variable: EnvironmentVariable.logLevel,
                    problem: "expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            level = parsed
        }
        let namespace = value(EnvironmentVariable.amqpNamespace) ?? "si"
        guard namespace.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-_".unicodeScalars.contains($0)) }) else {
            throw WorkerConfigError(variable: EnvironmentVariable.amqpNamespace, problem: "expected letters, digits, '-' or '_'")
        }
        // The relays' wake-up channel (`si_outbox:<namespace>`) is a PostgreSQL identifier of at most 63 bytes.
        guard namespace.utf8.count <= 48 else {
            throw WorkerConfigError(variable: EnvironmentVariable.amqpNamespace, problem: "at most 48 characters")
        }
        var queueType = QueueType.classic
        if let text = value(EnvironmentVariable.amqpQueueType) {
            guard let parsed = QueueType(rawValue: text) else {
                throw WorkerConfigError(variable: EnvironmentVariable.amqpQueueType, problem: "expected classic or quorum")
            }
            queueType = parsed
        }
        var teacher: TeacherConfig?
        if needsTeacher {
            do {
                teacher = try TeacherConfig(environment: environment, readFile: readFile)
            } catch {
                throw WorkerConfigError(variable: error.variable, problem: error.problem)
            }
        }
        self.init(
            databaseURL: databaseURL, amqpURL: amqpURL, amqpTLS: amqpTLS, concurrency: concurrency, logLevel: level,
            topology: Topology(namespace: namespace, queueType: queueType),
            maxAttempts: try integer(EnvironmentVariable.maxAttempts, default: 3, range: 1...100),
            databasePoolSize: try integer(EnvironmentVariable.databasePoolSize, default: concurrency + 2, range: 1...256),
            teacher: teacher, shardsDirectory: value(EnvironmentVariable.shardsDirectory) ?? "shards",
            teacherUnreachableAfter: .seconds(try integer(EnvironmentVariable.teacherUnreachableSeconds, default: 120, range: 1...86_400)),
            deliveryLimit: try integer(EnvironmentVariable.deliveryLimit, default: 5, range: 1...1000),
            crashOnMessageID: value(EnvironmentVariable.faultCrashMessageID),
            shutdownGrace: .seconds(try integer(EnvironmentVariable.shutdownGraceSeconds, default: 20, range: 0...3600)),
            retention: .seconds(3600 * (try integer(EnvironmentVariable.retentionHours, default: 24, range: 1...87_600))),
            amqpHeartbeat: .seconds(try integer(EnvironmentVariable.amqpHeartbeatSeconds, default: 10, range: 1...600)),
            databaseListenURL: listenURL)
        crashAfterBatchCreate = value(EnvironmentVariable.faultCrashAfterBatchCreate) == "1"
    }

    /// One line for the start-up log: URLs without passwords, no API key.
    public var description: String {
        var parts = [
            "database=\(SecretRedaction.redactingPasswords(in: databaseURL))", "amqp=\(AMQPConnection.redactedURL(amqpURL))",
            "concurrency=\(concurrency)", "log_level=\(logLevel.rawValue)", "namespace=\(topology.namespace)",
            "queue_type=\(topology.queueType.rawValue)", "max_attempts=\(maxAttempts)", "db_pool=\(databasePoolSize)",
            "amqp_heartbeat=\(amqpHeartbeat.components.seconds)s",
            "listen=\(databaseListenURL.map { SecretRedaction.redactingPasswords(in: $0) } ?? "off")",
            "shards_dir=\(shardsDirectory)", "teacher_unreachable_after=\(teacherUnreachableAfter.components.seconds)s",
            "delivery_limit=\(deliveryLimit)", "shutdown_grace=\(shutdownGrace.components.seconds)s",
            "retention=\(retention.components.seconds / 3600)h",
        ]
        if let crashOnMessageID { parts.append("fault_crash_message_id=\(crashOnMessageID)") }
        if crashAfterBatchCreate { parts.append("fault_crash_after_batch_create=1") }
        if amqpURL.lowercased().hasPrefix("amqps://") { parts.append("amqp_tls=(\(amqpTLS))") }
        if let teacher { parts.append("teacher=(\(teacher))") }
        return parts.joined(separator: " ")
    }
}
