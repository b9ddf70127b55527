import Testing
@testable import SelfInstruct

/// The cost estimate multiplied out by hand: calls, tokens and dollars per stage, the admission line fitted from
/// observations, budgets, and the projection of a run under way.
@Suite struct CostEstimatorTests {
    static let seeds = (0..<20).map { index in
        SeedTask(id: "s\(index)", instruction: "Write a short poem about the number \(index).",
                 instances: [TaskInstance(input: "", output: "A poem.")], isClassification: index % 4 == 0)
    }

    /// Yields with round numbers: 0.1 generation calls per admission plus 0.0001 per pool member.
    static func yields(recipe: Recipe = .selfInstruct) -> RecipeYields {
        let exact = { (value: Double) in EstimateRange(exactly: value) }
        var tokens: [PipelineStage: CallTokens] = [.generate: CallTokens(prompt: exact(1000), completion: exact(500))]
        var perInstruction: [PipelineStage: EstimateRange] = [:]
        if recipe == .selfInstruct {
            tokens[.classify] = CallTokens(prompt: exact(800), completion: exact(1))
            tokens[.instances] = CallTokens(prompt: exact(700), completion: exact(100))
            perInstruction = [.classify: exact(1), .instances: exact(1)]
        }
        return RecipeYields(
            recipe: recipe, promptsPerCall: 5, generation: GenerationYield(base: 0.1, growth: 0.0001, spread: 0),
            candidatesPerPrompt: exact(6), tokens: tokens, callsPerInstruction: perInstruction)
    }

    @Test func selfInstructCallsTokensAndDollarsPerStage() {
        let prices = TokenPrices(promptPerMillion: 1, completionPerMillion: 2)
        let estimate = CostEstimator(yields: Self.yields(), prices: prices, concurrency: 8).estimate(target: 1000)
        #expect(estimate.stages.map(\.stage) == [.generate, .classify, .instances])
        // 0.1 · 1000 + 0.0001 · 1000² / 2 = 150 calls to admit, plus 7.5 surplus calls at the end.
        let generate = estimate.stages[0]
        #expect(abs(generate.calls.expected - 157.5) < 1e-9)
        #expect(generate.calls.low == 157 && generate.calls.high == 158)
        #expect(abs(generate.promptTokens.expected - 157_500) < 1e-6)
        #expect(abs(generate.completionTokens.expected - 78_750) < 1e-6)
        #expect(abs(generate.usd!.expected - (157_500 * 1 + 78_750 * 2) / 1e6) < 1e-12)
        #expect(estimate.stages[1].calls.expected == 1000)
        #expect(estimate.stages[1].promptTokens.expected == 800_000)
        #expect(estimate.stages[2].completionTokens.expected == 100_000)
        #expect(abs(estimate.total.calls.expected - 2157.5) < 1e-9)
        #expect(abs(estimate.total.usd!.expected - estimate.stages.reduce(0) { $0 + $1.usd!.expected }) < 1e-12)
    }

    @Test func batchedStagesArePricedAtTheBatchFactor() {
        let prices = TokenPrices(promptPerMillion: 1, completionPerMillion: 2)
        let online = CostEstimator(yields: Self.yields(), prices: prices, concurrency: 8).estimate(target: 1000)
        var settings = BatchSettings(stages: [.classify, .instances])
        settings.priceFactor = 0.5
        let batched = CostEstimator(yields: Self.yields(), prices: prices, concurrency: 8, batch: settings).estimate(target: 1000)
        #expect(batched.stages[0].usd == online.stages[0].usd, "generate stays online")
        for index in 1...2 {
            #expect(abs(batched.stages[index].usd!.expected - online.stages[index].usd!.expected / 2) < 1e-12)
            #expect(batched.stages[index].calls == online.stages[index].calls, "the same calls, only cheaper")
        }
    }

    @Test func alpacaCallsOnlyTheGenerator() {
        let estimate = CostEstimator(yields: Self.yields(recipe: .alpaca), prices: nil, concurrency: 1).estimate(target: 100)
        #expect(estimate.stages.map(\.stage) == [.generate])
        #expect(estimate.total.calls == estimate.stages[0].calls)
    }

    @Test func dollarsAreUnknownWithoutPricesNotZero() {
        let estimate = CostEstimator(yields: Self.yields(), prices: nil, concurrency: 8).estimate(target: 100)
        #expect(estimate.stages.allSatisfy { $0.usd == nil })
        #expect(estimate.total.usd == nil)
        #expect(estimate.covers(RunBudget(usd: 5)) == nil)
        #expect(estimate.covers(RunBudget(tokens: 10_000_000)) == true)
    }

