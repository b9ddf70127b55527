// The `teacher_batches` table: one row per batch file sent to the provider's batch API. Its status records how far
// submission got, so that a process that dies at any step is followed by one that neither loses the batch nor
// submits it twice: every step runs under the row's lock, and the step after an upload first looks for a batch the
// provider already made from that file.

public import SelfInstruct
public import Store

/// Every statement over `teacher_batches`.
public enum TeacherBatchesTable {
    /// How far a batch got.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Requests assigned; no input file yet.
        case preparing
        /// Input file uploaded; the provider may or may not have a batch made from it.
        case submitting
        /// The provider's batch id is known; polled until it ends.
        case submitted
        /// Its results are read into `batch_requests`.
        case done
    }

    /// One batch row.
    public struct Batch: Sendable, Hashable {
        public var id: Int64
        public var runID: Int64
        public var stage: PipelineStage
        public var endpoint: String
        public var status: Status
        public var inputFileID: String?
        public var remoteID: String?
        public var remoteStatus: String?
        public var requests: Int
        public var answered: Int
        public var failed: Int
        public var resubmitted: Int
        /// Seconds since the row was made.
        public var ageSeconds: Double
        /// Seconds since the provider was last asked about it (nil: never).
        public var sincePolledSeconds: Double?
        /// Seconds from submission to now (or to its end).
        public var submittedForSeconds: Double?
        public var lastError: String?
    }

    /// A new batch of `stage` requests of the run, in status `preparing`; returns its id.
    public static func create(runID: Int64, stage: PipelineStage, endpoint: String, requests: Int, on executor: some SQLExecutor) async throws -> Int64 {
        try await executor.query("""
            INSERT INTO teacher_batches (run_id, stage, endpoint, requests)
            VALUES (\(runID), \(stage), \(endpoint), \(Int32(requests))) RETURNING id
            """, operation: "teacher_batch_insert").singleRow().decode("id")
    }

    /// Corrects the request count of a batch made in this transaction (fewer may have been free to assign).
    public static func setRequests(id: Int64, requests: Int, on executor: some SQLExecutor) async throws {
        try await executor.execute("UPDATE teacher_batches SET requests = \(Int32(requests)) WHERE id = \(id)",
                                   operation: "teacher_batch_requests")
    }

    /// Removes a batch made in this transaction that got no requests.
    public static func delete(id: Int64, on executor: some SQLExecutor) async throws {
        try await executor.execute("DELETE FROM teacher_batches WHERE id = \(id)", operation: "teacher_batch_delete")
    }

    /// `stage`'s batches that are not done, oldest first (not locked: `lock` before changing one).
    public static func unfinished(stage: PipelineStage, on executor: some SQLExecutor) async throws -> [Batch] {
        try await executor.rows("""
            SELECT \(unsafeRaw: columns) FROM teacher_batches WHERE stage = \(stage) AND status <> 'done' ORDER BY id
            """, operation: "teacher_batches_unfinished").map(batch)
    }

    /// Batch `id`, locked for this transaction; nil when another process holds it (it is working on it) or it is gone.
    public static func lock(id: Int64, on executor: some SQLExecutor) async throws -> Batch? {
        try await executor.rows("""
            SELECT \(unsafeRaw: columns) FROM teacher_batches WHERE id = \(id) FOR UPDATE SKIP LOCKED
            """, operation: "teacher_batch_lock").first.map(batch)
    }

    /// The input file is uploaded: the next step submits it (or finds it submitted).
    public static func markUploaded(id: Int64, inputFileID: String, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE teacher_batches SET status = 'submitting', input_file_id = \(inputFileID), last_error = NULL WHERE id = \(id)
            """, operation: "teacher_batch_uploaded")
    }

    /// The provider holds the batch as `remoteID`.
    public static func markSubmitted(id: Int64, remoteID: String, remoteStatus: String, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE teacher_batches SET status = 'submitted', remote_id = \(remoteID), remote_status = \(remoteStatus),
                   submitted_at = now(), polled_at = now(), last_error = NULL
            WHERE id = \(id)
            """, operation: "teacher_batch_submitted")
    }

    /// The provider said `remoteStatus` just now.
    public static func markPolled(id: Int64, remoteStatus: String, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE teacher_batches SET remote_status = \(remoteStatus), polled_at = now(), last_error = NULL WHERE id = \(id)
            """, operation: "teacher_batch_polled")
    }

    /// The batch's results are read: how many requests were answered, failed for good, and went back to wait.
    public static func finish(
        id: Int64, remoteStatus: String, answered: Int, failed: Int, resubmitted: Int, on executor: some SQLExecutor
    ) async throws {
        try await executor.execute("""
            UPDATE teacher_batches SET status = 'done', remote_status = \(remoteStatus), answered = \(Int32(answered)),
                   failed = \(Int32(failed)), resubmitted = \(Int32(resubmitted)), polled_at = now(), finished_at = now(),
                   last_error = NULL
            WHERE id = \(id)
            """, operation: "teacher_batch_finish")
    }

    /// Keeps the last failure of a step, for `sictl status` (outside the step's rolled-back transaction).
    public static func recordError(id: Int64, message: String, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE teacher_batches SET last_error = \(message), polled_at = now() WHERE id = \(id)
            """, operation: "teacher_batch_error")
    }

    /// The run's batches, newest first; only those not done unless `all`.
    public static func list(runID: Int64, all: Bool = false, limit: Int = 50, on executor: some SQLExecutor) async throws -> [Batch] {
        try await executor.rows("""
            SELECT \(unsafeRaw: columns) FROM teacher_batches
            WHERE run_id = \(runID) AND (\(all) OR status <> 'done') ORDER BY id DESC LIMIT \(Int64(limit))
            """, operation: "teacher_batches_list").map(batch)
    }

    /// Totals over the run's batches: made, done, and their request counts.
    public struct Totals: Sendable, Hashable {
        public var batches = 0
        public var done = 0
        public var requests = 0
        public var answered = 0
        public var failed = 0
        public var resubmitted = 0

        public init() {}
    }

    /// Totals over all of the run's batches.
    public static func totals(runID: Int64, on executor: some SQLExecutor) async throws -> Totals {
        let row = try await executor.query("""
            SELECT count(*) AS batches, count(*) FILTER (WHERE status = 'done') AS done,
                   coalesce(sum(requests), 0)::bigint AS requests, coalesce(sum(answered), 0)::bigint AS answered,
                   coalesce(sum(failed), 0)::bigint AS failed, coalesce(sum(resubmitted), 0)::bigint AS resubmitted
            FROM teacher_batches WHERE run_id = \(runID)
            """, operation: "teacher_batches_totals").singleRow()
        var totals = Totals()
        totals.batches = try row.decode("batches")
        totals.done = try row.decode("done")
        totals.requests = try row.decode("requests")
        totals.answered = try row.decode("answered")
        totals.failed = try row.decode("failed")
        totals.resubmitted = try row.decode("resubmitted")
        return totals
    }

    private static let columns = """
        id, run_id, stage, endpoint, status, input_file_id, remote_id, remote_status, requests, answered, failed, \
        resubmitted, last_error, extract(epoch FROM now() - created_at)::float8 AS age, \
        extract(epoch FROM now() - polled_at)::float8 AS since_polled, \
        extract(epoch FROM coalesce(finished_at, now()) - submitted_at)::float8 AS submitted_for
        """

    private static func batch(_ row: Row) throws(StoreError) -> Batch {
        Batch(
            id: try row.decode("id"), runID: try row.decode("run_id"), stage: try row.decode("stage", as: PipelineStage.self),
            endpoint: try row.decode("endpoint"), status: try row.decode("status", as: Status.self),
            inputFileID: try row.decode("input_file_id"), remoteID: try row.decode("remote_id"),
            remoteStatus: try row.decode("remote_status"), requests: try row.decode("requests"),
            answered: try row.decode("answered"), failed: try row.decode("failed"), resubmitted: try row.decode("resubmitted"),
            ageSeconds: try row.decode("age"), sincePolledSeconds: try row.decode("since_polled"),
            submittedForSeconds: try row.decode("submitted_for"), lastError: try row.decode("last_error"))
    }
}
