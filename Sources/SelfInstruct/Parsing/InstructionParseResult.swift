/// Candidates and drops from one completion, both in completion order.
public struct InstructionParseResult: Sendable, Hashable {
    /// Instructions that passed the cheap filters, for the novelty check.
    public var instructions: [ParsedInstruction]
    /// Every other piece, with its reason.
    public var dropped: [DroppedItem]

    /// A result with the given candidates and drops.
    public init(instructions: [ParsedInstruction] = [], dropped: [DroppedItem] = []) {
        self.instructions = instructions
        self.dropped = dropped
    }
}
