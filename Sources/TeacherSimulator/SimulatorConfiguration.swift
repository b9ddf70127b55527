#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SelfInstruct

// What a simulator instance does: its seed, its timing and the faults it injects. Everything the simulator
// answers is a function of this value and the request, so a test or benchmark is reproducible from it.

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

/// Fault rates (each in 0...1) and their parameters. HTTP faults are tried in the order 429, 500, 503, hang,
/// each taking its share of one uniform draw per attempt; content faults are drawn per choice afterwards.
public struct FaultInjection: Sendable, Hashable {
    /// Share of attempts answered `429 Too Many Requests` with a `Retry-After` header.
    public var rate429: Double
    /// Seconds announced in `Retry-After` on a 429.
    public var retryAfterSeconds: Int
    /// Share of attempts answered `500 Internal Server Error`.
    public var rate500: Double
    /// Share of attempts answered `503 Service Unavailable`.
    public var rate503: Double
    /// Share of attempts that wait `hangSeconds` before answering (a client timeout should fire first).
    public var rateHang: Double
    /// How long a hung attempt waits before it answers normally (graceful shutdown ends the wait early).
    public var hangSeconds: Double
    /// Share of choices whose text is garbled so that no reference parser finds an item, label or field in it.
    public var rateMalformed: Double
    /// Share of choices cut at a random point and reported with `finish_reason: "length"`.
    public var rateTruncated: Double
    /// Share of list choices (instruction lists, Alpaca lists) whose item numbers skip one number part-way.
    public var rateWrongNumbering: Double
    /// When positive, only the first `faultsOnlyOnFirstAttempts` attempts of each distinct request body may
    /// fault, so a client that retries the same bytes always gets through; 0 lets every attempt fault.
    public var faultsOnlyOnFirstAttempts: Int

    public init(
        rate429: Double = 0, retryAfterSeconds: Int = 1,
        rate500: Double = 0, rate503: Double = 0,
        rateHang: Double = 0, hangSeconds: Double = 30,
        rateMalformed: Double = 0, rateTruncated: Double = 0, rateWrongNumbering: Double = 0,
        faultsOnlyOnFirstAttempts: Int = 0
    ) {
        self.rate429 = rate429
        self.retryAfterSeconds = retryAfterSeconds
        self.rate500 = rate500
        self.rate503 = rate503
        self.rateHang = rateHang
        self.hangSeconds = hangSeconds
        self.rateMalformed = rateMalformed
        self.rateTruncated = rateTruncated
        self.rateWrongNumbering = rateWrongNumbering
        self.faultsOnlyOnFirstAttempts = faultsOnlyOnFirstAttempts
    }

    /// No faults at all.
    public static let none = FaultInjection()
}

/// Everything that shapes a simulator's answers.
public struct SimulatorConfiguration: Sendable {
    /// Output = f(request, seed); a request's own `seed` field replaces this one for that request.
    public var seed: UInt64
    /// Delay before a normal answer.
    public var latency: LatencyModel
    /// Injected faults.
    public var faults: FaultInjection
    /// If set, requests without `Authorization: Bearer <key>` get a 401 OpenAI-style error.
    public var requiredAPIKey: String?
    /// Served model ids; requests naming another model get a 404 `model_not_found`.
    public var models: [String]
    /// Prompt tokens plus `max_tokens` beyond this get a 400 `context_length_exceeded`.
    public var contextTokens: Int
    /// Largest accepted request body in bytes (413 beyond).
    public var maxRequestBytes: Int

    public init(
        seed: UInt64 = 42,
        latency: LatencyModel = .none,
        faults: FaultInjection = .none,
        requiredAPIKey: String? = nil,
        models: [String] = ["si-sim-1"],
        contextTokens: Int = 8192,
        maxRequestBytes: Int = 16 << 20
    ) {
        self.seed = seed
        self.latency = latency
        self.faults = faults
        self.requiredAPIKey = requiredAPIKey
        self.models = models
        self.contextTokens = contextTokens
        self.maxRequestBytes = maxRequestBytes
    }
}
