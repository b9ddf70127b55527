/// Applies `RateLimits` for every caller of one client: reserves from both buckets and sleeps on `clock`.
public actor RateLimiter<C: Clock> where C.Duration == Duration, C.Instant: Sendable {
    private let clock: C
    private var requests: TokenBucket<C.Instant>?
    private var tokens: TokenBucket<C.Instant>?
    /// Set by a server's `Retry-After` on a 429: nobody sends before this instant.
    private var pausedUntil: C.Instant?

    public init(limits: RateLimits, clock: C) {
        self.clock = clock
        let now = clock.now
        requests = Self.bucket(perMinute: limits.requestsPerMinute, burst: limits.requestBurst, now: now)
        tokens = Self.bucket(perMinute: limits.tokensPerMinute, burst: limits.tokenBurst, now: now)
    }

    /// Reserves one request and `estimatedTokens` tokens, then waits until both are covered and any pause is over.
    public func acquire(estimatedTokens: Int) async throws {
        var wait = reservation(estimatedTokens: estimatedTokens)
        if let pausedUntil {
            wait = max(wait, clock.now.duration(to: pausedUntil))
        }
        if wait > .zero {
            try await clock.sleep(for: wait)
        }
    }

    /// Holds every caller back for `duration` (a 429 with `Retry-After` speaks for the whole client, not one request).
    public func pause(for duration: Duration) {
        guard duration > .zero else { return }
        let until = clock.now.advanced(by: duration)
        if let pausedUntil, pausedUntil >= until { return }
        pausedUntil = until
    }

    /// Gives back tokens reserved but not spent.
    public func refund(tokens unused: Int) {
        guard unused > 0 else { return }
        tokens?.refund(Double(unused), at: clock.now)
    }

    /// A bucket refilling `perMinute / 60` a second and holding `burst` (a minute's worth when unset); `nil` without a rate.
    private static func bucket(perMinute: Double?, burst: Double?, now: C.Instant) -> TokenBucket<C.Instant>? {
        guard let perMinute, perMinute > 0 else { return nil }
        let capacity = burst.flatMap { $0 > 0 ? $0 : nil } ?? perMinute
        return TokenBucket(capacity: capacity, refillPerSecond: perMinute / 60, now: now)
    }

    private func reservation(estimatedTokens: Int) -> Duration {
        let now = clock.now
        let requestWait = requests?.reserve(1, at: now) ?? .zero
        let tokenWait = tokens?.reserve(Double(max(estimatedTokens, 0)), at: now) ?? .zero
        return max(requestWait, tokenWait)
    }
}
