/// OpenAI's batch statuses.
enum BatchStatus: String, Sendable, CaseIterable {
    case validating, failed, inProgress = "in_progress", finalizing, completed, expired, cancelling, cancelled

    /// Whether the batch may still answer requests it has not answered yet.
    var isRunning: Bool {
        switch self {
        case .validating, .inProgress, .finalizing: true
        default: false
        }
    }

    /// Whether the batch has reached its last status (its output and error files are then fixed).
    var isTerminal: Bool {
        switch self {
        case .failed, .completed, .expired, .cancelled: true
        default: false
        }
    }
}
