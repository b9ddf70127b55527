/// One teacher call attempt (or a cache hit), as the `llm_calls` table wants it.
public struct CallRecord: Sendable, Hashable {
    /// The pipeline stage that made the call (e.g. `generate`, `classify`).
    public var stage: String
    public var model: String
    /// `POST /v1/completions` or `POST /v1/chat/completions`.
    public var operation: String
    /// Number of prompts (or conversations) carried by the request.
    public var promptCount: Int
    /// Tokens as `tokenCountMethod` counted them (usually the server's `usage`); `nil` when the call failed.
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
    /// How `promptTokens` and `completionTokens` were obtained; `nil` when the call failed.
    public var tokenCountMethod: TokenCountMethod?

    public init(
        stage: String, model: String, operation: String, promptCount: Int, promptTokens: Int?, completionTokens: Int?,
        latency: Duration, httpStatus: Int?, attempt: Int, costUSD: Double?, requestHash: String,
        errorKind: TeacherError.Kind?, cacheHit: Bool, tokenCountMethod: TokenCountMethod? = nil
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
        self.tokenCountMethod = tokenCountMethod
    }
}
