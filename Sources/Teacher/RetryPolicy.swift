// How many times the client tries a request, and how long it waits between tries.

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
