// A quantity the estimate does not know exactly: a low and a high end around the value it expects.

/// An estimated quantity: `low` ≤ `expected` ≤ `high`.
public struct EstimateRange: Sendable, Hashable, Codable {
    public var low: Double
    public var expected: Double
    public var high: Double

    public init(low: Double, expected: Double, high: Double) {
        self.low = min(low, expected)
        self.expected = expected
        self.high = max(high, expected)
    }

    /// A quantity known exactly.
    public init(exactly value: Double) {
        self.init(low: value, expected: value, high: value)
    }

    /// `expected` with the ends `spread` (a fraction) below and above it.
    public init(_ expected: Double, spread: Double) {
        self.init(low: expected * (1 - spread), expected: expected, high: expected * (1 + spread))
    }

    public static let zero = EstimateRange(exactly: 0)

    public static func + (lhs: EstimateRange, rhs: EstimateRange) -> EstimateRange {
        EstimateRange(low: lhs.low + rhs.low, expected: lhs.expected + rhs.expected, high: lhs.high + rhs.high)
    }

    /// Products end by end: the low end assumes every factor at its low end (all quantities here are ≥ 0).
    public static func * (lhs: EstimateRange, rhs: EstimateRange) -> EstimateRange {
        EstimateRange(low: lhs.low * rhs.low, expected: lhs.expected * rhs.expected, high: lhs.high * rhs.high)
    }

    public func scaled(by factor: Double) -> EstimateRange {
        EstimateRange(low: low * factor, expected: expected * factor, high: high * factor)
    }

    /// Each end passed through `transform`, which must not decrease.
    public func map(_ transform: (Double) -> Double) -> EstimateRange {
        EstimateRange(low: transform(low), expected: transform(expected), high: transform(high))
    }
}
