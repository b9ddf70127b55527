// Token buckets for requests/min and tokens/min as pure values over injected instants, and a small
// actor that applies them with a real (or test) clock.

/// A token bucket that hands out reservations: each `reserve` takes its tokens at once, possibly
/// driving the balance negative, and says how long the caller must wait before its reservation is
/// covered. Callers are served in arrival order and nobody polls.
public struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    /// Most tokens the bucket holds (the burst size).
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    private var balance: Double
    private var updatedAt: Instant

    /// A full bucket of `capacity` refilled at `refillPerSecond`.
    public init(capacity: Double, refillPerSecond: Double, now: Instant) {
        precondition(capacity > 0 && refillPerSecond > 0, "a token bucket needs a positive capacity and rate")
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.balance = capacity
        self.updatedAt = now
    }

    /// A bucket allowing `perMinute` tokens a minute, with a one-minute burst.
    public init(perMinute: Double, now: Instant) {
        self.init(capacity: perMinute, refillPerSecond: perMinute / 60, now: now)
    }

    /// Tokens available at `now` (negative while earlier reservations are still being paid off).
    public mutating func available(at now: Instant) -> Double {
        refill(to: now)
        return balance
    }

    /// Takes `amount` tokens and returns how long to wait from `now` before using them (zero if covered).
    /// An amount above capacity is charged as a full bucket, so an oversized request waits but never forever.
    public mutating func reserve(_ amount: Double, at now: Instant) -> Duration {
        refill(to: now)
        balance -= min(max(amount, 0), capacity)
        guard balance < 0 else { return .zero }
        return .secondsDouble(-balance / refillPerSecond)
    }

    /// Returns tokens reserved but not used (e.g. a request that used fewer tokens than estimated).
    public mutating func refund(_ amount: Double, at now: Instant) {
        refill(to: now)
        balance = min(capacity, balance + max(amount, 0))
    }

    private mutating func refill(to now: Instant) {
        let elapsed = updatedAt.duration(to: now).secondsDouble
        guard elapsed > 0 else { return }
        balance = min(capacity, balance + elapsed * refillPerSecond)
        updatedAt = now
    }
}

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

/// The clock a `TeacherClient` waits on (backoff and rate limits): the real continuous clock, or a virtual
/// one in tests so that retries after a 20 s `Retry-After` take microseconds.
public struct TeacherClock: Clock, Sendable {
    public typealias Instant = ContinuousClock.Instant
    public typealias Duration = Swift.Duration

    private let readNow: @Sendable () -> Instant
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// A clock reading `now` and waiting with `sleep`.
    public init(now: @escaping @Sendable () -> Instant, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        readNow = now
        sleeper = sleep
    }

    /// Real time.
    public static var continuous: TeacherClock {
        TeacherClock(now: { ContinuousClock.now }, sleep: { try await Task.sleep(for: $0) })
    }

    public var now: Instant { readNow() }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let wait = readNow().duration(to: deadline)
        if wait > .zero { try await sleeper(wait) }
    }
}
