public import SelfInstruct

/// Why a run operation was refused.
public enum RunControlError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidDefinition([String])
    case nameTaken(String)
    case unknownRun(String)
    case impossibleTransition(run: String, command: RunCommand, from: RunStatus)

    public var description: String {
        switch self {
        case .invalidDefinition(let problems): "invalid run: " + problems.joined(separator: "; ")
        case .nameTaken(let name): "a run named '\(name)' already exists"
        case .unknownRun(let reference): "no run '\(reference)' (give its id or name)"
        case .impossibleTransition(let run, let command, let from):
            "cannot \(command.rawValue) run \(run): it is \(from.rawValue)"
                + (from.isFinished ? " (finished runs stay finished)" : "; \(command.rawValue) applies to a run that is "
                    + command.allowedFrom.map(\.rawValue).sorted().joined(separator: " or "))
        }
    }
}
