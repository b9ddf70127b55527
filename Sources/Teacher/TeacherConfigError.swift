#if canImport(FoundationEssentials)
#else
#endif

/// A configuration variable that is missing or malformed.
public struct TeacherConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The environment variable at fault.
    public var variable: String
    /// What was wrong and what form is expected.
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}
