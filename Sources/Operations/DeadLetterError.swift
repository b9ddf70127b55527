import SelfInstruct

/// Why a dead-letter operation was refused as a whole.
public enum DeadLetterError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownStage(String)
    case unknownIDs([Int64])
    case finishedRun(run: String, status: String)

    public var description: String {
        switch self {
        case .unknownStage(let stage):
            "unknown stage '\(stage)'; expected one of " + PipelineStage.allCases.map(\.rawValue).joined(separator: ", ")
        case .unknownIDs(let ids):
            "no dead letter with id " + ids.map(String.init).joined(separator: ", ") + " (in the selected run and stage)"
        case .finishedRun(let run, let status):
            "run \(run) is \(status): replaying into a finished run does nothing useful (use --force to replay anyway)"
        }
    }
}
