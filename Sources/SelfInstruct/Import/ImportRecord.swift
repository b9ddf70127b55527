/// One instruction/input/output record of an imported file, with the 1-based line it starts on.
public struct ImportRecord: Sendable, Hashable {
    public var line: Int
    public var instruction: String
    public var input: String
    public var output: String

    public init(line: Int, instruction: String, input: String, output: String) {
        self.line = line
        self.instruction = instruction
        self.input = input
        self.output = output
    }
}
