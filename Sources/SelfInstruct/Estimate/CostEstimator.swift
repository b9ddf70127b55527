// Multiplies a recipe's yields out to calls, tokens and dollars for a target. Pure: the caller reads the yields
// (observed or default) and the prices.

/// Estimates a run's teacher cost from its recipe's yields.
public struct CostEstimator: Sendable, Hashable {
    public var yields: RecipeYields
    public var prices: TokenPrices?
    /// Circulating generation tokens: when the target is reached each of the others still makes its call.
    public var concurrency: Int
    /// Stages whose requests go through the provider's batch API, priced at the batch factor of their settings.
    public var batch: BatchSettings?

    public init(yields: RecipeYields, prices: TokenPrices?, concurrency: Int, batch: BatchSettings? = nil) {
        self.yields = yields
        self.prices = prices
        self.concurrency = max(concurrency, 1)
        self.batch = batch
    }

    /// Generation calls made after the target is reached: the request that reached it was half used on average,
    /// and every other circulating token's request is made anyway (its candidates are rejected as surplus).
    public var surplusGenerationCalls: EstimateRange {
        let tokens = Double(concurrency)
        return EstimateRange(low: tokens - 1, expected: tokens - 0.5, high: tokens)
    }

    public func estimate(target: Int) -> CostEstimate {
        var lines: [CostEstimate.Line] = []
        for stage in RecipeYields.teacherStages(of: yields.recipe) {
            // Generation requests times HTTP calls per request (`callsPerInstruction[.generate]`, 1 by default).
            let calls = stage == .generate
                ? (yields.generation.calls(toAdmit: target) + surplusGenerationCalls)
                    .scaled(by: yields.callsPerInstruction[.generate]?.expected ?? 1)
                : (yields.callsPerInstruction[stage] ?? EstimateRange(exactly: 1)).scaled(by: Double(target))
            let perCall = yields.tokens[stage] ?? CallTokens(prompt: .zero, completion: .zero)
            let prompt = calls * perCall.prompt
            let completion = calls * perCall.completion
            lines.append(CostEstimate.Line(
                stage: stage, calls: calls, promptTokens: prompt, completionTokens: completion,
                usd: prices.map { price in
                    let factor = batch.map { $0.batches(stage) ? $0.priceFactor : 1 } ?? 1
                    return prompt.scaled(by: factor * price.promptPerMillion / 1_000_000)
                        + completion.scaled(by: factor * price.completionPerMillion / 1_000_000)
                }))
        }
        let total = lines.dropFirst().reduce(lines[0]) { sum, line in
            CostEstimate.Line(
                stage: nil, calls: sum.calls + line.calls, promptTokens: sum.promptTokens + line.promptTokens,
                completionTokens: sum.completionTokens + line.completionTokens,
                usd: sum.usd.flatMap { a in line.usd.map { a + $0 } })
        }
        var totalLine = total
        totalLine.stage = nil
        return CostEstimate(recipe: yields.recipe, target: target, prices: prices, stages: lines, total: totalLine, yields: yields)
    }

    /// About how many admitted instructions `budget` buys: low assumes the high cost, high the low cost. Nil when
    /// the budget has only a dollar cap and the prices are unknown.
    public func affordableInstructions(_ budget: RunBudget) -> EstimateRange? {
        guard budget.tokens != nil || (budget.usd != nil && prices != nil) else { return nil }
        func largest(at end: KeyPath<EstimateRange, Double>) -> Double {
            // Cost grows with the target, so bisect for the largest target whose cost at this end fits.
            var low = 0, high = 1
            while high < 100_000_000, estimate(target: high).covers(budget, end: end) == true { low = high; high *= 2 }
            while high - low > 1 {
                let middle = (low + high) / 2
                if estimate(target: middle).covers(budget, end: end) == true { low = middle } else { high = middle }
            }
            return Double(low)
        }
        return EstimateRange(low: largest(at: \.high), expected: largest(at: \.expected), high: largest(at: \.low))
    }
}
