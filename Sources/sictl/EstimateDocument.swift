import Operations
import SelfInstruct

/// `sictl run estimate --json`: every key always present, unknown values as null (dollars without prices are
/// unknown, not 0).
struct EstimateDocument: Encodable {
    var plan: EstimatePlan
    var estimate: CostEstimate
    var affordable: EstimateRange?

    enum Keys: String, CodingKey {
        case recipe, target, model, concurrency, prices, observedRuns, stages, total, assumptions, budget
        case stage, calls, promptTokens, completionTokens, usd
        case promptPerMillion, completionPerMillion, tokens, coversHighEnd, affordableInstructions
    }

    func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Keys.self)
        try root.encode(plan.recipe.rawValue, forKey: .recipe)
        try root.encode(plan.target, forKey: .target)
        try root.encode(plan.model, forKey: .model)
        try root.encode(plan.concurrency, forKey: .concurrency)
        if let prices = plan.prices {
            var nested = root.nestedContainer(keyedBy: Keys.self, forKey: .prices)
            try nested.encode(prices.promptPerMillion, forKey: .promptPerMillion)
            try nested.encode(prices.completionPerMillion, forKey: .completionPerMillion)
        } else {
            try root.encodeNil(forKey: .prices)
        }
        try root.encode(estimate.yields.observedRuns, forKey: .observedRuns)
        var stages = root.nestedUnkeyedContainer(forKey: .stages)
        for line in estimate.stages { try Self.encode(line, into: stages.nestedContainer(keyedBy: Keys.self)) }
        try Self.encode(estimate.total, into: root.nestedContainer(keyedBy: Keys.self, forKey: .total))
        try root.encode(estimate.yields.assumptions, forKey: .assumptions)
        if let budget = plan.budget {
            var nested = root.nestedContainer(keyedBy: Keys.self, forKey: .budget)
            try nested.encode(budget.usd, forKey: .usd)
            try nested.encode(budget.tokens, forKey: .tokens)
            try nested.encode(estimate.covers(budget), forKey: .coversHighEnd)
            try nested.encode(affordable, forKey: .affordableInstructions)
        } else {
            try root.encodeNil(forKey: .budget)
        }
    }

    static func encode(_ line: CostEstimate.Line, into container: KeyedEncodingContainer<Keys>) throws {
        var container = container
        try container.encode(line.stage?.rawValue ?? "total", forKey: .stage)
        try container.encode(line.calls, forKey: .calls)
        try container.encode(line.promptTokens, forKey: .promptTokens)
        try container.encode(line.completionTokens, forKey: .completionTokens)
        try container.encode(line.usd, forKey: .usd)
    }
}
