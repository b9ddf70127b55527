public import SelfInstruct

/// Stored data that cannot serve a request: a run or entity that does not exist, or a stored value the code
/// cannot read. Retrying cannot fix it, so the stage runtime dead-letters such a message at once.
public struct RecordError: PermanentFailure, Sendable, Hashable {
    /// A bounded reason code (`unknown_run`, `unknown_entity`, `invalid_run_config`, …) for logs and
    /// `dead_letters.error_kind`.
    public var kind: String
    public var message: String

    public init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }

    /// Run `id` does not exist.
    public static func unknownRun(_ id: Int64) -> RecordError {
        RecordError(kind: "unknown_run", message: "run \(id) does not exist")
    }
}
