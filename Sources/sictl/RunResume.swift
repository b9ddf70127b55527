import ArgumentParser
import SelfInstruct

struct RunResume: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused run, optionally with a higher budget.",
        discussion: """
            A run that paused itself (budget_exhausted, teacher_credentials_rejected, teacher_unreachable; see \
            sictl status) parked the messages that could not call the teacher; resume sends them again, so \
            nothing is lost. Fix the cause first: raise the budget here, or fix the daemons' API key, or bring \
            the teacher back.

            Examples:
              sictl run resume 1
              sictl run resume demo --budget-usd 25
            """)
    static let command = RunCommand.resume
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String

    @Option(name: .long, help: ArgumentHelp("New dollar cap (the run must have been created with a budget).", valueName: "usd"))
    var budgetUsd: Double?

    @Option(name: .long, help: ArgumentHelp("New token cap, prompt plus completion tokens.", valueName: "n"))
    var budgetTokens: Int64?

    var budget: RunBudget? { RunBudget.capping(usd: budgetUsd, tokens: budgetTokens) }

    func validate() throws {
        if let problem = budget?.problems.first { throw ValidationError(problem) }
    }
}
