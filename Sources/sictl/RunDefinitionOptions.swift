import ArgumentParser
import Records
import SelfInstruct

/// The flags that define a run, shared by `run create` and `run estimate`; a run file gives the same keys.
struct RunDefinitionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Unique run name: \(RunName.rule).", valueName: "name"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("self-instruct or alpaca.", valueName: "recipe"))
    var recipe: String?

    @Option(name: .long, help: ArgumentHelp(
        "en (default: the reference, exactly), zh (Chinese prompts, one ROUGE-L token per character, Chinese filters) or unicode (English prompts, tokens and filters for any script).",
        valueName: "language"))
    var language: String?

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

    @Option(name: .long, help: ArgumentHelp(
        "Shard formats, comma-separated or all: jsonl (default), alpaca-json, self-instruct, openai-chat, sharegpt.",
        valueName: "list"))
    var format: String?

    @Option(name: .long, help: ArgumentHelp("The system turn of the openai-chat and sharegpt shards (default: none).", valueName: "text"))
    var systemPrompt: String?

    @Flag(name: .customLong("no-hygiene"), help: "Keep instances as the reference filter leaves them: no hygiene pass (run file: \"hygiene\": false).")
    var noHygiene = false

    @Option(name: .long, help: ArgumentHelp(
        "Send these stages' teacher requests through the provider's batch API (about half the price, answers within its completion window): all, or a comma-separated list of generate, classify, instances. Run file: \"batch\".",
        valueName: "stages"))
    var batch: String?

    @Option(name: .long, help: ArgumentHelp("A batch is sent once this many requests wait (default 10000, at most 50000).", valueName: "n"))
    var batchMaxRequests: Int?

    @Option(name: .long, help: ArgumentHelp("... or once the oldest waiting request is this many seconds old (default 300).", valueName: "seconds"))
    var batchMaxAge: Double?

    @Option(name: .long, help: ArgumentHelp("Seconds between status checks of a batch in flight (default 30).", valueName: "seconds"))
    var batchPoll: Double?

    @Option(name: .long, help: ArgumentHelp("Batch price as a share of the online price, for costs and budgets (default 0.5).", valueName: "f"))
    var batchPriceFactor: Double?

    @Option(name: .long, help: ArgumentHelp("A JSON run file with the keys above.", valueName: "file"))
    var runFile: String?

    /// The values' own checks; which of them are required is the command's business.
    func validate() throws {
        if let recipe, Recipe(rawValue: recipe) == nil {
            throw ValidationError("--recipe must be self-instruct or alpaca (got '\(recipe)')")
        }
        if let language, RunLanguage(rawValue: language) == nil {
            throw ValidationError("--language must be one of \(RunLanguage.names) (got '\(language)')")
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
        if let batch {
            do {
                _ = try BatchSettings.stages(named: batch)
            } catch {
                throw ValidationError("--batch: \(error)")
            }
        }
        if let batchMaxRequests, !(1...BatchSettings.largestBatch).contains(batchMaxRequests) {
            throw ValidationError("--batch-max-requests must be in 1...\(BatchSettings.largestBatch) (got \(batchMaxRequests))")
        }
        if let batchMaxAge, !(batchMaxAge.isFinite && batchMaxAge >= 0) { throw ValidationError("--batch-max-age must not be negative (got \(batchMaxAge))") }
        if let batchPoll, !(batchPoll.isFinite && batchPoll > 0) { throw ValidationError("--batch-poll must be positive (got \(batchPoll))") }
        if let batchPriceFactor, !(0...1).contains(batchPriceFactor) {
            throw ValidationError("--batch-price-factor must be in 0...1 (got \(batchPriceFactor))")
        }
        if let format {
            do {
                _ = try TrainingFormat.list(format)
            } catch {
                throw ValidationError("--format: \(error)")
            }
        }
    }

    /// The run file's object with the flags that are kept in `runs.config` set over it, checked as the stages
    /// will read it.
    private func configJSON(_ file: RunFile) throws(CommandFailure) -> String {
        var config: JSONValue
        do {
            config = try JSONReader.parse(Array(file.json.utf8))
        } catch {
            throw CommandFailure(description: "\(runFile ?? "flags"): \(error)")
        }
        if let format {
            config = config.setting("formats", to: .array(((try? TrainingFormat.list(format)) ?? []).map { .string($0.rawValue) }))
        }
        if let systemPrompt { config = config.setting("system_prompt", to: .string(systemPrompt)) }
        if let language { config = config.setting("language", to: .string(language)) }
        if noHygiene { config = config.setting("hygiene", to: .bool(false)) }
        config = try batchConfig(over: config)
        let text = JSONWriter.text(config)
        do {
            _ = try RunSettings(json: text)
        } catch {
            throw CommandFailure(description: "\(runFile ?? "flags"): \(error.message)")
        }
        return text
    }

    /// The run file's `batch` member with the batch flags set over it.
    private func batchConfig(over config: JSONValue) throws(CommandFailure) -> JSONValue {
        let tuned = batchMaxRequests != nil || batchMaxAge != nil || batchPoll != nil || batchPriceFactor != nil
        guard batch != nil || tuned else { return config }
        var settings: BatchSettings
        do {
            if let batch {
                let stages = try BatchSettings.stages(named: batch)
                settings = try config["batch"].flatMap { try BatchSettings(json: $0) } ?? BatchSettings(stages: stages)
                settings.stages = stages
            } else if let fromFile = try config["batch"].flatMap({ try BatchSettings(json: $0) }) {
                settings = fromFile
            } else {
                throw CommandFailure(description: "--batch-max-requests, --batch-max-age, --batch-poll and --batch-price-factor need --batch (or a run file's \"batch\")")
            }
        } catch let error as BatchSettingsError {
            throw CommandFailure(description: "\(runFile ?? "flags"): \(error)")
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(description: "\(error)")
        }
        if let batchMaxRequests { settings.maxRequests = batchMaxRequests }
        if let batchMaxAge { settings.maxAgeSeconds = batchMaxAge }
        if let batchPoll { settings.pollSeconds = batchPoll }
        if let batchPriceFactor { settings.priceFactor = batchPriceFactor }
        return config.setting("batch", to: settings.json)
    }

    /// The flags of `required` that are missing when no run file is given.
    func missing(_ required: [String]) -> [String] {
        guard runFile == nil else { return [] }
        let given = ["--name": name != nil, "--recipe": recipe != nil, "--seeds": seeds != nil, "--target": target != nil]
        return required.filter { given[$0] == false }
    }

    /// True when any flag that names a new run's recipe, seeds or settings is given.
    var definesRun: Bool {
        name != nil || recipe != nil || seeds != nil || seed != nil || threshold != nil || concurrency != nil || runFile != nil
            || language != nil || batch != nil
    }

    /// Flags over the run file's values; the seed file is loaded and checked here (errors name file:line).
    /// Without `requireName` a run without a name is called `defaultName`.
    func loadDefinition(requireName: Bool = true, defaultName: String = "estimate") throws(CommandFailure) -> RunDefinition {
        var file = RunFile()
        if let runFile { file = try RunFile.load(runFile) }
        let recipeName = recipe ?? file.recipe
        guard let name = name ?? file.name ?? (requireName ? nil : defaultName) else {
            throw CommandFailure(description: "\(runFile ?? "flags"): no run name")
        }
        guard let recipeName else { throw CommandFailure(description: "\(runFile ?? "flags"): no recipe") }
        guard let chosenRecipe = Recipe(rawValue: recipeName) else {
            throw CommandFailure(description: "recipe must be self-instruct or alpaca (got '\(recipeName)')")
        }
        guard let seedPath = seeds ?? file.seeds else { throw CommandFailure(description: "\(runFile ?? "flags"): no seeds file") }
        guard let chosenTarget = target ?? file.target else { throw CommandFailure(description: "\(runFile ?? "flags"): no target") }
        let seedFile = SeedLoader.load(try FileIO.readAll(seedPath), fileName: seedPath)
        for warning in seedFile.warnings { Console.error(warning.description) }
        try CommandFailure.onErrors(seedFile.errors)
        let definition = RunDefinition(
            name: name, recipe: chosenRecipe, target: chosenTarget, seed: seed ?? file.seed ?? 0,
            threshold: threshold ?? file.threshold ?? 0.7, concurrency: concurrency ?? file.concurrency ?? 8,
            teacherModel: model ?? file.model, configJSON: try configJSON(file), seeds: seedFile.tasks,
            budget: RunBudget.capping(usd: budgetUsd ?? file.budgetUSD, tokens: budgetTokens ?? file.budgetTokens),
            prices: TokenPrices.given(
                promptPerMillion: pricePrompt ?? file.pricePrompt, completionPerMillion: priceCompletion ?? file.priceCompletion))
        let problems = definition.problems
        guard problems.isEmpty else { throw CommandFailure(description: problems.joined(separator: "; ")) }
        return definition
    }
}
