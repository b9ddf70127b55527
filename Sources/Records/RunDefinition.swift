public import SelfInstruct

/// What `sictl run create` needs to define a run: the columns of `runs` plus the seed tasks.
public struct RunDefinition: Sendable, Hashable {
    public var name: String
    public var recipe: Recipe
    public var target: Int
    /// The run's 64-bit generator seed.
    public var seed: UInt64
    public var threshold: Double
    /// Number of circulating generation tokens.
    public var concurrency: Int
    public var teacherModel: String?
    /// Everything else from a run file, as a JSON object text (stored in `runs.config`).
    public var configJSON: String
    public var seeds: [SeedTask]
    /// The spending cap, if any.
    public var budget: RunBudget?
    /// The teacher's prices for this run; nil leaves costs to the daemons' `SI_TEACHER_PRICE_*` settings.
    public var prices: TokenPrices?

    public init(name: String, recipe: Recipe, target: Int, seed: UInt64 = 0, threshold: Double = 0.7,
                concurrency: Int = 8, teacherModel: String? = nil, configJSON: String = "{}", seeds: [SeedTask],
                budget: RunBudget? = nil, prices: TokenPrices? = nil) {
        self.name = name
        self.recipe = recipe
        self.target = target
        self.seed = seed
        self.threshold = threshold
        self.concurrency = concurrency
        self.teacherModel = teacherModel
        self.configJSON = configJSON
        self.seeds = seeds
        self.budget = budget
        self.prices = prices
    }

    /// Problems that make the definition unusable, in operator words (empty when it is fine).
    public var problems: [String] {
        var out: [String] = []
        if let problem = RunName.problem(name) { out.append("name: '\(name)' \(problem)") }
        if target <= 0 { out.append("target: must be positive (got \(target))") }
        if target > 0, target + seeds.count > NoveltyIndex.capacity {
            out.append("target: at most \(NoveltyIndex.capacity - seeds.count) with \(seeds.count) seed tasks (got \(target)): "
                       + "a run's novelty pool holds \(NoveltyIndex.capacity) instructions, seeds included")
        }
        if !(0...1).contains(threshold) { out.append("threshold: must be between 0 and 1 (got \(threshold))") }
        if concurrency <= 0 { out.append("concurrency: must be positive (got \(concurrency))") }
        if seeds.isEmpty { out.append("seeds: no seed tasks") }
        if let duplicate = Self.firstDuplicate(seeds.map(\.id)) { out.append("seeds: id '\(duplicate)' appears twice") }
        out += budget?.problems ?? []
        if let prices, !(prices.promptPerMillion >= 0 && prices.completionPerMillion >= 0) {
            out.append("prices: must not be negative")
        }
        if budget?.usd != nil && prices == nil {
            out.append("budget_usd: a dollar budget needs the run's prices (--price-prompt and --price-completion)")
        }
        return out
    }

    private static func firstDuplicate(_ ids: [String]) -> String? {
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted { return id }
        return nil
    }
}
