import ArgumentParser
import SelfInstruct

struct RunStart: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start a created run: records started_at and issues its generation tokens.",
        discussion: "Example:\n  sictl run start 1")
    static let command = RunCommand.start
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}
