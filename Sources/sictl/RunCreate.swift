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

    @Option(name: .long, help: ArgumentHelp("Unique run name.", valueName: "name"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("self-instruct or alpaca.", valueName: "recipe"))
    var recipe: String?

    @Option(name: .long, help: ArgumentHelp("Seed tasks: Self-Instruct JSONL, Alpaca JSONL or a JSON list.", valueName: "file"))
    var seeds: String?

    @Option(name: .long, help: ArgumentHelp("Admitted instructions to produce.", valueName: "n"))
    var target: Int?

    @Option(name: .long, help: ArgumentHelp("The run's 64-bit generator seed (default 0).", valueName: "s"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("ROUGE-L novelty threshold (default 0.7).", valueName: "f"))
    var threshold: Double?

    @Option(name: .long, help: ArgumentHelp("Circulating generation tokens (default 8).", valueName: "n"))
    var concurrency: Int?

    @Option(name: .long, help: ArgumentHelp("Teacher model name (default: the daemons' SI_TEACHER_MODEL).", valueName: "model"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Dollar cap on the run's teacher spend (needs the prices).", valueName: "usd"))
    var budgetUsd: Double?

    @Option(name: .long, help: ArgumentHelp("Token cap on the run's teacher calls, prompt plus completion.", valueName: "n"))
    var budgetTokens: Int64?

    @Option(name: .long, help: ArgumentHelp("Teacher price in USD per million prompt tokens.", valueName: "usd-per-m"))
    var pricePrompt: Double?

    @Option(name: .long, help: ArgumentHelp("Teacher price in USD per million completion tokens.", valueName: "usd-per-m"))
    var priceCompletion: Double?

    @Option(name: .long, help: ArgumentHelp("A JSON run file with the keys above.", valueName: "file"))
    var runFile: String?

    func validate() throws {
        if let recipe, Recipe(rawValue: recipe) == nil {
            throw ValidationError("--recipe must be self-instruct or alpaca (got '\(recipe)')")
        }
        if let threshold, !(0...1).contains(threshold) {
            throw ValidationError("--threshold must be between 0 and 1 (got \(threshold))")
        }
        if let target, target <= 0 { throw ValidationError("--target must be positive (got \(target))") }
        if let concurrency, concurrency <= 0 { throw ValidationError("--concurrency must be positive (got \(concurrency))") }
        for (flag, value) in [("--budget-usd", budgetUsd), ("--price-prompt", pricePrompt), ("--price-completion", priceCompletion)] {
            if let value, !(value.isFinite && value >= 0) { throw ValidationError("\(flag) must be a non-negative number (got \(value))") }
        }
        if let budgetTokens, budgetTokens <= 0 { throw ValidationError("--budget-tokens must be positive (got \(budgetTokens))") }
        if runFile == nil {
            let missing = [("--name", name == nil), ("--recipe", recipe == nil), ("--seeds", seeds == nil), ("--target", target == nil)]
                .filter(\.1).map(\.0)
            if !missing.isEmpty {
                throw ValidationError("missing \(missing.joined(separator: ", ")) (or give --run-file)")
            }
        }
    }

    func run() async throws {
        do {
            let definition = try loadDefinition()
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

    /// Prices from the two flags; one alone prices the other kind of token at 0.
    static func prices(prompt: Double?, completion: Double?) -> TokenPrices? {
        guard prompt != nil || completion != nil else { return nil }
        return TokenPrices(promptPerMillion: prompt ?? 0, completionPerMillion: completion ?? 0)
    }

    struct Created: Encodable {
        var runId: Int64
        var name: String
        var seedTasks: Int
        var target: Int
    }

    /// Flags over the run file's values; the seed file is loaded and checked here (errors name file:line).
    func loadDefinition() throws(CommandFailure) -> RunDefinition {
        var file = RunFile()
        if let runFile { file = try RunFile.load(runFile) }
        let recipeName = recipe ?? file.recipe
        guard let name = name ?? file.name else { throw CommandFailure(description: "\(runFile ?? "flags"): no run name") }
        guard let recipeName else { throw CommandFailure(description: "\(runFile ?? "flags"): no recipe") }
        guard let chosenRecipe = Recipe(rawValue: recipeName) else {
            throw CommandFailure(description: "recipe must be self-instruct or alpaca (got '\(recipeName)')")
        }
        guard let seedPath = seeds ?? file.seeds else { throw CommandFailure(description: "\(runFile ?? "flags"): no seeds file") }
        guard let chosenTarget = target ?? file.target else { throw CommandFailure(description: "\(runFile ?? "flags"): no target") }
        let seedFile = SeedLoader.load(try FileIO.readAll(seedPath), fileName: seedPath)
        for warning in seedFile.warnings { Console.error(warning.description) }
        let errors = seedFile.errors
        if !errors.isEmpty {
            for problem in errors.prefix(20).dropLast() { Console.error(problem.description) }
            let more = errors.count > 20 ? " (and \(errors.count - 20) more errors)" : ""
            throw CommandFailure(description: errors.prefix(20).last!.description + more)
        }
        let definition = RunDefinition(
            name: name, recipe: chosenRecipe, target: chosenTarget, seed: seed ?? file.seed ?? 0,
            threshold: threshold ?? file.threshold ?? 0.7, concurrency: concurrency ?? file.concurrency ?? 8,
            teacherModel: model ?? file.model, configJSON: file.json, seeds: seedFile.tasks,
            budget: RunBudget.capping(usd: budgetUsd ?? file.budgetUSD, tokens: budgetTokens ?? file.budgetTokens),
            prices: Self.prices(prompt: pricePrompt ?? file.pricePrompt, completion: priceCompletion ?? file.priceCompletion))
        let problems = definition.problems
        guard problems.isEmpty else { throw CommandFailure(description: problems.joined(separator: "; ")) }
        return definition
    }
}
