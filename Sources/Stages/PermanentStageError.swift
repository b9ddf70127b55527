public import SelfInstruct

/// A failure that retrying cannot fix (unknown entity, unsupported recipe…): dead-lettered on the first attempt.
public struct PermanentStageError: PermanentFailure, Sendable {
    /// Bounded reason code for `dead_letters.error_kind`.
    public var kind: String
    public var message: String

    public init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }
}
