// What a stage contributes to the shared runtime: a pure-ish handler that does the slow work (teacher calls)
// outside any transaction and hands back a repeatable write that the runtime runs in ONE transaction together
// with the processed-message row and the outbox rows.

public import Broker
public import Logging
public import SelfInstruct
public import Store

/// A message owed downstream: the runtime writes it to the outbox in the handler's transaction.
public struct OutgoingMessage: Sendable, Hashable {
    /// The stage whose queue receives it.
    public var stage: Topology.Stage
    public var message: StageMessage

    public init(stage: Topology.Stage, message: StageMessage) {
        self.stage = stage
        self.message = message
    }

    /// Deterministic id: same stage, kind and entity give the same id, so emitting twice is a no-op.
    public var messageID: String { message.messageID(stage: stage.rawValue) }
}

/// The result of a handler: rows to write and messages to emit, as one transactional step.
public struct StageWork: Sendable {
    /// Runs inside the runtime's transaction: writes rows and returns the messages owed downstream. The
    /// transaction may re-run it after a serialization failure or lost connection, so it must be repeatable.
    public var write: @Sendable (Transaction) async throws -> [OutgoingMessage]
    /// Runs once after COMMIT (e.g. publish an in-memory index the write built).
    public var afterCommit: @Sendable () -> Void

    public init(
        write: @escaping @Sendable (Transaction) async throws -> [OutgoingMessage],
        afterCommit: @escaping @Sendable () -> Void = {}
    ) {
        self.write = write
        self.afterCommit = afterCommit
    }

    /// Work that writes nothing but emits `messages`.
    public static func emit(_ messages: [OutgoingMessage]) -> StageWork {
        StageWork(write: { _ in messages })
    }
}

/// One stage's domain logic.
public protocol StageHandler: Sendable {
    /// The queue this handler consumes.
    var stage: Topology.Stage { get }
    /// Does the work for `message` (teacher calls, reads) and returns what to write. Throwing counts one
    /// failed attempt; `PermanentStageError` dead-letters at once.
    func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork
    /// At most this many messages at once, whatever the daemon's `SI_CONCURRENCY`; nil for no limit. For work
    /// that is serialised anyway (admission under the run's lock), where more in flight only ties up database
    /// connections that the daemon's other stages need.
    var concurrencyLimit: Int? { get }
}

extension StageHandler {
    public var concurrencyLimit: Int? { nil }
}

/// A failure that retrying cannot fix (unknown entity, unsupported recipe…): dead-lettered on the first attempt.
public struct PermanentStageError: Error, Sendable, CustomStringConvertible {
    /// Bounded reason code for `dead_letters.error_kind`.
    public var kind: String
    public var message: String

    public init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }
}

/// Logger metadata keys, in one place so every stage spells them the same way.
public enum MetadataKey {
    public static let runID = "si.run_id"
    public static let stage = "si.stage"
    public static let entityID = "si.entity_id"
    public static let attempt = "si.attempt"
    public static let messageID = "amqp.message_id"
    public static let deliveryTag = "amqp.delivery_tag"
    public static let errorKind = "error.kind"
}
