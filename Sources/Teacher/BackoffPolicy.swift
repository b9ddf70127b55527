public import SelfInstruct

/// The domain's `Backoff` plus the server's say: attempt k waits a uniform random time in
/// [0, min(cap, base·2^(k-1))], never less than the server's `Retry-After` (clipped to `maximumRetryAfter`).
///
/// With base 0.5 s and cap 30 s the upper bounds are: attempt 1 → 0.5 s, 2 → 1 s, 3 → 2 s, 4 → 4 s,
/// 5 → 8 s, 6 → 16 s, 7 and later → 30 s.
public struct BackoffPolicy: Sendable, Hashable {
    /// The jittered exponential delay (attempt 1 is the delay before the 2nd try).
    public var backoff: Backoff
    /// Longest `Retry-After` honoured; a larger one is clipped to this (a misbehaving server cannot park us for hours).
    public var maximumRetryAfter: Duration

    public init(_ backoff: Backoff, maximumRetryAfter: Duration = .seconds(300)) {
        self.backoff = backoff
        self.maximumRetryAfter = maximumRetryAfter
    }

    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(30), maximumRetryAfter: Duration = .seconds(300)) {
        self.init(Backoff(base: base, cap: cap), maximumRetryAfter: maximumRetryAfter)
    }

    /// The largest delay attempt `attempt` (1-based: the delay before the 2nd try is attempt 1) can draw.
    public func ceiling(forAttempt attempt: Int) -> Duration {
        backoff.ceiling(attempt: attempt)
    }

    /// The delay before retrying after failed attempt `attempt`, drawing the jitter from `random`.
    public func delay(
        afterAttempt attempt: Int, retryAfter: Duration?, using random: inout some RandomNumberGenerator
    ) -> Duration {
        let jittered = backoff.delay(attempt: attempt, using: &random)
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, maximumRetryAfter))
    }
}
