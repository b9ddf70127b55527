#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
#elseif canImport(Darwin)
import Darwin
#endif

/// Fault rates (each in 0...1) and their parameters. HTTP faults are tried in the order 429, 500, 503, 400, hang,
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
    /// Share of attempts answered `400 Bad Request` (an item the server refuses; a client must not retry it).
    public var rate400: Double
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
    /// Share of choices with control characters (a NUL, an escape, a bell) put in at random places, as models
    /// emit them; PostgreSQL cannot store the NUL.
    public var rateControlCharacters: Double
    /// When positive, only the first `faultsOnlyOnFirstAttempts` attempts of each distinct request body may
    /// fault, so a client that retries the same bytes always gets through; 0 lets every attempt fault.
    public var faultsOnlyOnFirstAttempts: Int

    public init(
        rate429: Double = 0, retryAfterSeconds: Int = 1,
        rate500: Double = 0, rate503: Double = 0, rate400: Double = 0,
        rateHang: Double = 0, hangSeconds: Double = 30,
        rateMalformed: Double = 0, rateTruncated: Double = 0, rateWrongNumbering: Double = 0,
        rateControlCharacters: Double = 0, faultsOnlyOnFirstAttempts: Int = 0
    ) {
        self.rateControlCharacters = rateControlCharacters
        self.rate429 = rate429
        self.retryAfterSeconds = retryAfterSeconds
        self.rate500 = rate500
        self.rate503 = rate503
        self.rate400 = rate400
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
