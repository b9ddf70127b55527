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
    /// Largest accepted request body in bytes (413 beyond), uploads included.
    public var maxRequestBytes: Int
    /// How batches (`/v1/batches`) progress, fail and expire.
    public var batch: BatchConfiguration

    public init(
        seed: UInt64 = 42,
        latency: LatencyModel = .none,
        faults: FaultInjection = .none,
        requiredAPIKey: String? = nil,
        models: [String] = ["si-sim-1"],
        contextTokens: Int = 8192,
        maxRequestBytes: Int = 16 << 20,
        batch: BatchConfiguration = BatchConfiguration()
    ) {
        self.seed = seed
        self.latency = latency
        self.faults = faults
        self.requiredAPIKey = requiredAPIKey
        self.models = models
        self.contextTokens = contextTokens
        self.maxRequestBytes = maxRequestBytes
        self.batch = batch
    }
}
