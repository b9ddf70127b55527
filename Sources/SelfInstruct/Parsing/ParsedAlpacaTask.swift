/// One Alpaca item that passed the cheap filters.
public struct ParsedAlpacaTask: Sendable, Hashable {
    /// 0-based position of its piece among the completion's `###`-separated pieces.
    public var position: Int
    /// The item number the labels carry (4 for the first item with 3 prompt examples).
    public var itemNumber: Int
    /// The trimmed instruction (no capitalisation, no whitespace normalisation).
    public var instruction: String
    /// The trimmed input; "" when the teacher wrote `<noinput>`.
    public var input: String
    /// The trimmed output.
    public var output: String

    /// An item with its fields already trimmed.
    public init(position: Int, itemNumber: Int, instruction: String, input: String, output: String) {
        self.position = position
        self.itemNumber = itemNumber
        self.instruction = instruction
        self.input = input
        self.output = output
    }

    /// Input and output as one task instance.
    public var instance: TaskInstance { TaskInstance(input: input, output: output) }
}
