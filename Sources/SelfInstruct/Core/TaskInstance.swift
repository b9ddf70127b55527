/// One input/output pair of a task.
public struct TaskInstance: Sendable, Hashable, Codable {
    public var input: String
    public var output: String

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }
}