    @Test func theLineThroughObservedRequestsIsRecovered() throws {
        // Requests that admit exactly as a(n) = 1 / (0.2 + 0.001 n) per call would.
        let buckets = stride(from: 0, to: 400, by: 10).map { pool in
            let perCall = 1 / (0.2 + 0.001 * Double(pool))
            return ObservedYields.PoolBucket(poolSize: pool, requests: 100, candidates: 3000, admitted: Int((100 * perCall).rounded()))
        }
        let fitted = try #require(GenerationYield.fitted(buckets, spread: 0.08))
        #expect(abs(fitted.base - 0.2) < 0.01)
        #expect(abs(fitted.growth - 0.001) < 0.0001)
        #expect(fitted.observedUpTo == 390)
        // Beyond the observations the range widens by 10 points per doubling.
        let inside = fitted.calls(toAdmit: 390), beyond = fitted.calls(toAdmit: 1560)
        #expect(abs(inside.high / inside.expected - 1.08) < 1e-9)
        #expect(abs(beyond.high / beyond.expected - 1.28) < 1e-9)
    }

    @Test func aFallingLineIsFlattenedToTheMean() throws {
        let buckets = [ObservedYields.PoolBucket(poolSize: 0, requests: 10, candidates: 300, admitted: 10),
                       ObservedYields.PoolBucket(poolSize: 100, requests: 10, candidates: 300, admitted: 40)]
        let fitted = try #require(GenerationYield.fitted(buckets, spread: 0.08))
        #expect(fitted.growth == 0)
        #expect(abs(fitted.base - 20.0 / 50.0) < 1e-12)
        #expect(GenerationYield.fitted([], spread: 0.08) == nil)
    }

    @Test func observationsReplaceDefaultsAndSayWhereTheyCameFrom() {
        let defaults = EstimateDefaults.yields(recipe: .selfInstruct, simulator: false, seeds: Self.seeds)
        #expect(defaults.observedRuns.isEmpty)
        let observed = ObservedYields(
            runIDs: [3, 4],
            stages: [.init(stage: .generate, calls: 50, promptTokens: 100_000, completionTokens: 40_000, items: 50),
                     .init(stage: .classify, calls: 330, promptTokens: 264_000, completionTokens: 330, items: 300)],
            pool: [.init(poolSize: 0, requests: 50, candidates: 1500, admitted: 300)])
        let refined = defaults.refined(with: observed)
        #expect(refined.observedRuns == [3, 4])
        #expect(refined.tokens[.generate]?.prompt.expected == 2000)
        #expect(refined.tokens[.generate]?.completion.expected == 800)
        #expect(refined.tokens[.classify]?.prompt.expected == 800)
        #expect(abs(refined.callsPerInstruction[.classify]!.expected - 1.1) < 1e-12)
        #expect(abs(refined.generation.base - 50.0 / 300.0) < 1e-12)
        #expect(abs(refined.candidatesPerPrompt.expected - 6) < 1e-12)
        // Instances were not observed: the default stays, and says so.
        #expect(refined.tokens[.instances] == defaults.tokens[.instances])
        let sources = Dictionary(uniqueKeysWithValues: refined.assumptions.map { ($0.name, $0.source) })
        #expect(sources["tokens.generate"] == "observed in runs 3, 4")
        #expect(sources["tokens.instances"]?.hasPrefix("rendered from the 20 seeds") == true)
    }

    @Test func aServerAnsweredOnePromptPerRequestMultipliesGenerationCalls() {
        // Observed against llama.cpp: 4 generation requests of 5 prompts went as 20 one-prompt calls.
        let defaults = EstimateDefaults.yields(recipe: .selfInstruct, simulator: false, seeds: Self.seeds)
        let observed = ObservedYields(
            runIDs: [1],
            stages: [.init(stage: .generate, calls: 20, promptTokens: 2_660, completionTokens: 780, items: 4)],
            pool: [.init(poolSize: 0, requests: 4, candidates: 24, admitted: 20)])
        let refined = defaults.refined(with: observed)
        #expect(refined.callsPerInstruction[.generate]?.expected == 5)
        let perRequest = CostEstimator(yields: defaults.refined(with: ObservedYields(
            runIDs: [1], stages: [.init(stage: .generate, calls: 4, promptTokens: 2_660, completionTokens: 780, items: 4)],
            pool: observed.pool)), prices: nil, concurrency: 2).estimate(target: 20)
        let onePromptEach = CostEstimator(yields: refined, prices: nil, concurrency: 2).estimate(target: 20)
        let generate = { (estimate: CostEstimate) in estimate.stages.first { $0.stage == .generate }! }
        #expect(abs(generate(onePromptEach).calls.expected - 5 * generate(perRequest).calls.expected) < 1e-9)
        // The same tokens either way: five calls of a fifth of the tokens each.
        #expect(abs(generate(onePromptEach).promptTokens.expected - generate(perRequest).promptTokens.expected) < 1e-6)
        #expect(refined.assumptions.first { $0.name == "calls.generate" }?.source == "observed in run 1")
    }

