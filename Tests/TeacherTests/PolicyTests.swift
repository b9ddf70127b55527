import SelfInstruct
import Testing

@testable import Teacher

@Suite("Backoff and Retry-After")
struct BackoffTests {
    let policy = BackoffPolicy(base: .milliseconds(500), cap: .seconds(30), maximumRetryAfter: .seconds(120))

    @Test(arguments: [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 16.0), (7, 30.0), (8, 30.0), (500, 30.0)])
    func ceilingDoublesThenCaps(attempt: Int, seconds: Double) {
        #expect(abs(policy.ceiling(forAttempt: attempt).secondsDouble - seconds) < 1e-9)
    }

    @Test func fullJitterStaysWithinZeroAndCeilingAndSpreads() {
        var random = SeededRandom(seed: 42)
        var samples: [Double] = []
        for _ in 0..<2000 {
            let delay = policy.delay(afterAttempt: 4, retryAfter: nil, using: &random).secondsDouble
            #expect(delay >= 0 && delay <= 4.0)
            samples.append(delay)
        }
        // Full jitter covers the whole interval, not just its top (mean ≈ 2 s, low values occur).
        let mean = samples.reduce(0, +) / Double(samples.count)
        #expect(abs(mean - 2.0) < 0.2)
        #expect(samples.contains { $0 < 0.4 })
        #expect(samples.contains { $0 > 3.6 })
    }

    @Test func sameSeedSameDelays() {
        var first = SeededRandom(seed: 7)
        var second = SeededRandom(seed: 7)
        let a = (1...6).map { policy.delay(afterAttempt: $0, retryAfter: nil, using: &first) }
        let b = (1...6).map { policy.delay(afterAttempt: $0, retryAfter: nil, using: &second) }
        #expect(a == b)
    }

    @Test func retryAfterIsAFloor() {
        var random = SeededRandom(seed: 1)
        for _ in 0..<200 {
            let delay = policy.delay(afterAttempt: 1, retryAfter: .seconds(7), using: &random)
            #expect(delay >= .seconds(7))
            #expect(delay <= .seconds(7))  // attempt 1's jitter (≤ 0.5 s) never exceeds the floor
        }
    }

    @Test func retryAfterBeyondTheMaximumIsClipped() {
        var random = SeededRandom(seed: 1)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(86_400), using: &random) == .seconds(120))
    }

    @Test func retryPolicyCountsAttemptsAndRespectsClassification() {
        let retry = RetryPolicy(maximumAttempts: 3)
        let transient = TeacherError(kind: .serverError, classification: .retryable, operation: "op", message: "")
        let permanent = TeacherError(kind: .invalidRequest, classification: .failItem, operation: "op", message: "")
        #expect(retry.shouldRetry(transient, afterAttempt: 1))
        #expect(retry.shouldRetry(transient, afterAttempt: 2))
        #expect(!retry.shouldRetry(transient, afterAttempt: 3))
        #expect(!retry.shouldRetry(permanent, afterAttempt: 1))
    }

    // 1994-11-06 08:49:37 UTC, the RFC's example date.
    static let exampleDate: Int64 = 784_111_777

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ])
    func httpDateFormsAgree(text: String) {
        #expect(HTTPDate.parse(text) == Self.exampleDate)
        #expect(RetryAfter.parse(text, nowUnixSeconds: Self.exampleDate - 90) == .seconds(90))
    }

    @Test func retryAfterSeconds() {
        #expect(RetryAfter.parse("120", nowUnixSeconds: 0) == .seconds(120))
        #expect(RetryAfter.parse(" 0 ", nowUnixSeconds: 0) == .zero)
    }

    @Test func pastDateMeansNoWait() {
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", nowUnixSeconds: Self.exampleDate + 1000) == .zero)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"])
    func garbageIsIgnored(text: String) {
        #expect(RetryAfter.parse(text, nowUnixSeconds: 0) == nil)
    }

    @Test(arguments: [(1970, 1, 1, 0), (2000, 3, 1, 11_017), (2024, 2, 29, 19_782), (1969, 12, 31, -1)])
    func civilDays(year: Int, month: Int, day: Int, days: Int) {
        #expect(HTTPDate.daysFromCivil(year: year, month: month, day: day) == days)
    }
}

@Suite("Token buckets with injected time")
struct TokenBucketTests {
    let start = ContinuousClock.Instant.now

    @Test func burstThenWaitProportionalToDeficit() {
        var bucket = TokenBucket(perMinute: 60, now: start)  // 1 token per second, burst 60
        for _ in 0..<60 {
            #expect(bucket.reserve(1, at: start) == .zero)
        }
        // The 61st token is one second away, the 62nd two seconds.
        #expect(abs(bucket.reserve(1, at: start).secondsDouble - 1) < 1e-6)
        #expect(abs(bucket.reserve(1, at: start).secondsDouble - 2) < 1e-6)
    }

    @Test func refillsWithElapsedTimeUpToCapacity() {
        var bucket = TokenBucket(capacity: 10, refillPerSecond: 2, now: start)
        #expect(bucket.reserve(10, at: start) == .zero)
        #expect(abs(bucket.available(at: start.advanced(by: .seconds(3))) - 6) < 1e-9)
        #expect(abs(bucket.available(at: start.advanced(by: .seconds(100))) - 10) < 1e-9)
    }

