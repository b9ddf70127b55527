// The immutable part of a run as the stages read it: its settings, seeds and `runs.config`.

public import SelfInstruct

/// The immutable part of a run.
public struct RunFacts: Sendable, Hashable {
    public var id: Int64
    public var recipe: Recipe
    public var target: Int
    /// The run's generator seed (stored as the bit pattern of a signed bigint).
    public var seed: UInt64
    public var threshold: Double
    /// Circulating generation tokens.
    public var concurrency: Int
    public var teacherModel: String?
    /// Seed tasks in file order (instruction and instances).
    public var seedTasks: [SeedTask]
    /// Extra settings from the run file (`runs.config`).
    public var config: RunSettings
    /// The run's own teacher prices, if it has them.
    public var prices: TokenPrices?
    /// True when the run has a spending cap (`run_budgets`): its teacher requests reserve before they start.
    public var budgeted: Bool

    /// Seed instructions in file order.
    public var seedInstructions: [String]

    public init(id: Int64, recipe: Recipe, target: Int, seed: UInt64, threshold: Double, concurrency: Int,
                teacherModel: String?, seedTasks: [SeedTask], config: RunSettings, prices: TokenPrices? = nil,
                budgeted: Bool = false) {
        self.id = id
        self.recipe = recipe
        self.target = target
        self.seed = seed
        self.threshold = threshold
        self.concurrency = concurrency
        self.teacherModel = teacherModel
        self.seedTasks = seedTasks
        self.config = config
        self.prices = prices
        self.budgeted = budgeted
        self.seedInstructions = seedTasks.map(\.instruction)
    }
}
