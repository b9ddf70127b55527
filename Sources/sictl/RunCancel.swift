import ArgumentParser
import SelfInstruct

struct RunCancel: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a run that has not finished (final).", discussion: "Example:\n  sictl run cancel 1")
    static let command = RunCommand.cancel
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}
