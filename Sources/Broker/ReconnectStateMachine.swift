public import SelfInstruct

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// When to (re)connect, as a pure value: events in, actions out; the caller performs the I/O and owns the timer.
///
/// Consecutive failures (refused connects and connections lost soon after opening) grow the backoff; a connection
/// that stayed up for `stableAfter` resets it. Fatal errors (bad credentials, a malformed URL) stop at once.
public struct ReconnectStateMachine<C: Clock>: Sendable where C.Duration == Duration, C: Sendable {
    /// Where the connection stands.
    public enum State: Sendable, Equatable {
        case idle
        case connecting(attempt: Int)
        case connected(since: C.Instant)
        case waiting(attempt: Int, until: C.Instant)
        case stopped
    }

    /// What the owner of the connection does next.
    public enum Action: Sendable, Equatable {
        /// Open a connection now; `attempt` counts consecutive tries, starting at 1.
        case connect(attempt: Int)
        /// Sleep until `until` (a `delay` from now), then report `timerFired()`.
        case wait(until: C.Instant, delay: Duration, attempt: Int)
        /// Stop retrying and fail everything with `error`.
        case giveUp(BrokerError)
        /// Nothing to do.
        case none
    }

    /// The current state.
    public private(set) var state: State = .idle
    /// Failures since the last connection that stayed up for `stableAfter`.
    public private(set) var consecutiveFailures = 0

    private let clock: C
    private let backoff: Backoff
    private let stableAfter: Duration
    private let maxConsecutiveFailures: Int?

    /// Makes a machine in `idle`; `maxConsecutiveFailures` nil retries forever.
    public init(clock: C, backoff: Backoff, stableAfter: Duration = .seconds(10), maxConsecutiveFailures: Int? = nil) {
        self.clock = clock
        self.backoff = backoff
        self.stableAfter = stableAfter
        self.maxConsecutiveFailures = maxConsecutiveFailures
    }

    /// The first connect.
    public mutating func start() -> Action {
        guard case .idle = state else { return .none }
        state = .connecting(attempt: 1)
        return .connect(attempt: 1)
    }

    /// The connect (and topology setup) succeeded.
    public mutating func connectSucceeded() -> Action {
        guard case .connecting = state else { return .none }
        state = .connected(since: clock.now)
        return .none
    }

    /// The connect failed with `error`; `unitRandom` in [0, 1) draws the jitter.
    public mutating func connectFailed(_ error: BrokerError, unitRandom: Double) -> Action {
        guard case .connecting = state else { return .none }
        return scheduleRetry(after: error, unitRandom: unitRandom)
    }

    /// An open connection died with `error`.
    public mutating func connectionLost(_ error: BrokerError, unitRandom: Double) -> Action {
        guard case .connected(let since) = state else { return .none }
        if since.duration(to: clock.now) >= stableAfter { consecutiveFailures = 0 }
        return scheduleRetry(after: error, unitRandom: unitRandom)
    }

    /// The timer from a `.wait` action went off (or the owner woke early and checks).
    public mutating func timerFired() -> Action {
        guard case .waiting(let attempt, let until) = state else { return .none }
        let now = clock.now
        guard now >= until else { return .wait(until: until, delay: now.duration(to: until), attempt: attempt) }
        state = .connecting(attempt: attempt)
        return .connect(attempt: attempt)
    }

    /// The owner closes for good; later events do nothing.
    public mutating func stop() -> Action {
        state = .stopped
        return .none
    }

    private mutating func scheduleRetry(after error: BrokerError, unitRandom: Double) -> Action {
        consecutiveFailures += 1
        if error.classification == .fatal {
            state = .stopped
            return .giveUp(error)
        }
        if let maxConsecutiveFailures, consecutiveFailures >= maxConsecutiveFailures {
            state = .stopped
            return .giveUp(error)
        }
        let delay = backoff.delay(attempt: consecutiveFailures, unitRandom: unitRandom)
        let until = clock.now.advanced(by: delay)
        let attempt = consecutiveFailures + 1
        state = .waiting(attempt: attempt, until: until)
        return .wait(until: until, delay: delay, attempt: attempt)
    }
}
