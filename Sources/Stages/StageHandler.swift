// What a stage contributes to the shared runtime: a handler that does the slow work (teacher calls) outside any
// transaction and hands back a repeatable write that the runtime runs in ONE transaction together with the
// processed-message row and the outbox rows.

public import Logging
public import SelfInstruct

/// One stage's domain logic.
public protocol StageHandler: Sendable {
    /// The queue this handler consumes.
    var stage: PipelineStage { get }
    /// Does the work for `message` (teacher calls, reads) and returns what to write. Throwing counts one
    /// failed attempt; a `PermanentFailure` (`PermanentStageError`, `RecordError`) dead-letters at once.
    func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork
    /// At most this many messages at once, whatever the daemon's `SI_CONCURRENCY`; nil for no limit. For work
    /// that is serialised anyway (admission under the run's lock), where more in flight only ties up database
    /// connections that the daemon's other stages need.
    var concurrencyLimit: Int? { get }
}

extension StageHandler {
    public var concurrencyLimit: Int? { nil }
}
