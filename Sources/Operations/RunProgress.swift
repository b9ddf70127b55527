import Records
import SelfInstruct
public import Store

/// Reads progress reports from the monitoring views.
public struct RunProgress: Sendable {
    public let database: Database
    public static let rejectionLimit = 5

    public init(database: Database) {
        self.database = database
    }

    /// Reports for one run, or for every run that is not finished (all runs when none is active).
    public func reports(runID: Int64?) async throws -> [RunProgressReport] {
        var reports: [RunProgressReport] = []
        for row in try await MonitoringViews.progress(runID: runID, on: database) {
            let id = row.runID
            var report = RunProgressReport(
                runID: id, name: row.name, recipe: row.recipe, status: row.status, target: row.target,
                candidates: row.candidates, admitted: row.admitted, rejected: row.rejected, classified: row.classified,
                instanceTasksDone: row.instanceTasksDone, instancesValid: row.instancesValid,
                instancesRejected: row.instancesRejected, recordsSharded: row.recordsSharded, pctComplete: row.pctComplete,
                etaSeconds: row.etaSeconds, elapsedSeconds: row.elapsedSeconds,
                admittedPerSecond: row.elapsedSeconds.flatMap { $0 > 0 ? Double(row.admitted) / $0 : nil },
                stageItemsLastMinute: try await ProcessedMessagesTable.itemsLastMinute(runID: id, on: database),
                usage: try await MonitoringViews.usage(runID: id, on: database),
                topRejections: try await MonitoringViews.topRejections(runID: id, limit: Self.rejectionLimit, on: database),
                unresolvedDeadLetters: try await DeadLettersTable.unreplayedCount(runID: id, on: database))
            let reason = row.pauseReason.flatMap(PauseReason.init(rawValue:))
            report.pauseReason = row.pauseReason
            report.pauseAdvice = reason.map { $0.advice.replacing("RUN", with: row.name) }
            report.parkedMessages = Dictionary(uniqueKeysWithValues: try await ParkedMessagesTable.counts(runID: id, on: database)
                .map { ($0.key.rawValue, $0.value) })
            report.batches = try await RunBatchesReport.read(runID: id, on: database)
            report.budget = try await RunBudgetsTable.ledger(runID: id, on: database).map(RunBudgetReport.init)
            report.importedFrom = try await RunsTable.configJSON(id: id, on: database)
                .flatMap(ImportProvenance.init(configJSON:))?.path
            // The estimate is an extra: a failure to make it must not hide the run's progress. An imported data set
            // called no teacher, so there is nothing to estimate.
            if report.importedFrom == nil {
                do { report.estimate = try await estimate(report) } catch { report.estimateError = "\(error)" }
            }
            reports.append(report)
        }
        return reports
    }

    /// The run's expected cost (from earlier runs of its recipe, or defaults) against what it spent so far.
    func estimate(_ report: RunProgressReport) async throws -> RunEstimateReport {
        let estimation = CostEstimation(database: database)
        let plan = try await estimation.plan(runID: report.runID)
        let estimator = try await estimation.estimate(plan).estimator
        var actual: [PipelineStage: RunProjection.Actual] = [:]
        for usage in report.usage {
            guard let stage = PipelineStage(rawValue: usage.stage) else { continue }
            let sum = actual[stage] ?? .none
            actual[stage] = RunProjection.Actual(
                calls: sum.calls + usage.calls, promptTokens: sum.promptTokens + usage.promptTokens,
                completionTokens: sum.completionTokens + usage.completionTokens, usd: sum.usd + usage.costUSD)
        }
        let done: [PipelineStage: Int] = [.generate: report.admitted, .classify: report.classified, .instances: report.instanceTasksDone]
        return RunEstimateReport(RunProjection.project(estimator: estimator, target: report.target, done: done, actual: actual))
    }
}
