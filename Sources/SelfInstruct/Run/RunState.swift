/// A run's status together with the reason it is paused, when it is.
public struct RunState: Sendable, Hashable {
    public var status: RunStatus
    public var pauseReason: PauseReason?

    public init(status: RunStatus, pauseReason: PauseReason? = nil) {
        self.status = status
        self.pauseReason = status == .paused ? (pauseReason ?? .operator) : nil
    }

    /// True when `stage` must park the run's messages instead of calling the teacher (a self-pause).
    public func holds(_ stage: PipelineStage) -> Bool {
        status == .paused && (pauseReason?.holds(stage) ?? false)
    }
}
