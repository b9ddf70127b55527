// Why a paused run is paused: by its operator, or by itself because going on would waste money or fail every call.

/// The stored `runs.pause_reason` of a paused run.
public enum PauseReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// `sictl run pause`: generation stops; work already admitted finishes.
    case `operator`
    /// The next teacher request would pass the run's budget.
    case budgetExhausted = "budget_exhausted"
    /// The teacher refused the API key (HTTP 401/403).
    case teacherCredentialsRejected = "teacher_credentials_rejected"
    /// The teacher could not be reached for longer than `SI_TEACHER_UNREACHABLE_SECONDS`.
    case teacherUnreachable = "teacher_unreachable"

    /// True when `stage` must not call the teacher for a run paused for this reason. Its messages are parked
    /// (kept in PostgreSQL) and sent again by `sictl run resume`. An operator pause only stops generation, which
    /// the filters do by not re-issuing tokens.
    public func holds(_ stage: PipelineStage) -> Bool {
        guard self != .operator else { return false }
        return stage.callsTeacher
    }

    /// What an operator should do, in a sentence for `sictl status`.
    public var advice: String {
        switch self {
        case .operator: "resume with: sictl run resume RUN"
        case .budgetExhausted: "raise the cap and go on: sictl run resume RUN --budget-usd X (or --budget-tokens N)"
        case .teacherCredentialsRejected: "fix the teacher's API key (SI_TEACHER_API_KEY or SI_TEACHER_API_KEY_FILE of the daemons), then: sictl run resume RUN"
        case .teacherUnreachable: "check that the teacher server answers (sictl doctor), then: sictl run resume RUN"
        }
    }
}
