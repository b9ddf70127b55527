import Broker
public import Logging
public import Records
public import Store
public import Teacher

/// What a daemon's handlers may use.
public struct WorkerResources: Sendable {
    public let config: WorkerConfig
    public let database: Database
    public let catalog: RunCatalog
    /// Present when the daemon asked for a teacher.
    public let teacher: TeacherClient?
    public let logger: Logger

    /// The broker namespace (`SI_AMQP_NAMESPACE`) that names the queues the outbox addresses.
    public var namespace: String { config.topology.namespace }
}
