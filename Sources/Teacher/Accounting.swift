// Usage and cost accounting: one `CallRecord` per attempt (failed ones too) and per cache hit.

/// Token counts a server reported for one call.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
    }
}

/// Price of one model in US dollars per million tokens.
public struct ModelPrice: Sendable, Hashable, Codable {
    public var promptPerMillion: Double
    public var completionPerMillion: Double

    public init(promptPerMillion: Double, completionPerMillion: Double) {
        self.promptPerMillion = promptPerMillion
        self.completionPerMillion = completionPerMillion
    }
}

/// Per-model prices; a model without an entry has no known cost (recorded as `nil`, not 0).
public struct PriceTable: Sendable, Hashable, Codable {
    public var prices: [String: ModelPrice]

    public init(_ prices: [String: ModelPrice] = [:]) {
        self.prices = prices
    }

    /// The cost of `usage` on `model` in US dollars, or `nil` when the model is not priced.
    public func cost(model: String, usage: TokenUsage) -> Double? {
        guard let price = prices[model] else { return nil }
        return (Double(usage.promptTokens) * price.promptPerMillion
            + Double(usage.completionTokens) * price.completionPerMillion) / 1_000_000
    }
}

/// One teacher call attempt (or a cache hit), as the `llm_calls` table wants it.
public struct CallRecord: Sendable, Hashable {
    /// The pipeline stage that made the call (e.g. `generate`, `classify`).
    public var stage: String
    public var model: String
    /// `POST /v1/completions` or `POST /v1/chat/completions`.
    public var operation: String
    /// Number of prompts (or conversations) carried by the request.
    public var promptCount: Int
    /// From the server's `usage`; `nil` when the call failed or the server sent none.
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// Wall time of this attempt (zero for cache hits).
    public var latency: Duration
    /// HTTP status, `nil` when no response arrived.
    public var httpStatus: Int?
    /// 1-based attempt number; 0 for a cache hit.
    public var attempt: Int
    /// US dollars, `nil` when unknown (model not in the price table, or no usage reported).
    public var costUSD: Double?
    /// The canonical request key (SHA-256 hex), shared by all attempts of one request and by its cache entry.
    public var requestHash: String
    /// Why this attempt failed, `nil` on success.
    public var errorKind: TeacherError.Kind?
    /// True when the answer came from the response cache and no HTTP call was made.
    public var cacheHit: Bool

    public init(
        stage: String, model: String, operation: String, promptCount: Int, promptTokens: Int?, completionTokens: Int?,
        latency: Duration, httpStatus: Int?, attempt: Int, costUSD: Double?, requestHash: String,
        errorKind: TeacherError.Kind?, cacheHit: Bool
    ) {
        self.stage = stage
        self.model = model
        self.operation = operation
        self.promptCount = promptCount
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latency = latency
        self.httpStatus = httpStatus
        self.attempt = attempt
        self.costUSD = costUSD
        self.requestHash = requestHash
        self.errorKind = errorKind
        self.cacheHit = cacheHit
    }
}

/// Receives every call record; the worker's implementation writes them to `llm_calls`.
public protocol CallRecorder: Sendable {
    func record(_ call: CallRecord) async
}

/// Drops every record (for callers that do not account).
public struct DiscardingCallRecorder: CallRecorder {
    public init() {}
    public func record(_ call: CallRecord) async {}
}

/// Keeps records in memory, in arrival order (tests and small tools).
public actor InMemoryCallRecorder: CallRecorder {
    public private(set) var records: [CallRecord] = []

    public init() {}

    public func record(_ call: CallRecord) async {
        records.append(call)
    }
}
