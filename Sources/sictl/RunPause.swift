import ArgumentParser
import SelfInstruct

struct RunPause: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause a running or draining run (work in flight finishes; no new work).",
        discussion: "Example:\n  sictl run pause 1")
    static let command = RunCommand.pause
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}
