// `sictl run estimate` and the estimate in `sictl status`: the plan's yields from earlier runs of its recipe
// (RecipeObservations) over documented defaults (EstimateDefaults), multiplied out by CostEstimator.

import Records
public import SelfInstruct
public import Store

/// Estimates what a run costs at the teacher.
public struct CostEstimation: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The estimate of `plan`, and the estimator behind it (for budgets and projections).
    public func estimate(_ plan: EstimatePlan) async throws -> (estimate: CostEstimate, estimator: CostEstimator) {
        let defaults = EstimateDefaults.yields(
            recipe: plan.recipe, simulator: EstimateDefaults.isSimulator(model: plan.model), seeds: plan.seeds,
            library: .forLanguage(plan.language))
        let observed = try await RecipeObservations.read(
            recipe: plan.recipe, model: plan.model, excluding: plan.runID, on: database)
        let estimator = CostEstimator(yields: defaults.refined(with: observed), prices: plan.prices, concurrency: plan.concurrency,
                                      batch: plan.batch)
        return (estimator.estimate(target: plan.target), estimator)
    }

    /// The plan of an existing run: its settings, prices and budget; its model is the run's own or, for a run on
    /// the daemons' default model, the one its calls were made with.
    public func plan(runID: Int64) async throws -> EstimatePlan {
        let facts = try await RunCatalog(database: database).facts(run: runID)
        var model = facts.teacherModel
        if model == nil {
            model = try await MonitoringViews.usage(runID: runID, on: database).first?.model
        }
        return EstimatePlan(
            recipe: facts.recipe, target: facts.target, concurrency: facts.concurrency, model: model, prices: facts.prices,
            budget: try await RunBudgetsTable.ledger(runID: runID, on: database)?.budget, seeds: facts.seedTasks, runID: runID,
            language: facts.config.language, batch: facts.config.batch)
    }
}
