public import Records
public import Store

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
