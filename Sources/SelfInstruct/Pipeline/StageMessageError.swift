/// A message body that is not a valid `StageMessage`; never retried (it cannot get better).
public struct StageMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending key, or nil when the body as a whole is wrong.
    public var field: String?
    public var problem: String

    public init(field: String?, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String {
        if let field { "message body: \(field): \(problem)" } else { "message body: \(problem)" }
    }
}
