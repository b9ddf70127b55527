/// Requests-per-minute and tokens-per-minute limits (either may be absent), each with an optional burst.
public struct RateLimits: Sendable, Hashable {
    public var requestsPerMinute: Double?
    public var tokensPerMinute: Double?
    /// Requests that may go back to back before the rate applies; `nil` allows a full minute's worth.
    public var requestBurst: Double?
    /// Tokens that may be spent at once before the rate applies; `nil` allows a full minute's worth.
    public var tokenBurst: Double?

    public init(
        requestsPerMinute: Double? = nil, tokensPerMinute: Double? = nil, requestBurst: Double? = nil,
        tokenBurst: Double? = nil
    ) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.requestBurst = requestBurst
        self.tokenBurst = tokenBurst
    }

    /// No limits.
    public static let unlimited = RateLimits()
}
