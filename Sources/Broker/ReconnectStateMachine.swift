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
///
/// With several endpoints (the nodes of a cluster), each failure moves to the next one, and the backoff waits only
/// after a whole round of them failed: a node that goes away costs one connect to the next node, not a delay. A
/// connection that was stable when it was lost fails over at once; one lost soon after opening counts as a failed
/// try of its round, so a cluster that drops every connection still backs off.
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
        /// Open a connection to endpoint number `endpoint` now; `attempt` counts consecutive tries, starting at 1.
        case connect(attempt: Int, endpoint: Int)
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
    /// The endpoint the current or next connect uses, in 0..<endpointCount.
    public private(set) var endpoint: Int

    /// Failed tries since the current round of endpoints began (a round ends when each endpoint failed once).
    private var failuresThisRound = 0
    /// Whole rounds that failed since the last stable connection: the backoff's attempt number.
    private var roundsFailed = 0
    private let endpointCount: Int

    private let clock: C
    private let backoff: Backoff
    private let stableAfter: Duration
    private let maxConsecutiveFailures: Int?

    /// Makes a machine in `idle`; `maxConsecutiveFailures` nil retries forever. `firstEndpoint` (taken modulo
    /// `endpointCount`) lets replicas start on different nodes.
    public init(
        clock: C, backoff: Backoff, stableAfter: Duration = .seconds(10), maxConsecutiveFailures: Int? = nil,
        endpointCount: Int = 1, firstEndpoint: Int = 0
    ) {
        precondition(endpointCount >= 1, "at least one endpoint")
        self.endpointCount = endpointCount
        self.endpoint = ((firstEndpoint % endpointCount) + endpointCount) % endpointCount
        self.clock = clock
        self.backoff = backoff
        self.stableAfter = stableAfter
        self.maxConsecutiveFailures = maxConsecutiveFailures
    }

    /// The first connect.
    public mutating func start() -> Action {
        guard case .idle = state else { return .none }
        state = .connecting(attempt: 1)
        return .connect(attempt: 1, endpoint: endpoint)
    }

    /// The connect (and topology setup) succeeded.
    public mutating func connectSucceeded() -> Action {
        guard case .connecting = state else { return .none }
        // The round goes on until the connection proves stable: a node that accepts and then drops counts as failed.
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
        guard since.duration(to: clock.now) >= stableAfter else { return scheduleRetry(after: error, unitRandom: unitRandom) }
        consecutiveFailures = 0
        roundsFailed = 0
        guard endpointCount > 1, error.classification != .fatal else { return scheduleRetry(after: error, unitRandom: unitRandom) }
        // A stable connection went away: its node is the suspect, so the next node is tried at once.
        consecutiveFailures = 1
        failuresThisRound = 1
        endpoint = (endpoint + 1) % endpointCount
        state = .connecting(attempt: 2)
        return .connect(attempt: 2, endpoint: endpoint)
    }

    /// The timer from a `.wait` action went off (or the owner woke early and checks).
    public mutating func timerFired() -> Action {
        guard case .waiting(let attempt, let until) = state else { return .none }
        let now = clock.now
        guard now >= until else { return .wait(until: until, delay: now.duration(to: until), attempt: attempt) }
        state = .connecting(attempt: attempt)
        return .connect(attempt: attempt, endpoint: endpoint)
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
        endpoint = (endpoint + 1) % endpointCount
        failuresThisRound += 1
        if failuresThisRound < endpointCount {
            // Untried nodes remain in this round: no reason to wait before the next one.
            let attempt = consecutiveFailures + 1
            state = .connecting(attempt: attempt)
            return .connect(attempt: attempt, endpoint: endpoint)
        }
        failuresThisRound = 0
        roundsFailed += 1
        let delay = backoff.delay(attempt: roundsFailed, unitRandom: unitRandom)
        let until = clock.now.advanced(by: delay)
        let attempt = consecutiveFailures + 1
        state = .waiting(attempt: attempt, until: until)
        return .wait(until: until, delay: delay, attempt: attempt)
    }
}
