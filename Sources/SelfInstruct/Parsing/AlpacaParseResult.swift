/// Items and drops from one Alpaca completion, both in completion order.
public struct AlpacaParseResult: Sendable, Hashable {
    /// Items that passed the cheap filters, for the novelty check.
    public var tasks: [ParsedAlpacaTask]
    /// Every other piece, with its reason.
    public var dropped: [DroppedItem]

    /// A result with the given items and drops.
    public init(tasks: [ParsedAlpacaTask] = [], dropped: [DroppedItem] = []) {
        self.tasks = tasks
        self.dropped = dropped
    }
}
