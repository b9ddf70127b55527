import ArgumentParser
import Operations
import Store

/// Options both dlq verbs take.
struct DeadLetterFilterOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Run id or name (default: every run).", valueName: "run"))
    var run: String?

    @Option(name: .long, help: ArgumentHelp("Only this stage: generate, filter.instructions, classify, instances, filter.instances, shards.", valueName: "stage"))
    var stage: String?

    func validate() throws {
        do {
            try DeadLetters.validate(stage: stage)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func selection(_ database: Database, ids: [Int64] = [], includeReplayed: Bool = false) async throws -> DeadLetterSelection {
        let runID: Int64? = if let run { try await RunControl(database: database).resolve(run) } else { nil }
        return DeadLetterSelection(runID: runID, stage: stage, ids: ids, includeReplayed: includeReplayed)
    }
}
