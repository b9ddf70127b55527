import Records
import SelfInstruct
import Store

/// A batch-mode run's batches as `sictl status` shows them: those in flight with their age and counts, the requests
/// waiting for the next batch, and totals over every batch of the run.
public struct RunBatchesReport: Sendable, Hashable, Codable {
    /// One batch not yet read back.
    public struct InFlight: Sendable, Hashable, Codable {
        public var batchID: Int64
        public var stage: String
        /// `preparing`, `submitting` or `submitted` (ours); the provider's own status is `remoteStatus`.
        public var status: String
        public var remoteID: String?
        public var remoteStatus: String?
        public var requests: Int
        public var ageSeconds: Double
        public var lastError: String?
    }

    public var inFlight: [InFlight]
    /// Requests per stage waiting for their next batch.
    public var waiting: [String: Int]
    /// Requests per stage answered, and failed for good, so far.
    public var answered: [String: Int]
    public var failed: [String: Int]
    public var batches: Int
    public var batchesDone: Int
    /// Requests sent again after an expiry, a cancellation or a server error.
    public var resubmitted: Int

    /// The run's batch report, or nil when it never used batches.
    static func read(runID: Int64, on database: Database) async throws -> RunBatchesReport? {
        let counts = try await BatchRequestsTable.counts(runID: runID, on: database)
        guard !counts.isEmpty else { return nil }
        let totals = try await TeacherBatchesTable.totals(runID: runID, on: database)
        func perStage(_ status: BatchRequestsTable.Status) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: counts.compactMap { stage, byStatus in
                byStatus[status].map { (stage.rawValue, $0) }
            })
        }
        return RunBatchesReport(
            inFlight: try await TeacherBatchesTable.list(runID: runID, on: database).reversed().map { batch in
                InFlight(batchID: batch.id, stage: batch.stage.rawValue, status: batch.status.rawValue, remoteID: batch.remoteID,
                         remoteStatus: batch.remoteStatus, requests: batch.requests, ageSeconds: batch.ageSeconds,
                         lastError: batch.lastError)
            },
            waiting: perStage(.pending), answered: perStage(.answered), failed: perStage(.failed),
            batches: totals.batches, batchesDone: totals.done, resubmitted: totals.resubmitted)
    }
}
