// Retry timing as pure values: the domain's full-jitter exponential `Backoff` with the server's Retry-After as a
// floor, and a parser for Retry-After in both of its forms.

import SelfInstruct

/// How many times one request is tried, and how long to wait between tries.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts including the first (so 4 means up to 3 retries).
    public var maximumAttempts: Int
    public var backoff: BackoffPolicy

    public init(maximumAttempts: Int = 6, backoff: BackoffPolicy = BackoffPolicy()) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.backoff = backoff
    }

    /// Whether a failure of `attempt` (1-based) with `error` should be retried.
    public func shouldRetry(_ error: TeacherError, afterAttempt attempt: Int) -> Bool {
        error.classification == .retryable && attempt < maximumAttempts
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var secondsDouble: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// A duration from floating-point seconds (negative and non-finite values become zero).
    static func secondsDouble(_ seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .nanoseconds(Int64(min(seconds, 9e9) * 1e9))
    }
}
