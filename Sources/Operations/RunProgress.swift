import Records
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
            reports.append(RunProgressReport(
                runID: id, name: row.name, recipe: row.recipe, status: row.status, target: row.target,
                candidates: row.candidates, admitted: row.admitted, rejected: row.rejected, classified: row.classified,
                instanceTasksDone: row.instanceTasksDone, instancesValid: row.instancesValid,
                instancesRejected: row.instancesRejected, recordsSharded: row.recordsSharded, pctComplete: row.pctComplete,
                etaSeconds: row.etaSeconds, elapsedSeconds: row.elapsedSeconds,
                admittedPerSecond: row.elapsedSeconds.flatMap { $0 > 0 ? Double(row.admitted) / $0 : nil },
                stageItemsLastMinute: try await ProcessedMessagesTable.itemsLastMinute(runID: id, on: database),
                usage: try await MonitoringViews.usage(runID: id, on: database),
                topRejections: try await MonitoringViews.topRejections(runID: id, limit: Self.rejectionLimit, on: database),
                unresolvedDeadLetters: try await DeadLettersTable.unreplayedCount(runID: id, on: database)))
        }
        return reports
    }
}
