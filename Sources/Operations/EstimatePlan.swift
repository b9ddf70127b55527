public import SelfInstruct

/// What `sictl run estimate` prices: a run about to be created, or an existing one.
public struct EstimatePlan: Sendable, Hashable {
    public var recipe: Recipe
    public var target: Int
    public var concurrency: Int
    /// The teacher model: selects observations of that model and simulator or real-model defaults.
    public var model: String?
    public var prices: TokenPrices?
    public var budget: RunBudget?
    public var seeds: [SeedTask]
    /// The run being estimated, left out of the observations (it is not an earlier run of itself).
    public var runID: Int64?
    /// The run's language: which prompt texts the token counts are taken from.
    public var language: RunLanguage
    /// The run's batch settings: batched stages are priced at the batch factor.
    public var batch: BatchSettings?

    public init(recipe: Recipe, target: Int, concurrency: Int, model: String?, prices: TokenPrices?, budget: RunBudget?,
                seeds: [SeedTask], runID: Int64? = nil, language: RunLanguage = .en, batch: BatchSettings? = nil) {
        self.language = language
        self.batch = batch
        self.recipe = recipe
        self.target = target
        self.concurrency = concurrency
        self.model = model
        self.prices = prices
        self.budget = budget
        self.seeds = seeds
        self.runID = runID
    }
}
