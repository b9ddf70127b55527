import SelfInstruct

/// An operator-facing failure: printed as one line on stderr, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    /// Fails on the errors among `problems` (warnings pass): the first 20 go to stderr, the last of them as this
    /// failure, with how many more there were and `suffix`. Returns when there is no error.
    static func onErrors(_ problems: [InputProblem], suffix: String = "") throws(CommandFailure) {
        let errors = problems.filter { $0.severity == .error }
        guard let last = errors.prefix(20).last else { return }
        for problem in errors.prefix(20).dropLast() { Console.error(problem.description) }
        let more = errors.count > 20 ? " (and \(errors.count - 20) more errors)" : ""
        throw CommandFailure(description: last.description + more + suffix)
    }
}
