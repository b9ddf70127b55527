import SelfInstruct

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
#elseif canImport(Darwin)
import Darwin
#endif

/// How long the simulator waits before answering a request that is not faulted.
public enum LatencyModel: Sendable, Hashable {
    /// Answer at once.
    case none
    /// Always wait this many milliseconds.
    case fixed(milliseconds: Int)
    /// Wait a uniformly drawn number of milliseconds in `min...max`.
    case uniform(min: Int, max: Int)
    /// Wait `median · exp(sigma · z)` milliseconds with `z` standard normal: a long right tail like real APIs.
    case lognormal(medianMilliseconds: Double, sigma: Double)

    /// The delay in milliseconds for one request, drawn from `random` (deterministic per request and attempt).
    func milliseconds(using random: inout SeededRandom) -> Double {
        switch self {
        case .none:
            return 0
        case .fixed(let ms):
            return Double(max(0, ms))
        case .uniform(let low, let high):
            let lo = max(0, min(low, high)), hi = max(0, max(low, high))
            return Double(lo + random.uniform(below: hi - lo + 1))
        case .lognormal(let median, let sigma):
            // Box–Muller from two uniform draws; 1 - u keeps the logarithm's argument in (0, 1].
            let u1 = 1 - random.unitDouble(), u2 = random.unitDouble()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return max(0, median) * exp(sigma * z)
        }
    }
}
