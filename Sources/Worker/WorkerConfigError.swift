/// Why the environment does not make a valid configuration; names the variable and the expected form, never
/// a secret value.
public struct WorkerConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var variable: String
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}
