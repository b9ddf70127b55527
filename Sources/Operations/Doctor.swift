// `sictl doctor`: can this environment run the factory? Database (and its schema version), broker (and the
// pipeline's queues), teacher (and the configured model), each with a one-line reason and a fix. Never prints
// a secret: URLs are shown with their passwords masked and the API key not at all.

public import Broker
import Logging
import SelfInstruct
import Store
import Teacher

/// Runs the checks against the services the environment names.
public struct Doctor: Sendable {
    public let environment: [String: String]
    /// Bound on each network step, so an unreachable host fails the check instead of hanging the command.
    public let timeout: Duration

    public init(environment: [String: String], timeout: Duration = .seconds(10)) {
        self.environment = environment
        self.timeout = timeout
    }

    /// The topology the daemons of this environment use (`SI_AMQP_NAMESPACE`, default `si`).
    public var topology: Topology {
        Topology(namespace: value(EnvironmentVariable.amqpNamespace) ?? "si")
    }

    public func run() async -> DoctorReport {
        var checks = await databaseChecks()
        checks += brokerChecks()
        checks += await teacherChecks()
        return DoctorReport(checks: checks)
    }

    private func value(_ name: String) -> String? {
        guard let text = environment[name].map(PythonText.strip), !text.isEmpty else { return nil }
        return text
    }

    // MARK: Database

    func databaseChecks() async -> [DoctorCheck] {
        let name = "database", schema = "migrations"
        guard let url = value(EnvironmentVariable.databaseURL) else {
            return [
                DoctorCheck(name: name, ok: false, detail: "\(EnvironmentVariable.databaseURL) is not set",
                            fix: "export \(EnvironmentVariable.databaseURL)=postgresql://user:password@host:5432/database"),
                DoctorCheck(name: schema, ok: false, detail: "not checked (no database)", fix: "fix the database first"),
            ]
        }
        let database: Database
        do {
            database = try Database(configuration: .init(url: url, poolSize: 1, applicationName: "sictl-doctor",
                                                          reconnectAttempts: 0))
        } catch {
            return [
                DoctorCheck(name: name, ok: false, detail: "\(EnvironmentVariable.databaseURL): \(error)",
                            fix: "use a URL such as postgresql://user:password@host:5432/database"),
                DoctorCheck(name: schema, ok: false, detail: "not checked (no database)", fix: "fix the database first"),
            ]
        }
        var checks: [DoctorCheck] = []
        do {
            let server = try await database.serverVersion()
            checks.append(DoctorCheck(name: name, ok: true, detail: "\(database.redactedURL) answers (PostgreSQL \(server))"))
            let applied = try await database.appliedMigrationVersions()
            checks.append(Self.migrationCheck(name: schema, applied: applied, known: Migration.all.map(\.version)))
        } catch {
            // Store marks libpq's certificate failures fatal and says so in the message (docs/tls.md).
            let certificate = "\(error)".contains("TLS certificate verification failed")
            checks.append(DoctorCheck(
                name: name, ok: false, detail: "\(database.redactedURL): \(Self.oneLine(error))",
                fix: certificate
                    ? "check sslrootcert (the CA that signs the server's certificate) and sslmode in \(EnvironmentVariable.databaseURL)"
                    : "start PostgreSQL (deploy/local/services.sh start) or correct \(EnvironmentVariable.databaseURL)"))
            checks.append(DoctorCheck(name: schema, ok: false, detail: "not checked (no database)", fix: "fix the database first"))
        }
        await database.close()
        return checks
    }

