import ArgumentParser
import Foundation
import Operations
import SelfInstruct

/// `sictl run …`: create runs and move them through their lifecycle.
struct RunGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Create a run and start, pause, resume, drain or cancel it.",
        subcommands: [RunCreate.self, RunStart.self, RunPause.self, RunResume.self, RunCancel.self, RunDrain.self]
    )
}

struct RunCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Define a run and its seed tasks (status created); prints the run id.",
        discussion: """
            From flags, or from a run file (JSON; flags override its values). Keys of a run file: name, recipe, \
            seeds (path, relative to the run file), target, seed, threshold, concurrency, model; the whole file \
            is kept in runs.config.

            Examples:
              sictl run create --name demo --recipe self-instruct --seeds seed_tasks.jsonl --target 500
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
            teacherModel: model ?? file.model, configJSON: file.json, seeds: seedFile.tasks)
        let problems = definition.problems
        guard problems.isEmpty else { throw CommandFailure(description: problems.joined(separator: "; ")) }
        return definition
    }
}

/// The values of a JSON run file (YAML is not available here; the keys are the same).
struct RunFile {
    var name: String?
    var recipe: String?
    var seeds: String?
    var target: Int?
    var seed: UInt64?
    var threshold: Double?
    var concurrency: Int?
    var model: String?
    /// The file's text, kept in runs.config.
    var json = "{}"

    static func load(_ path: String) throws(CommandFailure) -> RunFile {
        let bytes = try FileIO.readAll(path)
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            throw CommandFailure(description: "\(path): \(error)")
        }
        guard case .object(let members) = value else {
            throw CommandFailure(description: "\(path): expected a JSON object, found \(value.typeName)")
        }
        var file = RunFile(json: String(decoding: bytes, as: UTF8.self))
        let known: Set<String> = ["name", "recipe", "seeds", "target", "seed", "threshold", "concurrency", "model"]
        for (key, member) in members where known.contains(key) {
            func fail(_ expected: String) -> CommandFailure {
                CommandFailure(description: "\(path): field '\(key)': expected \(expected), found \(member.typeName)")
            }
            switch (key, member) {
            case ("name", .string(let text)): file.name = text
            case ("recipe", .string(let text)): file.recipe = text
            case ("model", .string(let text)): file.model = text
            case ("seeds", .string(let text)):
                // Relative to the run file, so a run file and its seeds travel together.
                file.seeds = text.hasPrefix("/") ? text
                    : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(text).path
            case ("target", .number(let text)), ("concurrency", .number(let text)):
                guard let number = Int(text) else { throw fail("an integer") }
                if key == "target" { file.target = number } else { file.concurrency = number }
            case ("seed", .number(let text)):
                guard let number = UInt64(text) else { throw fail("an integer in 0...2^64-1") }
                file.seed = number
            case ("threshold", .number(let text)):
                guard let number = Double(text) else { throw fail("a number") }
                file.threshold = number
            case ("name", _), ("recipe", _), ("model", _), ("seeds", _): throw fail("a string")
            default: throw fail(key == "threshold" ? "a number" : "an integer")
            }
        }
        return file
    }
}

/// Shared body of the lifecycle verbs.
protocol RunTransitionCommand: AsyncParsableCommand {
    static var command: RunCommand { get }
    var global: GlobalOptions { get }
    var run: String { get }
}

extension RunTransitionCommand {
    func run() async throws {
        do {
            let transition = try await DatabaseAccess.with(application: "sictl-run") { database in
                // The daemons' namespace decides the queue names `start` routes the first tokens to.
                let namespace = ProcessInfo.processInfo.environment[EnvironmentVariable.amqpNamespace].flatMap { $0.isEmpty ? nil : $0 } ?? "si"
                return try await RunControl(database: database, namespace: namespace).apply(Self.command, to: run)
            }
            if global.json {
                print(try ReportJSON.encode(transition))
            } else {
                let tokens = transition.tokensIssued > 0 ? "; \(transition.tokensIssued) generation tokens issued" : ""
                print("run \(transition.runID) (\(transition.name)): \(transition.from.rawValue) -> \(transition.to.rawValue)\(tokens)")
            }
        } catch let failure as CommandFailure {
            Console.error("sictl run \(Self.command.rawValue): \(failure)")
            throw ExitCode.failure
        }
    }
}

struct RunStart: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start a created run: records started_at and issues its generation tokens.",
        discussion: "Example:\n  sictl run start 1")
    static let command = RunCommand.start
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}

struct RunPause: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause a running or draining run (work in flight finishes; no new work).",
        discussion: "Example:\n  sictl run pause 1")
    static let command = RunCommand.pause
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}

struct RunResume: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused run.", discussion: "Example:\n  sictl run resume 1")
    static let command = RunCommand.resume
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}

struct RunCancel: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a run that has not finished (final).", discussion: "Example:\n  sictl run cancel 1")
    static let command = RunCommand.cancel
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}

struct RunDrain: RunTransitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Drain a run: no new generations; work in flight is finished.",
        discussion: "Example:\n  sictl run drain 1")
    static let command = RunCommand.drain
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Run id or name.", valueName: "run")) var run: String
}
