// Retry timing as pure values: the domain's full-jitter exponential `Backoff` with the server's Retry-After as a
// floor, and a parser for Retry-After in both of its forms.

public import SelfInstruct

/// The domain's `Backoff` plus the server's say: attempt k waits a uniform random time in
/// [0, min(cap, base·2^(k-1))], never less than the server's `Retry-After` (clipped to `maximumRetryAfter`).
///
/// With base 0.5 s and cap 30 s the upper bounds are: attempt 1 → 0.5 s, 2 → 1 s, 3 → 2 s, 4 → 4 s,
/// 5 → 8 s, 6 → 16 s, 7 and later → 30 s.
public struct BackoffPolicy: Sendable, Hashable {
    /// The jittered exponential delay (attempt 1 is the delay before the 2nd try).
    public var backoff: Backoff
    /// Longest `Retry-After` honoured; a larger one is clipped to this (a misbehaving server cannot park us for hours).
    public var maximumRetryAfter: Duration

    public init(_ backoff: Backoff, maximumRetryAfter: Duration = .seconds(300)) {
        self.backoff = backoff
        self.maximumRetryAfter = maximumRetryAfter
    }

    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(30), maximumRetryAfter: Duration = .seconds(300)) {
        self.init(Backoff(base: base, cap: cap), maximumRetryAfter: maximumRetryAfter)
    }

    /// The largest delay attempt `attempt` (1-based: the delay before the 2nd try is attempt 1) can draw.
    public func ceiling(forAttempt attempt: Int) -> Duration {
        backoff.ceiling(attempt: attempt)
    }

    /// The delay before retrying after failed attempt `attempt`, drawing the jitter from `random`.
    public func delay(
        afterAttempt attempt: Int, retryAfter: Duration?, using random: inout some RandomNumberGenerator
    ) -> Duration {
        let jittered = backoff.delay(attempt: attempt, using: &random)
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, maximumRetryAfter))
    }
}

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

/// Parsing of the `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
public enum RetryAfter {
    /// The delay `value` asks for, measured from `now` (Unix seconds) for the date form; a date in the past
    /// gives zero. `nil` when the value is neither form.
    public static func parse(_ value: String, nowUnixSeconds now: Int64) -> Duration? {
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        if trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Absurdly long digit strings saturate instead of failing.
            guard let seconds = Int64(trimmed) else { return .seconds(Int64.max / 2) }
            return .seconds(seconds)
        }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return .seconds(max(0, date - now))
    }
}

/// The three HTTP-date forms (RFC 9110 §5.6.7), parsed to Unix seconds without Foundation.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Unix seconds for `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT`
    /// (RFC 850) or `Sun Nov  6 08:49:37 1994` (asctime).
    static func parse(_ text: String) -> Int64? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        // IMF-fixdate: [weekday, day, month, year, time, GMT]
        if tokens.count == 6, tokens[5].uppercased() == "GMT", let day = Int(tokens[1]), let month = month(tokens[2]),
            let year = Int(tokens[3]), tokens[3].count == 4
        {
            return unixSeconds(year: year, month: month, day: day, time: tokens[4])
        }
        // RFC 850: [weekday, dd-Mon-yy, time, GMT]
        if tokens.count == 4, tokens[3].uppercased() == "GMT" {
            let parts = tokens[1].split(separator: "-").map(String.init)
            if parts.count == 3, let day = Int(parts[0]), let month = month(parts[1]), let shortYear = Int(parts[2]) {
                // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
                let year = parts[2].count == 2 ? (shortYear < 70 ? 2000 + shortYear : 1900 + shortYear) : shortYear
                return unixSeconds(year: year, month: month, day: day, time: tokens[2])
            }
        }
        // asctime: [weekday, month, day, time, year]
        if tokens.count == 5, let month = month(tokens[1]), let day = Int(tokens[2]), let year = Int(tokens[4]) {
            return unixSeconds(year: year, month: month, day: day, time: tokens[3])
        }
        return nil
    }

    private static func month(_ name: String) -> Int? {
        months.firstIndex(of: name.lowercased()).map { $0 + 1 }
    }

    private static func unixSeconds(year: Int, month: Int, day: Int, time: String) -> Int64? {
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]), (0...60).contains(clock[2]),
            (1...31).contains(day), (1...12).contains(month), (1900...9999).contains(year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's civil-date algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

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
