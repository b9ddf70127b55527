/// One training record: an admitted instruction and one of its valid instances, as every format renders it.
public struct TrainingRecord: Sendable, Hashable {
    /// A stable key of the record (`instances.id`): the `self-instruct` rendering draws its random choices from
    /// it and the run's seed, so a record renders the same wherever and in whatever order it is written.
    public var key: Int64
    public var instruction: String
    public var input: String
    public var output: String

    public init(key: Int64, instruction: String, input: String, output: String) {
        self.key = key
        self.instruction = instruction
        self.input = input
        self.output = output
    }
}
