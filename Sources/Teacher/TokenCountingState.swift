/// The client's current `TokenCountingMode` and when to probe again if it is not decided yet.
struct TokenCountingState: Sendable {
    var mode: TokenCountingMode
    var decided: Bool
    /// An undecided client probes on the first multi-prompt call at or after this instant.
    var nextProbe: TeacherClock.Instant?
    /// One probe at a time; calls meanwhile use the provisional mode.
    var probing = false
    /// The warning for a response whose usage was too small is logged once per process.
    var warnedTooSmall = false

    /// How long an undecided client waits before probing again.
    static let reprobeInterval = Duration.seconds(60)
}
