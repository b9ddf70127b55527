import SelfInstruct

/// One training record: an admitted instruction and one of its valid instances.
public struct ExportRecord: Sendable, Hashable {
    public var instruction: String
    public var input: String
    public var output: String

    public init(instruction: String, input: String, output: String) {
        self.instruction = instruction
        self.input = input
        self.output = output
    }

    /// `{"instruction": …, "input": …, "output": …}` with that key order, on one line.
    public var jsonObject: String {
        "{\"instruction\": \(JSONWriter.quoted(instruction)), \"input\": \(JSONWriter.quoted(input)), "
            + "\"output\": \(JSONWriter.quoted(output))}"
    }
}
