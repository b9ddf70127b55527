// Whether the teacher answers, as the stages of one daemon see it: an outage (connection refused, timeouts,
// 502/503/504 after the client's own retries) that lasts longer than a set time pauses the run instead of
// retrying or dead-lettering without end. Any answer, even a refusal, shows the server is there.

import Synchronization
public import Teacher

/// The teacher's reachability, shared by the stage services of one process.
public final class TeacherReachability: Sendable {
    private struct State {
        var lastAnswer: ContinuousClock.Instant?
        var failingSince: ContinuousClock.Instant?
        var lastFailure: ContinuousClock.Instant?
    }

    /// How long failures may go on with no answer in between before the run pauses.
    public let unreachableAfter: Duration
    private let state = Mutex(State())

    public init(unreachableAfter: Duration) {
        self.unreachableAfter = unreachableAfter
    }

    /// True for the failures that mean "no server answered" rather than "the server refused this".
    public static func isOutage(_ error: TeacherError) -> Bool {
        switch error.kind {
        case .connectionFailed, .timeout, .transport: true
        case .serverError: [502, 503, 504].contains(error.httpStatus ?? 0)
        default: false
        }
    }

    /// The teacher answered.
    public func answered(at now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.lastAnswer = now
            state.failingSince = nil
        }
    }

    /// An outage failure; returns true when the teacher has now been unreachable for `unreachableAfter`.
    public func failed(at now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            // Failures far apart (an idle daemon, a run resumed after an outage) start a new window.
            if let last = state.lastFailure, last.duration(to: now) > unreachableAfter { state.failingSince = nil }
            let since = state.failingSince ?? now
            state.failingSince = since
            state.lastFailure = now
            let reached = since.duration(to: now) >= unreachableAfter
            // The run pauses now; after its resume the teacher gets a full window again.
            if reached { state.failingSince = nil }
            return reached
        }
    }

    /// True when the teacher answered (anything) after `instant`: a failure since then is the item's, not an outage.
    public func answered(after instant: ContinuousClock.Instant) -> Bool {
        state.withLock { $0.lastAnswer.map { $0 > instant } ?? false }
    }
}
