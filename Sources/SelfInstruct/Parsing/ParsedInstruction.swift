/// One instruction parsed from a completion that passed the cheap filters.
public struct ParsedInstruction: Sendable, Hashable {
    /// 0-based position of its piece in the completion (0 is item 9 with 8 prompt examples).
    public var position: Int
    /// The normalised (and, if configured, capitalised) instruction.
    public var text: String

    /// A candidate from the piece at `position`.
    public init(position: Int, text: String) {
        self.position = position
        self.text = text
    }
}