    @Test func defaultPromptSizesAreRenderedFromTheSeeds() {
        let yields = EstimateDefaults.yields(recipe: .selfInstruct, simulator: true, seeds: Self.seeds)
        let counter = ApproximateTokenCounter()
        let classify = Self.seeds.map { counter.tokens(in: renderIsClassificationPrompt(instruction: $0.instruction, library: .v1)) }
        #expect(yields.tokens[.classify]?.prompt.expected == Double(classify.reduce(0, +)) / Double(classify.count))
        // Five prompts of 8 examples each, a few hundred tokens per prompt.
        let generate = yields.tokens[.generate]!.prompt.expected
        #expect(generate > 5 * 50 && generate < 5 * 400)
        #expect(counter.tokens(in: "abcd") == 1 && counter.tokens(in: "abcde") == 2 && counter.tokens(in: "é") == 1)
    }

    @Test func aBudgetBuysAboutAsManyInstructionsAsItCovers() throws {
        let prices = TokenPrices(promptPerMillion: 1, completionPerMillion: 2)
        let estimator = CostEstimator(yields: Self.yields(), prices: prices, concurrency: 8)
        let cost1000 = estimator.estimate(target: 1000).total.usd!.expected
        let affordable = try #require(estimator.affordableInstructions(RunBudget(usd: cost1000)))
        #expect(affordable.expected == 1000)
        #expect(estimator.estimate(target: 1000).covers(RunBudget(usd: cost1000), end: \.expected) == true)
        #expect(estimator.estimate(target: 1001).covers(RunBudget(usd: cost1000), end: \.expected) == false)
        // The default verdict is on the high end, which the surplus calls at the end put above the expectation.
        #expect(estimator.estimate(target: 1000).covers(RunBudget(usd: cost1000)) == false)
        #expect(CostEstimator(yields: Self.yields(), prices: nil, concurrency: 8).affordableInstructions(RunBudget(usd: 1)) == nil)
        let byTokens = try #require(estimator.affordableInstructions(RunBudget(tokens: 1_000_000)))
        #expect(byTokens.expected > 0 && estimator.estimate(target: Int(byTokens.expected)).total.tokens.expected <= 1_000_000)
    }

    @Test func aRunSpendingMoreThanExpectedIsProjectedToEndHigher() {
        let prices = TokenPrices(promptPerMillion: 1, completionPerMillion: 2)
        let estimator = CostEstimator(yields: Self.yields(), prices: prices, concurrency: 8)
        // Half way, classify made 10 % more calls with 10 % more tokens than expected; generate as expected.
        let generateSoFar = estimator.yields.generation.calls(toAdmit: 500).expected
        let actual: [PipelineStage: RunProjection.Actual] = [
            .generate: .init(calls: Int(generateSoFar), promptTokens: Int(generateSoFar * 1000), completionTokens: Int(generateSoFar * 500), usd: 0),
            .classify: .init(calls: 550, promptTokens: 550 * 800, completionTokens: 550, usd: 0),
        ]
        let projection = RunProjection.project(
            estimator: estimator, target: 1000, done: [.generate: 500, .classify: 500, .instances: 0], actual: actual)
        let classify = projection.stages.first { $0.stage == .classify }!
        #expect(abs(classify.projectedCalls - 1100) < 1e-9)
        let generate = projection.stages.first { $0.stage == .generate }!
        #expect(abs(generate.projectedCalls - generate.expected.calls.expected) < 2)
        // Nothing spent yet: the projection is the expectation.
        let instances = projection.stages.first { $0.stage == .instances }!
        #expect(instances.projectedCalls == instances.expected.calls.expected)
        #expect(projection.total.actual.calls == Int(generateSoFar) + 550)
    }
}
