// The response cache: a replay never pays twice for the same canonical request.

public import SelfInstruct

/// The identity of a teacher request: SHA-256 hex of the canonical JSON of endpoint, model, prompts (or
/// messages), sampling parameters and recipe version.
public struct RequestKey: Sendable, Hashable, CustomStringConvertible {
    /// 64 lower-case hex digits.
    public let hex: String
    /// The canonical JSON that was hashed (kept for debugging; contains prompts, so never logged above debug).
    public let canonicalText: String

    init(canonical: CanonicalJSON) {
        canonicalText = canonical.text
        hex = SHA256.hexDigest(of: canonicalText)
    }

    public var description: String { hex }

    /// The key of a `/v1/completions` request.
    public static func completions(
        model: String, prompts: [String], parameters: SamplingParameters, recipeVersion: String
    ) -> RequestKey {
        RequestKey(
            canonical: .object([
                "endpoint": .string("completions"),
                "model": .string(model),
                "prompts": .array(prompts.map(CanonicalJSON.string)),
                "parameters": parameters.canonicalJSON,
                "recipe_version": .string(recipeVersion),
            ]))
    }

    /// The key of a `/v1/chat/completions` request.
    public static func chat(
        model: String, messages: [ChatMessage], parameters: SamplingParameters, recipeVersion: String
    ) -> RequestKey {
        RequestKey(
            canonical: .object([
                "endpoint": .string("chat"),
                "model": .string(model),
                "messages": .array(
                    messages.map { .object(["role": .string($0.role.rawValue), "content": .string($0.content)]) }),
                "parameters": parameters.canonicalJSON,
                "recipe_version": .string(recipeVersion),
            ]))
    }
}

/// A stored answer: the server's response body, decoded again on a hit so hits and misses share one parser.
public struct CachedResponse: Sendable, Hashable {
    public var body: [UInt8]
    public var model: String

    public init(body: [UInt8], model: String) {
        self.body = body
        self.model = model
    }
}

/// Where answers are kept between runs (the worker backs it with PostgreSQL).
public protocol ResponseCache: Sendable {
    func lookup(_ key: RequestKey) async -> CachedResponse?
    func store(_ response: CachedResponse, for key: RequestKey) async
}

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
