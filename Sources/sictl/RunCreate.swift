import Operations
import SelfInstruct
import ArgumentParser
import Records

struct RunCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Define a run and its seed tasks (status created); prints the run id.",
        discussion: """
            From flags, or from a run file (JSON; flags override its values). Keys of a run file: name, recipe, \
            seeds (path, relative to the run file), target, seed, threshold, concurrency, model, budget_usd, \
            budget_tokens, price_prompt, price_completion; the whole file is kept in runs.config.

            A budget caps what the run may spend across every daemon: each teacher request reserves its worst \
            case (prompt estimate plus max_tokens) before it starts, and when the next one would pass the cap the \
            run pauses with reason budget_exhausted (sictl run resume RUN --budget-usd X goes on). A dollar \
            budget needs the run's prices. See what a run will cost first with sictl run estimate.

            Examples:
              sictl run create --name demo --recipe self-instruct --seeds seed_tasks.jsonl --target 500
              sictl run create --name paid --recipe alpaca --seeds seeds.jsonl --target 5000 --model gpt-3.5-turbo-instruct \\
                --price-prompt 1.5 --price-completion 2 --budget-usd 20
              sictl run create --run-file run.json --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var definition: RunDefinitionOptions

    func validate() throws {
        let missing = definition.missing(["--name", "--recipe", "--seeds", "--target"])
        if !missing.isEmpty {
            throw ValidationError("missing \(missing.joined(separator: ", ")) (or give --run-file)")
        }
    }

    func run() async throws {
        do {
            let definition = try self.definition.loadDefinition()
            let runID = try await DatabaseAccess.with(application: "sictl-run") { database in
                try await RunControl(database: database).create(definition)
            }
            if global.json {
                print(try ReportJSON.encode(Created(runId: runID, name: definition.name, seedTasks: definition.seeds.count, target: definition.target)))
            } else {
                print(runID)
                Console.error("created run \(runID) '\(definition.name)' (\(definition.recipe.rawValue), target \(definition.target), \(definition.seeds.count) seed tasks); start it with: sictl run start \(runID)")
            }
        } catch let failure as CommandFailure {
            Console.error("sictl run create: \(failure)")
            throw ExitCode.failure
        }
    }

    struct Created: Encodable {
        var runId: Int64
        var name: String
        var seedTasks: Int
        var target: Int
    }
}