    @Test func oversizedReservationWaitsForAFullBucketOnly() {
        var bucket = TokenBucket(capacity: 100, refillPerSecond: 10, now: start)
        #expect(bucket.reserve(100, at: start) == .zero)
        // 5000 tokens cannot ever fit; it is charged as 100 and waits 10 s instead of forever.
        #expect(abs(bucket.reserve(5000, at: start).secondsDouble - 10) < 1e-6)
    }

    @Test func refundReturnsUnusedTokens() {
        var bucket = TokenBucket(capacity: 100, refillPerSecond: 1, now: start)
        _ = bucket.reserve(80, at: start)
        bucket.refund(50, at: start)
        #expect(abs(bucket.available(at: start) - 70) < 1e-9)
        bucket.refund(1000, at: start)
        #expect(abs(bucket.available(at: start) - 100) < 1e-9)
    }

    @Test func limiterPauseHoldsEveryCallerBack() async throws {
        let limiter = RateLimiter(limits: .unlimited, clock: ContinuousClock())
        await limiter.pause(for: .milliseconds(150))
        await limiter.pause(for: .milliseconds(10))  // a shorter pause never shortens a longer one
        let started = ContinuousClock.now
        try await limiter.acquire(estimatedTokens: 1)
        #expect(started.duration(to: .now) >= .milliseconds(140))
    }

    @Test func limiterBurstBoundsTheBackToBackRequests() async throws {
        // 600/min with a burst of 2: two requests at once, then one every 100 ms (a third waits ~100 ms).
        let limiter = RateLimiter(limits: RateLimits(requestsPerMinute: 600, requestBurst: 2), clock: ContinuousClock())
        let started = ContinuousClock.now
        try await limiter.acquire(estimatedTokens: 1)
        try await limiter.acquire(estimatedTokens: 1)
        let afterBurst = started.duration(to: .now)
        try await limiter.acquire(estimatedTokens: 1)
        #expect(afterBurst < .milliseconds(80))
        #expect(started.duration(to: .now) >= .milliseconds(90))
    }

    @Test func limiterWithoutLimitsNeverWaits() async throws {
        let limiter = RateLimiter(limits: .unlimited, clock: ContinuousClock())
        let started = ContinuousClock.now
        for _ in 0..<1000 {
            try await limiter.acquire(estimatedTokens: 1_000_000)
        }
        #expect(started.duration(to: .now) < .seconds(1))
    }
}

@Suite("Completion budget and token estimate")
struct BudgetTests {
    let budget = CompletionBudget(contextTokens: 4097, safetyMargin: 64, minimumCompletionTokens: 16)

    @Test func requestedFitsUnchanged() throws {
        #expect(try budget.maxTokens(requested: 1024, promptTokens: 1000, operation: "op") == 1024)
    }

    @Test func alpacaCaseIsClamped() throws {
        // spec §6 item 6: 3072 requested after a ~1000-token prompt in a 4097 window.
        #expect(try budget.maxTokens(requested: 3072, promptTokens: 1000, operation: "op") == 4097 - 1000 - 64)
    }

    @Test func tooLittleRoomFailsTheItemClearly() {
        #expect {
            try budget.maxTokens(requested: 3072, promptTokens: 4030, operation: "POST /v1/completions")
        } throws: { error in
            guard let error = error as? TeacherError else { return false }
            return error.kind == .promptTooLong && error.classification == .failItem && error.message.contains("4030")
        }
    }

    @Test func smallRequestsBelowTheMinimumStillWork() throws {
        // A classification call asks for 3 tokens: the minimum applies to shrinking, not to what was asked.
        #expect(try budget.maxTokens(requested: 3, promptTokens: 1000, operation: "op") == 3)
    }

    let estimator = ConservativeTokenEstimator()

    @Test func emptyIsZeroAndGrowsWithText() {
        #expect(estimator.tokenCount(of: "") == 0)
        let short = estimator.tokenCount(of: "Write a poem about the sea.")
        let long = estimator.tokenCount(of: String(repeating: "Write a poem about the sea. ", count: 10))
        #expect(short > 0)
        #expect(long >= short * 10)
    }

    @Test func englishIsNotUnderestimated() {
        // Real BPE tokenizers average about 4 characters per token on English; the estimate must not fall below that.
        let text = "Generate a list of ten creative names for a coffee shop located near a university campus."
        #expect(estimator.tokenCount(of: text) >= text.count / 4)
        // "1234567" is 3 cl100k tokens (digits split in threes).
        #expect(estimator.tokenCount(of: "1234567") >= 3)
    }

    @Test func chineseCostsAtLeastOnePerCharacter() {
        let text = "请写一首关于大海的诗"
        #expect(estimator.tokenCount(of: text) >= text.count)
    }

    @Test func rareScriptsCostTheirBytes() {
        // Byte-level fallback: a 4-byte emoji may take 4 tokens.
        #expect(estimator.tokenCount(of: "🦙") == 4)
    }
}

@Suite struct RetryAfterHostileInputTests {
    /// A server controls this header: absurd years must be rejected, not overflow the date arithmetic.
    @Test(arguments: [
        "Sun Nov 6 08:49:37 99999999999999999",
        "Sunday, 06-Nov-9999999999999 08:49:37 GMT",
        "Sun, 06 Nov 0001 08:49:37 GMT",
        "Sun Nov 6 08:49:37 10000",
    ])
    func absurdDatesAreNotParsed(header: String) {
        #expect(RetryAfter.parse(header, nowUnixSeconds: 1_700_000_000) == nil)
    }

    @Test func ordinaryDatesStillParse() {
        #expect(RetryAfter.parse("Sun Nov  6 08:49:37 1994", nowUnixSeconds: 784_111_770) == .seconds(7))
    }
}
