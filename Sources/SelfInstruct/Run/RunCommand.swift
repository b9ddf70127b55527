/// An operator verb over a run's status.
public enum RunCommand: String, Sendable, Hashable, CaseIterable {
    case start, pause, resume, cancel, drain

    /// Statuses the verb may be applied to.
    public var allowedFrom: Set<RunStatus> {
        switch self {
        case .start: [.created]
        case .pause: [.running, .draining]
        case .resume: [.paused]
        case .cancel: [.created, .running, .paused, .draining]
        case .drain: [.running, .paused]
        }
    }

    /// The status the verb leads to.
    public var resultingStatus: RunStatus {
        switch self {
        case .start, .resume: .running
        case .pause: .paused
        case .cancel: .cancelled
        case .drain: .draining
        }
    }
}
