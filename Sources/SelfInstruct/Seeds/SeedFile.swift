/// The outcome of reading a seed file: the tasks that are well-formed, and every problem found.
public struct SeedFile: Sendable {
    public var fileName: String
    public var tasks: [SeedTask]
    /// 1-based line where each task starts, parallel to `tasks`.
    public var lines: [Int]
    public var problems: [InputProblem]

    public var errors: [InputProblem] { problems.filter { $0.severity == .error } }
    public var warnings: [InputProblem] { problems.filter { $0.severity == .warning } }
}
