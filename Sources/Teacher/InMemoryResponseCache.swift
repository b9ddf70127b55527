/// A cache in memory, for tests and single-process tools.
public actor InMemoryResponseCache: ResponseCache {
    private var entries: [String: CachedResponse] = [:]
    /// How many lookups found an entry.
    public private(set) var hits = 0

    public init() {}

    public var count: Int { entries.count }

    public func lookup(_ key: RequestKey) async -> CachedResponse? {
        let entry = entries[key.hex]
        if entry != nil { hits += 1 }
        return entry
    }

    public func store(_ response: CachedResponse, for key: RequestKey) async {
        entries[key.hex] = response
    }
}
