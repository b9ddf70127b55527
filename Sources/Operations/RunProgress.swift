public import Records
public import Store

/// One run's progress as `sictl status` shows it: the `si_run_progress` row, rates, teacher usage and the top
/// rejection reasons.
public struct RunProgressReport: Sendable, Hashable, Codable {
    public typealias Usage = MonitoringViews.Usage
    public typealias Rejection = MonitoringViews.Rejection

    public var runID: Int64
    public var name: String
    public var recipe: String
    public var status: String
    public var target: Int
    public var candidates: Int
    public var admitted: Int
    public var rejected: Int
    public var classified: Int
    public var instanceTasksDone: Int
    public var instancesValid: Int
    public var instancesRejected: Int
    public var recordsSharded: Int
    public var pctComplete: Double
    /// Estimated seconds to the target (running runs only).
    public var etaSeconds: Double?
    /// Seconds since `started_at` (to `finished_at` when finished).
    public var elapsedSeconds: Double?
    /// Admissions per second since the start.
    public var admittedPerSecond: Double?
    /// Messages handled per stage in the last minute.
    public var stageItemsLastMinute: [String: Int]
    public var usage: [Usage]
    public var topRejections: [Rejection]
    public var unresolvedDeadLetters: Int

    public var promptTokens: Int { usage.reduce(0) { $0 + $1.promptTokens } }
    public var completionTokens: Int { usage.reduce(0) { $0 + $1.completionTokens } }
    public var costUSD: Double { usage.reduce(0) { $0 + $1.costUSD } }
}

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
