/// Exponential backoff with full jitter, as a pure function of the attempt number.
///
/// The ceiling for attempt n (0-based) is `min(cap, base · 2ⁿ)`; the delay is uniform in `0...ceiling`.
/// With base 50 ms and cap 2 s the ceilings are 50, 100, 200, 400, 800, 1600, 2000, 2000… ms.
public struct Backoff: Sendable, Hashable {
    /// The ceiling of the first retry.
    public var base: Duration
    /// The largest ceiling, whatever the attempt.
    public var cap: Duration

    /// Makes a backoff policy.
    public init(base: Duration, cap: Duration) {
        precondition(base >= .zero && cap >= base, "backoff needs 0 <= base <= cap")
        self.base = base
        self.cap = cap
    }

    /// The largest delay attempt `attempt` (0-based) may wait.
    public func ceiling(attempt: Int) -> Duration {
        let baseNanoseconds = Self.nanoseconds(base)
        let capNanoseconds = Self.nanoseconds(cap)
        // Capped in floating point first, so a large attempt cannot overflow the integer conversion.
        let scaled = Double(baseNanoseconds) * Double.pow2(max(0, attempt))
        return .nanoseconds(scaled >= Double(capNanoseconds) ? capNanoseconds : Int64(scaled))
    }

    /// A delay drawn uniformly from `0...ceiling(attempt:)`.
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

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}

extension Double {
    /// 2ⁿ, exact for the exponents a backoff sees.
    fileprivate static func pow2(_ exponent: Int) -> Double {
        Double(sign: .plus, exponent: Swift.min(exponent, 1023), significand: 1)
    }
}
