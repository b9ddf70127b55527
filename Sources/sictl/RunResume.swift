import ArgumentParser
import SelfInstruct

struct RunResume: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused run.", discussion: "Example:\n  sictl run resume 1")
    static let command = RunCommand.resume
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}