    static func migrationCheck(name: String, applied: [Int], known: [Int]) -> DoctorCheck {
        let pending = known.filter { !applied.contains($0) }
        let unknown = applied.filter { !known.contains($0) }
        let current = applied.max() ?? 0
        if !unknown.isEmpty {
            return DoctorCheck(
                name: name, ok: false,
                detail: "the database has migration \(unknown.map(String.init).joined(separator: ", ")) that this sictl does not know",
                fix: "use the sictl and daemons of the release that migrated it")
        }
        if !pending.isEmpty {
            return DoctorCheck(
                name: name, ok: false,
                detail: "schema at version \(current); pending: \(pending.map(String.init).joined(separator: ", "))",
                fix: "run sictl migrate")
        }
        return DoctorCheck(name: name, ok: true, detail: "schema at version \(current), current")
    }

    // MARK: Broker

    func brokerChecks() -> [DoctorCheck] {
        let name = "broker", queues = "queues"
        guard let url = value(EnvironmentVariable.amqpURL) else {
            return [
                DoctorCheck(name: name, ok: false, detail: "\(EnvironmentVariable.amqpURL) is not set",
                            fix: "export \(EnvironmentVariable.amqpURL)=amqp://user:password@host:5672/vhost"),
                DoctorCheck(name: queues, ok: false, detail: "not checked (no broker)", fix: "fix the broker first"),
            ]
        }
        let redacted = AMQPConnection.redactedURL(url)
        let connection: AMQPConnection
        do {
            let tls = try BrokerTLS(environment: environment)
            // Blocking, but bounded by the timeouts; a CLI has nothing else to do meanwhile.
            connection = try AMQPConnection.connect(url: url, tls: tls, heartbeat: .zero, connectTimeout: timeout, rpcTimeout: timeout)
        } catch {
            let tlsProblem = error is BrokerTLS.EnvironmentError || (error as? BrokerError)?.kind == .tls
            return [
                DoctorCheck(name: name, ok: false, detail: "\(redacted): \(Self.oneLine(error))",
                            fix: tlsProblem
                                ? "check \(EnvironmentVariable.amqpCAFile), \(EnvironmentVariable.amqpTLSVerify) and the broker's TLS port"
                                : "start RabbitMQ (deploy/local/services.sh start) or correct \(EnvironmentVariable.amqpURL) (host, port, user, vhost)"),
                DoctorCheck(name: queues, ok: false, detail: "not checked (no broker)", fix: "fix the broker first"),
            ]
        }
        defer { connection.close() }
        var checks = [DoctorCheck(name: name, ok: true, detail: "\(redacted) accepts the login")]
        let nodes = AMQPConnection.splitList(url)
        if nodes.count > 1 {
            // A cluster: the daemons fail over between its nodes, so one node down still runs; the doctor names it.
            var states: [String] = []
            var down = 0
            for node in nodes {
                let address = (try? AMQPConnection.parse(url: node).address) ?? AMQPConnection.redactedURL(node)
                do {
                    let tls = try BrokerTLS(environment: environment)
                    try AMQPConnection.connect(url: node, tls: tls, heartbeat: .zero, connectTimeout: timeout, rpcTimeout: timeout).close()
                    states.append("\(address) ok")
                } catch {
                    down += 1
                    states.append("\(address) \(Self.oneLine(error))")
                }
            }
            checks[0] = DoctorCheck(
                name: name, ok: down == 0,
                detail: "\(nodes.count - down) of \(nodes.count) nodes accept the login: \(states.joined(separator: "; "))",
                fix: down == 0 ? nil : "start or reconnect the nodes that do not answer; the daemons use the others meanwhile")
        }
        // Passive declares: the doctor looks, it never creates (the daemons declare the topology at start).
        var missing: [String] = []
        var waiting: UInt32 = 0
        var dead: UInt32 = 0
        let topology = self.topology
        for stage in Topology.Stage.allCases {
            for (queue, isDead) in [(topology.queue(stage), false), (topology.deadQueue(stage), true)] {
                do {
                    let state = try connection.inspectQueue(queue)
                    if isDead { dead += state.messageCount } else { waiting += state.messageCount }
                } catch let error where error.kind == .notFound {
                    missing.append(queue)
                } catch {
                    missing.append("\(queue) (\(Self.oneLine(error)))")
                }
            }
        }
        let total = Topology.Stage.allCases.count * 2
        if missing.isEmpty {
            checks.append(DoctorCheck(name: queues, ok: true,
                                      detail: "all \(total) queues of namespace '\(topology.namespace)' exist; \(waiting) messages waiting, \(dead) in dead queues"))
        } else {
            checks.append(DoctorCheck(
                name: queues, ok: false,
                detail: missing.count == total
                    ? "none of the \(total) queues of namespace '\(topology.namespace)' exists (\(topology.queue(.generate)), …)"
                    : "\(missing.count) of \(total) queues missing in namespace '\(topology.namespace)': \(missing.joined(separator: ", "))",
                fix: "start any stage daemon once (each declares the whole topology), or check \(EnvironmentVariable.amqpNamespace)"))
        }
        return checks
    }

