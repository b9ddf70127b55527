// How many generation calls an admitted instruction costs. Novelty admission gets harder as the pool grows, so
// the cost is modelled as calls per admission = base + growth · pool size: linear in the pool, which makes the
// calls needed for a target a closed form, and a straight line is all a few hundred observations support.

/// Generation calls per admitted instruction as a function of the pool size.
public struct GenerationYield: Sendable, Hashable, Codable {
    /// Calls per admission with an empty pool.
    public var base: Double
    /// Extra calls per admission for each instruction already admitted.
    public var growth: Double
    /// Relative distance of the low and high ends from the expected count, before extrapolation.
    public var spread: Double
    /// Largest pool size the figures were observed at; beyond it the line is extrapolated and the range widens.
    /// Nil for defaults, which are not measured at any particular size.
    public var observedUpTo: Int?

    public init(base: Double, growth: Double, spread: Double, observedUpTo: Int? = nil) {
        self.base = max(base, 0)
        self.growth = max(growth, 0)
        self.spread = spread
        self.observedUpTo = observedUpTo
    }

    /// From the shape of a prompt: `promptsPerCall` prompts each giving `candidatesPerPrompt`, of which
    /// `admissionRate` are admitted with an empty pool, the rate halving when the pool reaches `halvingPool`.
    public static func from(
        promptsPerCall: Int, candidatesPerPrompt: Double, admissionRate: Double, halvingPool: Double, spread: Double
    ) -> GenerationYield {
        let base = 1 / (Double(promptsPerCall) * candidatesPerPrompt * admissionRate)
        return GenerationYield(base: base, growth: base / halvingPool, spread: spread)
    }

    /// Widening of the range per doubling of the target beyond the largest observed pool.
    public static let extrapolationSpreadPerDoubling = 0.1

    /// Calls that admit `target` instructions (the surplus calls at the end are the estimator's business):
    /// the integral of base + growth · n over n in 0..<target.
    public func calls(toAdmit target: Int) -> EstimateRange {
        let t = Double(max(target, 0))
        let expected = base * t + growth * t * t / 2
        var width = spread
        if let observedUpTo, observedUpTo > 0, target > observedUpTo {
            width += Self.extrapolationSpreadPerDoubling * Self.doublings(t / Double(observedUpTo))
        }
        return EstimateRange(expected, spread: min(width, 0.9))
    }

    /// The least-squares line through the observed requests, each pool size weighted by what it holds:
    /// minimises Σ (calls − admitted · (base + growth · n))² over the buckets. Nil without any admission.
    /// A line that would fall as the pool grows (noise in a short run) is flattened to the mean.
    public static func fitted(_ buckets: [ObservedYields.PoolBucket], spread: Double) -> GenerationYield? {
        let admitted = buckets.reduce(0) { $0 + $1.admitted }
        guard admitted > 0 else { return nil }
        let calls = Double(buckets.reduce(0) { $0 + $1.requests })
        let largest = buckets.map(\.poolSize).max() ?? 0
        let mean = GenerationYield(base: calls / Double(admitted), growth: 0, spread: spread, observedUpTo: largest)
        // Normal equations of calls ≈ base · a + growth · a · n with a = admitted, n = pool size.
        var s11 = 0.0, s12 = 0.0, s22 = 0.0, r1 = 0.0, r2 = 0.0
        for bucket in buckets {
            let x1 = Double(bucket.admitted), x2 = Double(bucket.admitted) * Double(bucket.poolSize), y = Double(bucket.requests)
            s11 += x1 * x1
            s12 += x1 * x2
            s22 += x2 * x2
            r1 += x1 * y
            r2 += x2 * y
        }
        let determinant = s11 * s22 - s12 * s12
        guard determinant > 1e-9 * s11 * s22 else { return mean }
        let base = (r1 * s22 - r2 * s12) / determinant
        let growth = (s11 * r2 - s12 * r1) / determinant
        guard base > 0, growth >= 0 else { return mean }
        return GenerationYield(base: base, growth: growth, spread: spread, observedUpTo: largest)
    }

    /// log2 of `ratio` ≥ 1, interpolated linearly within each octave (exact at powers of two; the domain has
    /// no libm): enough for a range's width.
    static func doublings(_ ratio: Double) -> Double {
        guard ratio > 1 else { return 0 }
        return Double(ratio.exponent) + (ratio.significand - 1)
    }
}
