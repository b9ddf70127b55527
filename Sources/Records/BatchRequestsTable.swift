// The `batch_requests` table: stage items whose teacher request goes through the provider's batch API. The stage
// message that asked for it was acked when the request was stored; once the request is answered (or fails for
// good), its message is sent again through the outbox and the stage handles it as if the teacher had answered online.

public import SelfInstruct
public import Store

/// Every statement over `batch_requests`.
public enum BatchRequestsTable {
    /// Where a request stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Waiting for the next batch.
        case pending
        /// In a batch at the provider.
        case batched
        /// The provider answered; `response` holds the body.
        case answered
        /// Failed for good (the provider refused it, or it kept failing): the item fails with this reason.
        case failed
    }

    /// A request to store: the body as it would be sent online, and what reading and costing its answer needs.
    public struct NewRequest: Sendable, Hashable {
        public var runID: Int64
        public var stage: PipelineStage
        public var entityID: Int64
        public var model: String
        public var requestHash: String
        /// `/v1/completions` or `/v1/chat/completions`.
        public var endpoint: String
        public var body: String
        public var promptCount: Int
        public var n: Int
        public var promptEstimate: Int
        public var maxTokens: Int
        /// How the answer's tokens will be counted (`TokenCountMethod`'s raw value).
        public var countMethod: String
        /// The stage message to send again once the request is answered.
        public var message: StageMessage
        /// What one submission reserves from a budgeted run: the request's worst case at batch prices.
        public var worstUSD: Double
        public var worstTokens: Int64

        public init(
            runID: Int64, stage: PipelineStage, entityID: Int64, model: String, requestHash: String, endpoint: String,
            body: String, promptCount: Int, n: Int, promptEstimate: Int, maxTokens: Int, countMethod: String,
            message: StageMessage, worstUSD: Double = 0, worstTokens: Int64 = 0
        ) {
            self.runID = runID
            self.stage = stage
            self.entityID = entityID
            self.model = model
            self.requestHash = requestHash
            self.endpoint = endpoint
            self.body = body
            self.promptCount = promptCount
            self.n = n
            self.promptEstimate = promptEstimate
            self.maxTokens = maxTokens
            self.countMethod = countMethod
            self.message = message
            self.worstUSD = worstUSD
            self.worstTokens = worstTokens
        }
    }

    /// A stored request.
    public struct Request: Sendable, Hashable {
        public var id: Int64
        public var runID: Int64
        public var stage: PipelineStage
        public var entityID: Int64
        public var model: String
        public var requestHash: String
        public var endpoint: String
        public var promptCount: Int
        public var n: Int
        public var promptEstimate: Int
        public var maxTokens: Int
        public var countMethod: String
        public var message: String
        public var status: Status
        public var batchID: Int64?
        public var submissions: Int
        public var errorSubmissions: Int
        public var response: String?
        public var errorKind: String?
        public var errorMessage: String?
        public var reservedUSD: Double
        public var reservedTokens: Int64
    }

    /// The id the request carries in a batch file (`custom_id`).
    public static func customID(_ id: Int64) -> String { "si-\(id)" }

    /// The request id in a `custom_id` written by `customID`, nil for any other text.
    public static func requestID(customID: String) -> Int64? {
        guard customID.hasPrefix("si-") else { return nil }
        return Int64(customID.dropFirst(3))
    }

    /// Stores `request` unless the item already has one; true when it was stored now.
    public static func insert(_ request: NewRequest, on executor: some SQLExecutor) async throws -> Bool {
        try await !executor.rows("""
            INSERT INTO batch_requests (run_id, stage, entity_id, model, request_hash, endpoint, body, prompt_count, n,
                                        prompt_estimate, max_tokens, count_method, message, worst_usd, worst_tokens)
            VALUES (\(request.runID), \(request.stage), \(request.entityID), \(request.model), \(request.requestHash),
                    \(request.endpoint), \(request.body), \(Int32(request.promptCount)), \(Int32(request.n)),
                    \(Int32(request.promptEstimate)), \(Int32(request.maxTokens)), \(request.countMethod),
                    \(request.message.jsonText), round(\(request.worstUSD)::numeric, 8), \(request.worstTokens))
            ON CONFLICT (run_id, stage, entity_id) DO NOTHING RETURNING id
            """, operation: "batch_request_insert").isEmpty
    }

    /// The item's request, if it has one.
    public static func find(runID: Int64, stage: PipelineStage, entityID: Int64, on executor: some SQLExecutor) async throws -> Request? {
        try await executor.rows("""
            SELECT \(unsafeRaw: columns) FROM batch_requests WHERE run_id = \(runID) AND stage = \(stage) AND entity_id = \(entityID)
            """, operation: "batch_request_find").first.map(request)
    }

    /// The body of an answered request with this hash (any run): the response cache of batch mode.
    public static func answeredResponse(requestHash: String, on executor: some SQLExecutor) async throws -> String? {
        try await executor.rows("""
            SELECT response FROM batch_requests WHERE request_hash = \(requestHash) AND status = 'answered' LIMIT 1
            """, operation: "batch_request_cached").first?.decode("response")
    }

    /// Requests waiting for a batch, per run, for one stage.
    public struct Waiting: Sendable, Hashable {
        public var runID: Int64
        public var count: Int
        /// Seconds since the oldest of them was stored.
        public var oldestAgeSeconds: Double
    }

    /// The running (or draining) runs with `stage` requests waiting for a batch; a paused or stopped run's requests
    /// wait without being counted.
    public static func waiting(stage: PipelineStage, on executor: some SQLExecutor) async throws -> [Waiting] {
        try await executor.rows("""
            SELECT q.run_id, count(*) AS waiting, extract(epoch FROM now() - min(q.waiting_since))::float8 AS oldest
            FROM batch_requests q JOIN runs r ON r.id = q.run_id
            WHERE q.stage = \(stage) AND q.status = 'pending' AND r.status IN ('running', 'draining')
            GROUP BY q.run_id ORDER BY q.run_id
            """, operation: "batch_requests_waiting").map { row in
            Waiting(runID: try row.decode("run_id"), count: try row.decode("waiting"), oldestAgeSeconds: try row.decode("oldest"))
        }
    }

    /// A waiting request as a batch is made: its id and what a submission reserves.
    public struct Candidate: Sendable, Hashable {
        public var id: Int64
        public var worstUSD: Double
        public var worstTokens: Int64
    }

    /// Up to `limit` of the run's waiting `stage` requests, oldest first, locked for this transaction. Rows another
    /// process is assigning are skipped, so two never put one request into two batches.
    public static func lockWaiting(
        runID: Int64, stage: PipelineStage, limit: Int, on executor: some SQLExecutor
    ) async throws -> [Candidate] {
        try await executor.rows("""
            SELECT id, worst_usd::float8 AS worst_usd, worst_tokens FROM batch_requests
            WHERE stage = \(stage) AND run_id = \(runID) AND status = 'pending'
            ORDER BY id LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED
            """, operation: "batch_requests_lock_waiting").map { row in
            Candidate(id: try row.decode("id"), worstUSD: try row.decode("worst_usd"), worstTokens: try row.decode("worst_tokens"))
        }
    }

    /// Puts the locked requests `ids` into batch `batchID`; `reserving` holds each one's worst case from now on (a
    /// budgeted run). Returns how many.
    public static func assign(ids: [Int64], batchID: Int64, reserving: Bool, on executor: some SQLExecutor) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await executor.execute("""
            UPDATE batch_requests SET status = 'batched', batch_id = \(batchID), submissions = submissions + 1,
                   reserved_usd = CASE WHEN \(reserving) THEN worst_usd ELSE 0 END,
                   reserved_tokens = CASE WHEN \(reserving) THEN worst_tokens ELSE 0 END
            WHERE id = ANY(\(SQLArray.integers(ids))::bigint[]) AND status = 'pending'
            """, operation: "batch_requests_assign")
    }

    /// True when some of the run's requests are in a batch (their reservations will be settled when it is read back).
    public static func anyInBatch(runID: Int64, on executor: some SQLExecutor) async throws -> Bool {
        try await !executor.rows("""
            SELECT 1 FROM batch_requests WHERE run_id = \(runID) AND status = 'batched' LIMIT 1
            """, operation: "batch_requests_in_batch").isEmpty
    }

    /// The lines of batch `batchID`'s input file: custom id, endpoint and body, in id order.
    public static func lines(batchID: Int64, on executor: some SQLExecutor) async throws -> [(customID: String, endpoint: String, body: String)] {
        try await executor.rows("""
            SELECT id, endpoint, body FROM batch_requests WHERE batch_id = \(batchID) AND status = 'batched' ORDER BY id
            """, operation: "batch_request_lines").map { row in
            (customID(try row.decode("id")), try row.decode("endpoint"), try row.decode("body"))
        }
    }

    /// The requests batch `batchID` still owes an answer, locked for this transaction.
    public static func outstanding(batchID: Int64, on executor: some SQLExecutor) async throws -> [Request] {
        try await executor.rows("""
            SELECT \(unsafeRaw: columns) FROM batch_requests WHERE batch_id = \(batchID) AND status = 'batched' ORDER BY id FOR UPDATE
            """, operation: "batch_requests_outstanding").map(request)
    }

    /// Records the provider's answer.
    public static func answer(id: Int64, response: String, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE batch_requests SET status = 'answered', response = \(response), error_kind = NULL, error_message = NULL,
                   reserved_usd = 0, reserved_tokens = 0, finished_at = now()
            WHERE id = \(id)
            """, operation: "batch_request_answer")
    }

    /// Fails the request for good with `kind` and `message`.
    public static func fail(id: Int64, kind: String, message: String, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE batch_requests SET status = 'failed', error_kind = \(kind), error_message = \(message), reserved_usd = 0,
                   reserved_tokens = 0, finished_at = now()
            WHERE id = \(id)
            """, operation: "batch_request_fail")
    }

    /// Sends the request back to wait for the next batch (its reservation released); `serverError` counts the
    /// return against its error limit.
    public static func returnToWaiting(id: Int64, serverError: Bool, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE batch_requests SET status = 'pending', reserved_usd = 0, reserved_tokens = 0, waiting_since = now(),
                   error_submissions = error_submissions + \(serverError ? Int32(1) : Int32(0))
            WHERE id = \(id)
            """, operation: "batch_request_return")
    }

    /// Requests of the run per status and stage (for `sictl status`).
    public static func counts(runID: Int64, on executor: some SQLExecutor) async throws -> [PipelineStage: [Status: Int]] {
        var counts: [PipelineStage: [Status: Int]] = [:]
        for row in try await executor.rows("""
            SELECT stage, status, count(*) AS requests FROM batch_requests WHERE run_id = \(runID) GROUP BY stage, status
            """, operation: "batch_request_counts")
        {
            counts[try row.decode("stage", as: PipelineStage.self), default: [:]][try row.decode("status", as: Status.self)] =
                try row.decode("requests")
        }
        return counts
    }

    private static let columns = """
        id, run_id, stage, entity_id, model, request_hash, endpoint, prompt_count, n, prompt_estimate, max_tokens, \
        count_method, message, status, batch_id, submissions, error_submissions, response, error_kind, error_message, \
        reserved_usd::float8 AS reserved_usd, reserved_tokens
        """

    private static func request(_ row: Row) throws(StoreError) -> Request {
        Request(
            id: try row.decode("id"), runID: try row.decode("run_id"), stage: try row.decode("stage", as: PipelineStage.self),
            entityID: try row.decode("entity_id"), model: try row.decode("model"), requestHash: try row.decode("request_hash"),
            endpoint: try row.decode("endpoint"), promptCount: try row.decode("prompt_count"), n: try row.decode("n"),
            promptEstimate: try row.decode("prompt_estimate"), maxTokens: try row.decode("max_tokens"),
            countMethod: try row.decode("count_method"), message: try row.decode("message"),
            status: try row.decode("status", as: Status.self), batchID: try row.decode("batch_id"),
            submissions: try row.decode("submissions"), errorSubmissions: try row.decode("error_submissions"),
            response: try row.decode("response"), errorKind: try row.decode("error_kind"),
            errorMessage: try row.decode("error_message"), reservedUSD: try row.decode("reserved_usd"),
            reservedTokens: try row.decode("reserved_tokens"))
    }
}
