/// One valid instance as the shard stage reads it.
public struct ShardRecord: Sendable, Hashable {
    /// `instances.id`.
    public var id: Int64
    /// The instruction it belongs to (the split is decided per instruction).
    public var instructionID: Int64
    public var instruction: String
    public var input: String
    public var output: String

    public init(id: Int64, instructionID: Int64, instruction: String, input: String, output: String) {
        self.id = id
        self.instructionID = instructionID
        self.instruction = instruction
        self.input = input
        self.output = output
    }

    /// The record as one JSONL line `{"instruction": …, "input": …, "output": …}` with its newline.
    public var jsonLine: String {
        "{\"instruction\": \(JSONWriter.quoted(instruction)), \"input\": \(JSONWriter.quoted(input)), "
            + "\"output\": \(JSONWriter.quoted(output))}\n"
    }
}
