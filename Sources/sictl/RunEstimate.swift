import ArgumentParser
import Foundation
import Operations
import Records
import SelfInstruct

struct RunEstimate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Expected teacher calls, tokens and dollars of a run, before anything is spent.",
        discussion: """
            For a run about to be created (the flags of sictl run create, or its run file) or for an existing \
            RUN (id or name; --target, --model, the prices and the budget may be overridden). Per stage that calls \
            the teacher (generate; self-instruct also classify and instances) and in total: calls, prompt and \
            completion tokens and dollars, as expected (low–high).

            The yields come from earlier runs of the same recipe in the database (completed or under way; with \
            --model, only calls to that model) and otherwise from documented defaults (docs/operations.md): \
            generation prompts are rendered from the seeds, completion sizes and admission rates are measured on \
            si-teacher-sim (models named si-sim*) or assumed for real models. Without prices, dollars are unknown. \
            With a budget it says whether the budget covers the high end and about how many admitted \
            instructions it buys.

            Examples:
              sictl run estimate --recipe self-instruct --seeds seeds.jsonl --target 2000
              sictl run estimate --recipe alpaca --seeds seeds.jsonl --target 52000 \\
                --model gpt-3.5-turbo-instruct --price-prompt 1.5 --price-completion 2 \\
                --budget-usd 20
              sictl run estimate --run-file run.json --json
              sictl run estimate demo --target 5000
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("An existing run (id or name) instead of the definition flags.", valueName: "run"))
    var run: String?

    @OptionGroup var definition: RunDefinitionOptions

    func validate() throws {
        if run != nil {
            if definition.definesRun {
                throw ValidationError("give a RUN or the flags of a new run (--recipe, --seeds, --run-file …), not both")
            }
        } else {
            let missing = definition.missing(["--recipe", "--seeds", "--target"])
            if !missing.isEmpty { throw ValidationError("missing \(missing.joined(separator: ", ")) (or give --run-file, or a RUN)") }
        }
    }

    func run() async throws {
        do {
            let newRun: RunDefinition? = run == nil ? try definition.loadDefinition(requireName: false) : nil
            let (plan, result) = try await DatabaseAccess.with(application: "sictl-estimate") { database in
                let estimation = CostEstimation(database: database)
                var plan: EstimatePlan
                if let newRun {
                    plan = EstimatePlan(
                        recipe: newRun.recipe, target: newRun.target, concurrency: newRun.concurrency, model: newRun.teacherModel,
                        prices: newRun.prices, budget: newRun.budget, seeds: newRun.seeds,
                        language: (try? RunSettings(json: newRun.configJSON))?.language ?? .en,
                        batch: (try? RunSettings(json: newRun.configJSON))?.batch)
                } else {
                    plan = try await estimation.plan(runID: try await RunControl(database: database).resolve(run ?? ""))
                    plan.target = definition.target ?? plan.target
                    plan.model = definition.model ?? plan.model
                    plan.prices = TokenPrices.given(promptPerMillion: definition.pricePrompt, completionPerMillion: definition.priceCompletion) ?? plan.prices
                    plan.budget = RunBudget.capping(usd: definition.budgetUsd, tokens: definition.budgetTokens) ?? plan.budget
                }
                return (plan, try await estimation.estimate(plan))
            }
            let affordable = plan.budget.flatMap { result.estimator.affordableInstructions($0) }
            if global.json {
                print(try ReportJSON.encode(EstimateDocument(plan: plan, estimate: result.estimate, affordable: affordable)))
            } else {
                print(Self.text(plan: plan, estimate: result.estimate, affordable: affordable))
            }
        } catch let failure as CommandFailure {
            Console.error("sictl run estimate: \(failure)")
            throw ExitCode.failure
        } catch let error as RunControlError {
            Console.error("sictl run estimate: \(error)")
            throw ExitCode.failure
        }
    }

    /// "1,234" for a count.
    static func count(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: value.rounded())) ?? String(Int(value.rounded()))
    }

    static func dollars(_ value: Double) -> String {
        value >= 100 ? "$" + count(value) : String(format: "$%.2f", value)
    }

    /// "expected (low–high)".
    static func range(_ range: EstimateRange, _ format: (Double) -> String = count) -> String {
        "\(format(range.expected)) (\(format(range.low))–\(format(range.high)))"
    }

    static func text(plan: EstimatePlan, estimate: CostEstimate, affordable: EstimateRange?) -> String {
        let prices = plan.prices.map { String(format: "$%g prompt + $%g completion per M tokens", $0.promptPerMillion, $0.completionPerMillion) }
            ?? "prices unknown (give --price-prompt and --price-completion)"
        var lines = ["estimate for \(plan.recipe.rawValue), target \(count(Double(plan.target))), model \(plan.model ?? "the daemons' default"), "
            + "concurrency \(plan.concurrency); \(prices)"]
        let runs = estimate.yields.observedRuns
        lines.append(runs.isEmpty ? "based on documented defaults (no earlier \(plan.recipe.rawValue) run in the database)"
            : "based on earlier run" + (runs.count == 1 ? " " : "s ") + runs.map(String.init).joined(separator: ", "))
        var table = [["stage", "calls", "prompt tokens", "completion tokens", "dollars"]]
        for line in estimate.stages + [estimate.total] {
            table.append([line.stage?.rawValue ?? "total", range(line.calls), range(line.promptTokens), range(line.completionTokens),
                          line.usd.map { range($0, dollars) } ?? "unknown"])
        }
        lines.append(Table.render(header: table[0], rows: Array(table.dropFirst())))
        lines.append("assumptions")
        for assumption in estimate.yields.assumptions {
            lines.append("  \(assumption.name): \(assumption.value) (\(assumption.source))")
        }
        if let budget = plan.budget {
            var caps: [String] = []
            if let usd = budget.usd { caps.append(dollars(usd)) }
            if let tokens = budget.tokens { caps.append("\(count(Double(tokens))) tokens") }
            let verdict: String = switch estimate.covers(budget) {
            case true?: "covers the high end"
            case false?: "does not cover the high end"
            case nil: "cannot be compared without prices"
            }
            var line = "budget \(caps.joined(separator: " and ")): \(verdict)"
            if let affordable {
                line += "; it buys about \(range(affordable)) admitted instructions"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