    // MARK: Teacher

    func teacherChecks() async -> [DoctorCheck] {
        let name = "teacher", model = "model"
        let config: TeacherConfig
        do {
            config = try TeacherConfig(environment: environment)
        } catch {
            return [
                DoctorCheck(name: name, ok: false, detail: error.description,
                            fix: "export \(EnvironmentVariable.teacherURL)=http://host:port and \(EnvironmentVariable.teacherModel)=NAME (key: \(EnvironmentVariable.teacherAPIKey) or \(EnvironmentVariable.teacherAPIKeyFile))"),
                DoctorCheck(name: model, ok: false, detail: "not checked (no teacher)", fix: "fix the teacher first"),
            ]
        }
        let logger = Logger(label: "sictl-doctor", factory: { _ in SwiftLogNoOpLogHandler() })
        let models: [String]
        do {
            var transportConfiguration = CurlTransport.Configuration(for: config)
            transportConfiguration.maximumConnectionsPerHost = 1
            models = try await withCurlTransport(configuration: transportConfiguration, logger: logger) { transport in
                try await ModelListing.fetch(config: config, transport: transport, timeout: timeout)
            }
        } catch {
            let teacherError = error as? TeacherError
            let fix = switch teacherError?.kind {
            case .credentialsRejected?: "check \(EnvironmentVariable.teacherAPIKey) / \(EnvironmentVariable.teacherAPIKeyFile)"
            case .configuration? where config.baseURL.lowercased().hasPrefix("https://"):
                "check \(EnvironmentVariable.teacherCAFile) (the CA that signs the teacher's certificate) and \(EnvironmentVariable.teacherURL)"
            default: "start the teacher server (or si-teacher-sim) or correct \(EnvironmentVariable.teacherURL)"
            }
            return [
                DoctorCheck(
                    name: name, ok: false, detail: "\(config.baseURL)\(ModelListing.path): \(Self.oneLine(error))",
                    fix: fix),
                DoctorCheck(name: model, ok: false, detail: "not checked (no model list)", fix: "fix the teacher first"),
            ]
        }
        var checks = [DoctorCheck(
            name: name, ok: true,
            detail: "\(config.baseURL) lists \(models.count) model\(models.count == 1 ? "" : "s")"
                + (config.apiKey == nil ? " (no API key)" : " (API key accepted)"))]
        if models.contains(config.model) {
            checks.append(DoctorCheck(name: model, ok: true, detail: "'\(config.model)' is served"))
        } else {
            let shown = models.prefix(10).joined(separator: ", ") + (models.count > 10 ? ", …" : "")
            checks.append(DoctorCheck(
                name: model, ok: false, detail: "'\(config.model)' is not among the served models (\(shown.isEmpty ? "none" : shown))",
                fix: "set \(EnvironmentVariable.teacherModel) to a served model, or load it on the server"))
        }
        return checks
    }

    /// An error's description on one line, passwords masked (it may quote a connection string).
    static func oneLine(_ error: any Error) -> String {
        SecretRedaction.redactingPasswords(in: "\(error)")
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(PythonText.strip).joined(separator: " ")
    }
}
