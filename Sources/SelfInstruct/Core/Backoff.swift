// Retry timing as a pure value: the one exponential backoff with full jitter that every adapter uses (database
// reconnects and conflicts, broker reconnects, teacher retries).

/// Exponential backoff with full jitter, capped: the delay before the n-th consecutive retry.
///
/// The ceiling of retry `attempt` (1-based: the first retry is attempt 1) is `min(cap, base · 2^(attempt−1))`;
/// the delay is drawn uniformly from zero up to the ceiling, so replicas that failed at the same moment do not
/// come back in step. With base 100 ms and cap 30 s the ceilings are 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8,
/// 25.6, then 30 s for every later attempt. Attempts below 1 count as 1.
public struct Backoff: Sendable, Hashable {
    /// The ceiling of the first retry's delay.
    public var base: Duration
    /// No ceiling, whatever the attempt, exceeds this.
    public var cap: Duration

    /// Makes a policy; a negative `base` or `cap` counts as zero, and a `cap` below `base` caps every ceiling.
    public init(base: Duration, cap: Duration) {
        self.base = max(base, .zero)
        self.cap = max(cap, .zero)
    }

    /// The largest delay retry `attempt` (1-based) may wait: `min(cap, base · 2^(attempt−1))`, exact to the nanosecond.
    public func ceiling(attempt: Int) -> Duration {
        let baseNanoseconds = Self.nanoseconds(base)
        let capNanoseconds = Self.nanoseconds(cap)
        // Scaled in floating point and capped before the integer conversion, so a huge attempt cannot overflow.
        let scaled = Double(baseNanoseconds) * Self.pow2(max(attempt, 1) - 1)
        return .nanoseconds(scaled >= Double(capNanoseconds) ? capNanoseconds : Int64(scaled))
    }

    /// The delay before retry `attempt` for a uniform `unitRandom` in [0, 1): the ceiling scaled by it (values
    /// outside [0, 1] are clamped). For callers that draw the randomness themselves, such as pure state machines.
    public func delay(attempt: Int, unitRandom: Double) -> Duration {
        let fraction = unitRandom.isNaN ? 0 : min(max(unitRandom, 0), 1)
        let ceiling = Double(Self.nanoseconds(ceiling(attempt: attempt)))
        return .nanoseconds(Int64((ceiling * fraction).rounded(.down)))
    }

    /// A delay drawn uniformly from `0...ceiling(attempt:)` with `generator`.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = Self.nanoseconds(ceiling(attempt: attempt))
        guard ceiling > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...ceiling, using: &generator))
    }

    /// A delay drawn with the system generator.
    public func delay(attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &generator)
    }

    /// Whole nanoseconds of a non-negative duration, saturating at `Int64.max`.
    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (total, sumOverflow) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return sumOverflow ? .max : total
    }

    /// 2ⁿ, exact for every exponent a backoff sees (the cap stops growth long before 1023).
    private static func pow2(_ exponent: Int) -> Double {
        Double(sign: .plus, exponent: min(exponent, 1023), significand: 1)
    }
}
