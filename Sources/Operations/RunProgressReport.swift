public import Records

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
    /// Why the run is paused (`PauseReason`), when it is, and what to do about it.
    public var pauseReason: String? = nil
    public var pauseAdvice: String? = nil
    /// Messages parked by a self-pause, per stage (sent again by `sictl run resume`).
    public var parkedMessages: [String: Int]? = nil
    /// Batches in flight, requests waiting for one, and totals; nil for a run that never used batches.
    public var batches: RunBatchesReport? = nil
    /// The run's cap and ledger; nil without a budget.
    public var budget: RunBudgetReport? = nil
    /// Expected cost of the whole run against what it spent so far, and the projected end; nil when the
    /// estimate could not be made.
    public var estimate: RunEstimateReport? = nil
    /// Why the estimate is missing, when it is.
    public var estimateError: String? = nil
    /// The file an imported run (`sictl import`) was read from; such a run has no teacher cost to estimate.
    public var importedFrom: String? = nil

    public var promptTokens: Int { usage.reduce(0) { $0 + $1.promptTokens } }
    public var completionTokens: Int { usage.reduce(0) { $0 + $1.completionTokens } }
    public var costUSD: Double { usage.reduce(0) { $0 + $1.costUSD } }
}
