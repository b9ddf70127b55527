/// How often one hygiene reason applied during an import, with the first few records it applied to (as read).
public struct ImportHygieneTally: Sendable, Hashable {
    public var reason: HygieneReason
    public var count: Int
    public var examples: [ImportRecord]

    /// Examples kept per reason.
    public static let exampleLimit = 3

    public init(reason: HygieneReason) {
        self.reason = reason
        count = 0
        examples = []
    }

    mutating func add(_ record: ImportRecord) {
        count += 1
        if examples.count < Self.exampleLimit { examples.append(record) }
    }
}
