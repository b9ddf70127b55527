import ArgumentParser
import SelfInstruct

struct RunDrain: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Drain a run: no new generations; work in flight is finished.",
        discussion: "Example:\n  sictl run drain 1")
    static let command = RunCommand.drain
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}
