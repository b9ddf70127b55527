import ArgumentParser

/// `sictl run …`: create runs and move them through their lifecycle.
struct RunGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Create a run and start, pause, resume, drain or cancel it.",
        subcommands: [RunCreate.self, RunEstimate.self, RunStart.self, RunPause.self, RunResume.self, RunCancel.self, RunDrain.self]
    )
}
