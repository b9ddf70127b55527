import SelfInstruct
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test("ceilings double from the base and stop at the cap, even for huge attempts", arguments: [
        (1, 100), (2, 200), (3, 400), (4, 800), (9, 25_600), (10, 30_000), (11, 30_000), (1000, 30_000), (Int.max, 30_000),
    ])
    func ceilings(attempt: Int, expectedMilliseconds: Int) {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(30))
        #expect(backoff.ceiling(attempt: attempt) == .milliseconds(expectedMilliseconds))
    }

    @Test("the database's reconnect ceilings: 50 ms doubling to 2 s")
    func storeCeilings() {
        let backoff = Backoff(base: .milliseconds(50), cap: .seconds(2))
        let ceilings = (1...8).map { backoff.ceiling(attempt: $0) }
        #expect(ceilings == [50, 100, 200, 400, 800, 1600, 2000, 2000].map { Duration.milliseconds($0) })
    }

    @Test("a unit random scales the ceiling: full jitter from zero to the ceiling", arguments: [0.0, 0.25, 0.5, 0.999])
    func unitRandomJitter(unitRandom: Double) {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(60))
        let delay = backoff.delay(attempt: 3, unitRandom: unitRandom)  // ceiling 4 s
        let difference = delay - .seconds(4) * unitRandom
        #expect(difference < .nanoseconds(2) && difference > .nanoseconds(-2))
    }

    @Test("drawn delays stay within 0...ceiling, spread over it, and repeat for the same seed")
    func drawnDelays() {
        let backoff = Backoff(base: .milliseconds(10), cap: .milliseconds(100))
        var generator = SeededRandom(seed: 42)
        for attempt in 1...20 {
            let delay = backoff.delay(attempt: attempt, using: &generator)
            #expect(delay >= .zero && delay <= backoff.ceiling(attempt: attempt))
        }
        let draws = (0..<2000).map { _ in backoff.delay(attempt: 4, using: &generator) }  // ceiling 80 ms
        #expect(draws.contains { $0 < .milliseconds(8) })
        #expect(draws.contains { $0 > .milliseconds(72) })
        var first = SeededRandom(seed: 7)
        var second = SeededRandom(seed: 7)
        #expect((1...6).map { backoff.delay(attempt: $0, using: &first) } == (1...6).map { backoff.delay(attempt: $0, using: &second) })
    }

    @Test("out-of-range inputs are clamped rather than producing negative or huge delays")
    func clamping() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(5))
        #expect(backoff.ceiling(attempt: 0) == .seconds(1))
        #expect(backoff.ceiling(attempt: -7) == .seconds(1))
        #expect(backoff.delay(attempt: 50, unitRandom: -3) == .zero)
        #expect(backoff.delay(attempt: 50, unitRandom: 7) == .seconds(5))
        #expect(backoff.delay(attempt: 50, unitRandom: .nan) == .zero)
        let negative = Backoff(base: .seconds(-1), cap: .seconds(-1))
        #expect(negative.ceiling(attempt: 3) == .zero)
        var generator = SeededRandom(seed: 1)
        #expect(negative.delay(attempt: 3, using: &generator) == .zero)
        // A cap below the base caps the first retry too.
        #expect(Backoff(base: .seconds(10), cap: .seconds(2)).ceiling(attempt: 1) == .seconds(2))
    }
}
