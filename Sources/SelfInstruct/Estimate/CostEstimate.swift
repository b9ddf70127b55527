/// What a run is expected to cost at the teacher: per teacher-calling stage and in total.
public struct CostEstimate: Sendable, Hashable {
    /// One stage's share, or the total (`stage` nil).
    public struct Line: Sendable, Hashable {
        public var stage: PipelineStage?
        public var calls: EstimateRange
        public var promptTokens: EstimateRange
        public var completionTokens: EstimateRange
        /// Nil when the prices are unknown (unknown, not free).
        public var usd: EstimateRange?

        public var tokens: EstimateRange { promptTokens + completionTokens }
    }

    public var recipe: Recipe
    public var target: Int
    public var prices: TokenPrices?
    public var stages: [Line]
    public var total: Line
    public var yields: RecipeYields

    /// True when every end of the estimate stays within `budget`'s caps; nil when a dollar cap meets unknown prices.
    public func covers(_ budget: RunBudget, end: KeyPath<EstimateRange, Double> = \.high) -> Bool? {
        if let cap = budget.tokens, total.tokens[keyPath: end] > Double(cap) { return false }
        if let cap = budget.usd {
            guard let usd = total.usd else { return nil }
            if usd[keyPath: end] > cap { return false }
        }
        return true
    }
}
