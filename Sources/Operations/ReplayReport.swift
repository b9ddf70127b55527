/// What a replay did (or, with `dryRun`, would do).
public struct ReplayReport: Sendable, Hashable, Codable {
    /// A letter put back: the outbox row that re-sends it.
    public struct Replayed: Sendable, Hashable, Codable {
        public var id: Int64
        public var runID: Int64
        public var stage: String
        public var messageID: String
        public var routingKey: String
        /// The `attempt` of the re-sent message body.
        public var attempt: Int
    }

    /// A selected letter left alone, and why.
    public struct Skipped: Sendable, Hashable, Codable {
        public var id: Int64
        public var stage: String
        public var messageID: String
        public var reason: String
    }

    public var dryRun: Bool
    public var replayed: [Replayed]
    public var skipped: [Skipped]
    /// Replayed messages the outbox relays had published when the command stopped waiting (nil: not checked).
    public var published: Int?
}
