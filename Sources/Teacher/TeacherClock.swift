/// The clock a `TeacherClient` waits on (backoff and rate limits): the real continuous clock, or a virtual
/// one in tests so that retries after a 20 s `Retry-After` take microseconds.
public struct TeacherClock: Clock, Sendable {
    public typealias Instant = ContinuousClock.Instant
    public typealias Duration = Swift.Duration

    private let readNow: @Sendable () -> Instant
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// A clock reading `now` and waiting with `sleep`.
    public init(now: @escaping @Sendable () -> Instant, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        readNow = now
        sleeper = sleep
    }

    /// Real time.
    public static var continuous: TeacherClock {
        TeacherClock(now: { ContinuousClock.now }, sleep: { try await Task.sleep(for: $0) })
    }

    public var now: Instant { readNow() }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let wait = readNow().duration(to: deadline)
        if wait > .zero { try await sleeper(wait) }
    }
}
