/// One item of a completion that did not become a candidate.
public struct DroppedItem: Sendable, Hashable {
    /// 0-based position of the item's piece in the completion.
    public var position: Int
    /// The item text as far as it was parsed (the instruction when known, else the raw piece).
    public var text: String
    /// Why it was dropped.
    public var reason: ItemDropReason

    /// A drop record for the piece at `position`.
    public init(position: Int, text: String, reason: ItemDropReason) {
        self.position = position
        self.text = text
        self.reason = reason
    }
}
