/// A page of dead letters, newest first, and how many matched in all.
public struct DeadLetterListing: Sendable, Hashable, Codable {
    public var total: Int
    public var deadLetters: [DeadLetter]
}
