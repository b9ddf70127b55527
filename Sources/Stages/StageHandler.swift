// What a stage contributes to the shared runtime: a handler that does the slow work (teacher calls) outside any
// transaction and hands back a repeatable write that the runtime runs in ONE transaction together with the
// processed-message row and the outbox rows.

public import Logging
public import SelfInstruct
public import Teacher
public import ServiceLifecycle

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
    /// What to write when the teacher refused this message's item (HTTP 400/404/422, prompt too long): the item
    /// fails once, with the server's message as its reason, and no retry is paid for. Nil (the default, for stages
    /// that never call the teacher) dead-letters the message instead.
    func refused(_ message: StageMessage, error: TeacherError, logger: Logger) async throws -> StageWork?
    /// Housekeeping the handler needs while its daemon runs (si-filter's pool eviction), run beside the stage in
    /// the daemon's service group; none by default.
    func backgroundServices(logger: Logger) -> [any Service]
}

extension StageHandler {
    public var concurrencyLimit: Int? { nil }

    public func refused(_ message: StageMessage, error: TeacherError, logger: Logger) async throws -> StageWork? { nil }
    public func backgroundServices(logger: Logger) -> [any Service] { [] }
}

extension TeacherError {
    /// The reason a refused item is stored with: the kind, the status and the server's own message.
    public var refusalReason: String {
        var text = "teacher \(kind.rawValue)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if !message.isEmpty { text += ": \(message)" }
        // Stored as the item's failure reason: a NUL in the server's message would fail that write every time.
        return StorableText.removingNUL(text)
    }
}
