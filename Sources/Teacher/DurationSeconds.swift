// Durations as floating-point seconds, for rate arithmetic and Retry-After.

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
