// Token buckets for requests/min and tokens/min as pure values over injected instants (`RateLimiter` applies
// them with a clock).

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
